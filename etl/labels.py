"""Row labels normalised for recognition and extraction, over the shared character normalisation
(`warehouse.text.nfkc`)."""

from __future__ import annotations

import re
from functools import lru_cache

from warehouse.text import nfkc

_WS = re.compile(r"\s+")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d)|其中[:]?)+")


@lru_cache(maxsize=4)
def compact(text: str) -> str:
    """Whitespace removed, except one space kept between two digits (a possible cell boundary)."""
    return " ".join("".join(part.split()) for part in _DIGIT_GAP.split(nfkc(text)))  # str.split: \s, faster


# (?<=[\d.])\s+(?=-?\d), its lookbehind moved after the first space: the engine then skips ahead to spaces
_DIGIT_GAP = re.compile(r"\s(?<=[\d.]\s)\s*(?=-?\d)")


@lru_cache(maxsize=65536)
def core(label: str) -> str:
    """A row label without whitespace, markup and leading numbering: '（一）主动公开…' -> '主动公开…'."""
    return _NUMBERING.sub("", _WS.sub("", nfkc(label)))
