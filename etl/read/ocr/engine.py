"""Tesseract (Debian's tesseract-ocr with its chi_sim model) called in-process through tesserocr.

One engine per worker process, its models loaded once: Chinese (chi_sim) for prose and label cells; for figure
cells the Latin and the Chinese model restricted to digits (a single line, ``--psm 7`` with a whitelist), each
at several scales, the readings voting (`FIGURE_READS`). Nothing is
downloaded: the models are the Debian packages' files (tesseract-ocr-chi-sim), found in TESSDATA_PREFIX or
the Debian folder.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from etl.model import ReadError

log = logging.getLogger(__name__)

TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
DIGITS = "0123456789."
# a figure is read up to ten times (model, resolution in dpi): tesseract's reading of a short number flips with
# the scale (75 as 15, 71 as 7); it is known only when most readings agree, else its confidence is 0. The first
# three readings (both models, two scales) settle it when they say the same, each at least FIRST_SURE sure: on
# the OCR test matrix (1 312 figures) that is 83 % of them, and never a figure the ten readings read otherwise
FIRST_READS = (("eng", 250), ("chi_sim", 250), ("eng", 350))
FIRST_SURE = 85
FIGURE_READS = FIRST_READS + tuple(
    (lang, dpi) for lang in ("eng", "chi_sim") for dpi in (250, 300, 350, 400, 500) if (lang, dpi) not in FIRST_READS
)
AGREEMENT = 0.75  # share of the readings that said something which must say the same
MIN_AGREEING = 4
# a figure the whole-figure readings do not agree on is read glyph by glyph: each digit alone, as one character
GLYPH_READS = tuple((lang, h) for lang in ("eng", "chi_sim") for h in (28, 36, 44))  # (model, height in px)
MIN_GLYPH_READS = 3  # readings that said something, all the same, for a glyph to be known
GLYPH_RETRY_BELOW = 80  # an agreed figure less sure than this is read glyph by glyph too
SURE_LINE = 93  # a text line read with less confidence is read again on its own ...
LINE_HEIGHT = 48  # ... at this height in pixels
SOURCE_DPI = 96  # the resolution the engine is told (its size heuristics were tuned with it)
PAD = 12  # white pixels around a cut-out cell (the engine wants a margin)

NO_ENGINE = (
    "这是扫描版（图片）文件，需要 OCR 识别，但本机没有安装 OCR 引擎"
    "（tesseract-ocr、tesseract-ocr-chi-sim 与 Python 包 tesserocr），未解析"
)

_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})|(?<={_CJK})\s+(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])\s+(?={_CJK})")


@dataclass(frozen=True)
class Reading:
    """What the engine read in one box: the text and its confidence (0-100; the least sure digit for figures,
    the least sure word for a label)."""

    text: str
    confidence: int


@dataclass(frozen=True)
class Line:
    text: str
    confidence: int
    box: tuple[int, int, int, int]  # pixels: x0, top, x1, bottom


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
        self.line = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.SINGLE_LINE)
        self.raw_line = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.RAW_LINE)
        self.cell = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.SINGLE_BLOCK)
        self.digits = {}
        for lang in {lang for lang, _ in FIGURE_READS}:
            self.digits[lang] = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=tesserocr.PSM.SINGLE_LINE)
            self.digits[lang].SetVariable("tessedit_char_whitelist", DIGITS)
        self.glyph = {}
        for lang in {lang for lang, _ in GLYPH_READS}:
            self.glyph[lang] = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=tesserocr.PSM.SINGLE_CHAR)
            self.glyph[lang].SetVariable("tessedit_char_whitelist", DIGITS.replace(".", ""))

    def lines(self, gray: np.ndarray) -> list[Line]:
        """The text lines of a page (a grey array), in the engine's reading order."""
        api = self.text
        _set_image(api, gray)
        api.Recognize()
        out = []
        level = self._t.RIL.TEXTLINE
        it = api.GetIterator()
        if it is None:
            return out
        while True:
            try:
                text = it.GetUTF8Text(level)
            except RuntimeError:
                break
            box = it.BoundingBox(level)
            if text and text.strip() and box:
                out.append(Line(join_cjk(text), int(round(it.Confidence(level))), tuple(box)))
            if not it.Next(level):
                break
        return [self._reread(gray, ln) if ln.confidence < SURE_LINE else ln for ln in out]

    def _reread(self, gray: np.ndarray, line: Line) -> Line:
        """A line read with little confidence in the page's layout is read again on its own, scaled to
        LINE_HEIGHT (a large title lost its last characters); the surer reading is kept."""
        x0, top, x1, bottom = line.box
        crop = np.ascontiguousarray(gray[max(0, top - 6) : bottom + 6, max(0, x0 - 6) : x1 + 6])
        _set_image(self.line, _prepared(crop, LINE_HEIGHT / max(1, crop.shape[0])))
        text = join_cjk(self.line.GetUTF8Text())
        conf = int(self.line.MeanTextConf())
        return Line(text, conf, line.box) if text and conf > line.confidence else line

    def label(self, image: np.ndarray) -> Reading:
        """A label cell (a grey array, `_prepared`): Chinese, possibly on several lines."""
        for api in (self.cell, self.raw_line):  # a line starting with 一 can come back empty as a block
            _set_image(api, image)
            text = api.GetUTF8Text()
            if text.strip():
                conf = api.AllWordConfidences()
                return Reading(join_cjk(" ".join(text.split())), min(conf) if conf else 0)
        return Reading("", 0)

    def figure(self, crop, dpi: float) -> Reading:
        """A figure cell (a grey array cut to its ink): digits on one line, read at each of FIGURE_READS (the
        first three settle it when they agree, each sure). Most readings must agree (AGREEMENT); the confidence is
        that of the least sure digit over the agreeing ones (0 when they differ: the figure is not known)."""
        readings = []
        for lang, target in FIGURE_READS:
            if len(readings) == len(FIRST_READS) and _settled(readings):
                return Reading(readings[0].text, min(r.confidence for r in readings))
            api = self.digits[lang]
            _set_image(api, _prepared(crop, target / dpi))
            api.Recognize()
            readings.append(self._symbols(api))
        log.debug("figure readings %s", readings)
        said = [r for r in readings if r.text]  # a reading of nothing is no vote
        if not said:
            return Reading("", 0)
        top = max({r.text for r in said}, key=[r.text for r in said].count)
        agree = [r for r in said if r.text == top]
        if len(agree) < MIN_AGREEING or len(agree) < AGREEMENT * len(said):
            return self._by_glyph(crop, top)
        sure = Reading(top, min(r.confidence for r in agree))
        return sure if sure.confidence >= GLYPH_RETRY_BELOW else max(sure, self._by_glyph(crop, top), key=_conf)

    def _by_glyph(self, crop, top: str) -> Reading:
        """The figure read again one glyph at a time (each cut at the blank columns between digits and read
        as a single character, at several heights and with both models): a glyph is known when enough
        readings said it and none said otherwise. Taken only if every glyph is known and together they spell
        what most whole-figure readings said (two ways of reading agreeing); else the figure is unsure."""
        glyphs = _glyphs(crop)
        if not glyphs or len(glyphs) != len(top):
            return Reading(top, 0)
        chars, confs = [], []
        for g in glyphs:
            if g is None:  # a dot on the baseline
                chars.append(".")
                continue
            said = []
            for lang, height in GLYPH_READS:
                api = self.glyph[lang]
                _set_image(api, _prepared(g, height / g.shape[0], pad=height // 2))
                text = api.GetUTF8Text().strip()
                if text:
                    said.append(Reading(text, int(api.MeanTextConf())))
            texts = {r.text for r in said}
            if len(said) < MIN_GLYPH_READS or len(texts) != 1:
                return Reading(top, 0)
            chars.append(texts.pop())
            confs.append(sorted(r.confidence for r in said)[len(said) // 2])  # the median reading
        text = "".join(chars)
        log.debug("figure %r by glyph: %r %s", top, text, confs)
        return Reading(top, min(confs, default=0)) if text == top else Reading(top, 0)

    def _symbols(self, api) -> Reading:
        level = self._t.RIL.SYMBOL
        chars, confs = [], []
        it = api.GetIterator()
        while it is not None:
            try:
                ch = it.GetUTF8Text(level)
            except RuntimeError:  # nothing was read
                break
            if ch:
                chars.append(ch.strip())
                confs.append(it.Confidence(level))
            if not it.Next(level):
                break
        return Reading("".join(chars), int(min(confs)) if confs else 0)


def _settled(readings: list[Reading]) -> bool:
    """The first readings all say the same figure, each sure of it: no more are needed."""
    return bool(readings[0].text) and all(r.text == readings[0].text and r.confidence >= FIRST_SURE for r in readings)


def _conf(r: Reading) -> int:
    return r.confidence


def _glyphs(crop) -> list:
    """A figure's glyphs left to right, cut at the blank columns of its ink (grey arrays; None for a dot: a
    small mark on the baseline)."""
    import cv2

    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    height = crop.shape[0]
    out, start = [], None
    for x, inked in enumerate([*ink.any(axis=0), False]):
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            rows = np.nonzero(ink[:, start:x].any(axis=1))[0]
            if rows.max() - rows.min() < 0.3 * height and rows.min() > 0.6 * height:
                out.append(None)
            else:
                out.append(np.ascontiguousarray(crop[:, max(0, start - 1) : x + 1]))
            start = None
    return out


def _prepared(crop, factor: float, pad: int = PAD) -> np.ndarray:
    """The cut-out cell enlarged by ``factor`` with a white margin."""
    import cv2

    if abs(factor - 1.0) > 0.05:
        crop = cv2.resize(
            crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
        )
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _set_image(api, gray: np.ndarray) -> None:
    """Hand a grey array to the engine as raw bytes, at the resolution it was always told (96 dpi: a PIL image
    reached it as a BMP, which says 96), so its readings are the same without the BMP round trip."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = gray.shape
    api.SetImageBytes(gray.tobytes(), width, height, 1, width)
    api.SetSourceResolution(SOURCE_DPI)


@cache
def engine() -> Engine:
    """This process's engine (a build worker loads the models once)."""
    return Engine()
