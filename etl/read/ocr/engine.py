"""Tesseract (Debian's tesseract-ocr with its chi_sim model) called in-process through tesserocr.

One engine per worker process, its models loaded once: Chinese (chi_sim) for prose and label cells, and the
Latin model restricted to digits for figure cells (a single line, ``--psm 7`` with a whitelist). Nothing is
downloaded: the models are the Debian packages' files (tesseract-ocr-chi-sim), found in TESSDATA_PREFIX or
the Debian folder.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.model import ReadError

TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
            "/usr/share/tessdata", "/usr/local/share/tessdata")
DIGITS = "0123456789."

NO_ENGINE = ("这是扫描版（图片）文件，需要 OCR 识别，但本机没有安装 OCR 引擎"
             "（tesseract-ocr、tesseract-ocr-chi-sim 与 Python 包 tesserocr），未解析")

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})|(?<={_CJK})\s+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])\s+(?={_CJK})")


@dataclass(frozen=True)
class Reading:
    """What the engine read in one box: the text and its confidence (0-100; the least sure character for
    figures, the mean over words for text)."""

    text: str
    confidence: int


@dataclass(frozen=True)
class Line:
    text: str
    confidence: int
    box: tuple[int, int, int, int]        # pixels: x0, top, x1, bottom


def tessdata() -> str | None:
    for d in filter(None, (os.environ.get("TESSDATA_PREFIX"), *TESSDATA)):
        if (Path(d) / "chi_sim.traineddata").exists() and (Path(d) / "eng.traineddata").exists():
            return d
    return None


def available() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata() is not None


def join_cjk(text: str) -> str:
    """Tesseract puts a space between Chinese characters; a Chinese text has none."""
    return _CJK_GAP.sub("", text.strip())


class Engine:
    def __init__(self):
        import tesserocr
        self._t = tesserocr
        path = tessdata()
        if path is None:
            raise ReadError(NO_ENGINE)
        self.text = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.AUTO)
        self.cell = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.SINGLE_BLOCK)
        self.digits = tesserocr.PyTessBaseAPI(path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
        self.digits.SetVariable("tessedit_char_whitelist", DIGITS)

    def lines(self, image) -> list[Line]:
        """The text lines of a page (PIL image), in the engine's reading order."""
        api = self.text
        api.SetImage(image)
        api.Recognize()
        out = []
        level = self._t.RIL.TEXTLINE
        it = api.GetIterator()
        if it is None:
            return out
        while True:
            text = it.GetUTF8Text(level)
            box = it.BoundingBox(level)
            if text and text.strip() and box:
                out.append(Line(join_cjk(text), int(round(it.Confidence(level))), tuple(box)))
            if not it.Next(level):
                break
        return out

    def label(self, image) -> Reading:
        """A label cell: Chinese, possibly on several lines."""
        api = self.cell
        api.SetImage(image)
        text = api.GetUTF8Text()
        conf = api.AllWordConfidences()
        return Reading(join_cjk(" ".join(text.split())), min(conf) if conf else 0)

    def figure(self, image) -> Reading:
        """A figure cell: digits on one line; the confidence is that of the least sure digit."""
        api = self.digits
        api.SetImage(image)
        api.Recognize()
        level = self._t.RIL.SYMBOL
        chars, confs = [], []
        it = api.GetIterator()
        while it is not None:
            ch = it.GetUTF8Text(level)
            if ch:
                chars.append(ch.strip())
                confs.append(it.Confidence(level))
            if not it.Next(level):
                break
        return Reading("".join(chars), int(min(confs)) if confs else 0)


@cache
def engine() -> Engine:
    """This process's engine (a build worker loads the models once)."""
    return Engine()
