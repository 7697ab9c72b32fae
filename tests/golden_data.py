"""Loading the hand-written golden values and finding the files they describe."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from conftest import CORPUS, GOLDEN, SAMPLES

# the two rows of Pingtan 2015's table as its flattened text prints them: 2949|81916, which its table alone
# cannot split (2|949|…, 29|49…, 294|9…)
PINGTAN_2015_ROWS = "主动公开信息数条294981916其中:1、政府网站公开数条294981916"


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def golden_metrics(key: str) -> dict[tuple, dict]:
    with open(GOLDEN / "metrics" / f"{key}.csv", encoding="utf-8") as f:
        return {
            (r["metric"], r["applicant"] or None, r["basis"] or "year"): {
                "value": _num(r["value"]),
                "miss_in": set(filter(None, r.get("miss_in", "").split("|"))),
                "note": r.get("note"),
            }
            for r in csv.DictReader(f)
        }


@cache
def golden_reports() -> dict[str, dict]:
    out = {}
    for path in sorted(GOLDEN.glob("reports*.csv")):
        with open(path, encoding="utf-8") as f:
            out.update({r["key"]: r for r in csv.DictReader(f)})
    return out


def keys() -> list[str]:
    return sorted(p.stem for p in (GOLDEN / "metrics").glob("*.csv"))


def files_for(key: str) -> list[tuple[str, Path]]:
    """(format, path) of every file holding the report `key`."""
    candidates = [
        ("txt", SAMPLES / f"{key}.txt"),
        ("txt", CORPUS / f"{key}.txt"),
        ("html", CORPUS / "html" / f"{key}.html"),
        ("html", CORPUS / f"{key}.html"),
    ]
    return [(fmt, p) for fmt, p in candidates if p.exists()]


def cases() -> list[tuple[str, str, Path]]:
    return [(key, fmt, path) for key in keys() for fmt, path in files_for(key)]


def table_values(parsed) -> dict[tuple, float | None]:
    return {(m.metric, m.applicant, m.basis): m.value for m in parsed.metrics if m.source == "table"}


def differences(key: str, fmt: str, parsed) -> tuple[list[str], list[tuple]]:
    """(cells that differ from the golden values, cells the parser read that the report does not have).

    A cell marked as an expected miss for `fmt` must come out null."""
    got, want = table_values(parsed), golden_metrics(key)
    wrong = []
    for cell, g in want.items():
        expected = None if fmt in g["miss_in"] else g["value"]
        if cell not in got:
            wrong.append(f"{cell}: missing (want {expected})")
        elif (got[cell] is None) != (expected is None) or (expected is not None and abs(got[cell] - expected) > 1e-6):
            wrong.append(
                f"{cell}: got {got[cell]}, want {expected}"
                + (f" (an expected miss in {fmt})" if fmt in g["miss_in"] else "")
            )
    return wrong, sorted(set(got) - set(want), key=str)
