"""What a printed cell means — the contract's `value` beside its `raw` text: a number (full-width digits,
thousands separators and a printed unit allowed), or blank (empty, 无, /, dashes, 不适用: no value, which is not 0),
or not a number. Shared by the extractors that read reports and by the audit that reads a typed correction."""

from __future__ import annotations

import re
from functools import lru_cache

from warehouse.text import nfkc

BLANKS = {"", "无", "/", "／", "—", "——", "-", "--", "─", "空", "不适用"}
UNITS = r"(?:万元|元|条|件|次|篇|个|人次|人|项|%)"
_INNER_SPACE = re.compile(r"(?<=\d)\s+(?=\d)")
_NUMBER = re.compile(rf"^([-+]?)(\d+(?:\.\d+)?)\s*({UNITS})?$")


@lru_cache(maxsize=65536)
def parse_cell(text: str) -> tuple[float | None, str | None, bool]:
    """(value, unit printed in the cell, is_number). Blank, 无, / and dashes give (None, None, True);
    text that is not a number gives (None, None, False)."""
    t = nfkc(text).strip().replace(",", "").replace("，", "")
    if t in BLANKS:
        return None, None, True
    t = _INNER_SPACE.sub("", t)
    m = _NUMBER.match(t)
    if not m:
        return None, None, False
    value = float(m.group(2)) * (-1 if m.group(1) == "-" else 1)
    return value, m.group(3), True


def is_value_cell(text: str) -> bool:
    return parse_cell(text)[2]


def to_unit(value: float | None, printed_unit: str | None, metric_unit: str) -> float | None:
    """Convert 元 to 万元 where the metric is kept in 万元."""
    if value is not None and printed_unit == "元" and metric_unit == "万元":
        return round(value / 10000, 6)
    return value
