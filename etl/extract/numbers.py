"""A run of digits after a label in flattened text, and the candidate ways to split a run of merged digits into cells."""

from __future__ import annotations

import re
from itertools import combinations

from warehouse.cells import UNITS

_NUMERIC_RUN = re.compile(
    r"^(?:\([^()]{0,60}\))?[:：\s\"']*(?P<unit>" + UNITS + r")?\s*(?P<run>[-\d.\s]*\d)(?P<tail>万元|元)?"
)


def numeric_run(region: str) -> tuple[str, str | None] | None:
    """The run of digits that follows a label in flattened text, with its money unit (元 before or after) if any."""
    m = _NUMERIC_RUN.match(region)
    if not m:
        return None
    money = m.group("tail") or (m.group("unit") if m.group("unit") in ("元", "万元") else None)
    return m.group("run").strip(), money


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
