"""A run of digits after a label in flattened text, and the candidate ways to split a run of merged digits into cells."""

from __future__ import annotations

import re
from itertools import combinations

from warehouse.cells import UNITS

# a run of figures: digits, spaces, '-' and '.', and thousands separators (a comma before three digits); what
# follows it may be a money unit, and must not be one stray character glued to more digits ("1;047", "0工8": a
# separator or a digit misread by OCR), which leaves the run unreadable rather than cut short (an opening bracket
# before a digit is the next row's numbering: "(1)")
_NUMERIC_RUN = re.compile(
    r"^(?:\([^()]{0,60}\))?[:：\s\"']*(?P<unit>" + UNITS + r")?\s*"
    r"(?P<run>(?:[-\d.\s]|[,，](?=\d{3}(?!\d)))*\d)(?P<tail>万元|元)?(?P<glued>[^\d\s.(（\[【〔][0-9]+)?"
)
_THOUSANDS = re.compile(r"[,，]")


class BrokenRun(ValueError):
    """A run of figures with a stray character inside it: which figure it belongs to is unknown."""


def numeric_run(region: str) -> tuple[str, str | None] | None:
    """The run of digits that follows a label in flattened text, with its money unit (元 before or after) if any;
    BrokenRun (with the run as printed) if a stray character sits inside it."""
    m = _NUMERIC_RUN.match(region)
    if not m:
        return None
    if m.group("glued"):
        raise BrokenRun(region[m.start("run") : m.end("glued")].strip())
    money = m.group("tail") or (m.group("unit") if m.group("unit") in ("元", "万元") else None)
    return _THOUSANDS.sub("", m.group("run")).strip(), money


def _token_ok(tok: str, kind: str) -> bool:
    if kind == "change" and tok.startswith("-"):
        tok = tok[1:]
    if "." in tok:
        if kind not in ("money", "decimal"):
            return False
        whole, _, frac = tok.partition(".")
        return bool(whole) and bool(frac) and (whole == "0" or not whole.startswith("0"))
    return tok.isdigit() and (tok == "0" or not tok.startswith("0"))


def split_candidates(run: str, kinds: list[str], limit: int = 20000) -> list[tuple[str, ...]]:
    """Every way to cut `run` into len(kinds) numbers (no leading zeros; '-' only for changes, '.' only
    for money). Where the run has spaces, cuts that respect every space are preferred if any exist."""
    n = len(kinds)
    groups = run.split()
    if len(groups) == n and all(_token_ok(g, k) for g, k in zip(groups, kinds)):
        return [tuple(groups)]
    digits = "".join(groups)
    boundaries = set()
    pos = 0
    for g in groups[:-1]:
        pos += len(g)
        boundaries.add(pos)
    out: list[tuple[str, ...]] = []
    for cuts in combinations(range(1, len(digits)), n - 1):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if all(_token_ok(p, k) for p, k in zip(parts, kinds)):
            out.append(tuple(parts))
            if len(out) >= limit:
                break
    respecting = [c for c in out if boundaries <= _cut_set(c)]
    return respecting or out


def _cut_set(parts: tuple[str, ...]) -> set[int]:
    pos, cuts = 0, set()
    for p in parts[:-1]:
        pos += len(p)
        cuts.add(pos)
    return cuts
