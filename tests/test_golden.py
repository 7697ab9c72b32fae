"""The warehouse against hand-written golden values, cell by cell, for every seed and real report."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.parse import parse_file
from golden_data import cases, golden_metrics, golden_reports

CASES = cases()


def _table_values(parsed) -> dict[tuple, float | None]:
    return {(m.metric, m.applicant, m.basis): m.value for m in parsed.metrics if m.source == "table"}


@pytest.mark.parametrize("key,fmt,path", CASES, ids=[f"{k}.{f}" for k, f, _ in CASES])
def test_every_cell(key, fmt, path):
    parsed = parse_file(str(path))
    got = _table_values(parsed)
    want = golden_metrics(key)
    wrong, expected_misses = [], []
    for cell, g in want.items():
        if fmt in g["miss_in"]:
            expected_misses.append(cell)
            assert got.get(cell) is None, f"{cell}: golden says the {fmt} run is ambiguous, parser read {got.get(cell)}"
            continue
        if cell not in got:
            wrong.append(f"{cell}: missing (want {g['value']})")
        elif (got[cell] is None) != (g["value"] is None) or (
                g["value"] is not None and abs(got[cell] - g["value"]) > 1e-6):
            wrong.append(f"{cell}: got {got[cell]}, want {g['value']}")
    extra = sorted(set(got) - set(want), key=str)
    assert not wrong, f"{len(wrong)} of {len(want)} cells differ:\n" + "\n".join(wrong)
    assert not extra, f"cells the report does not have: {extra}"
    if expected_misses:
        assert parsed.report["parse_status"] == "partial" and parsed.report["error"]


META_FIELDS = ["year", "template", "template_variant", "agency_kind", "level", "province", "scope", "publish_date"]


@pytest.mark.parametrize("key,fmt,path", CASES, ids=[f"{k}.{f}" for k, f, _ in CASES])
def test_metadata(key, fmt, path):
    want = golden_reports().get(key)
    if want is None:
        pytest.skip(f"no golden metadata for {key}")
    report = parse_file(str(path)).report
    got = {f: report.get(f) for f in META_FIELDS}
    got["year"] = str(got["year"]) if got["year"] is not None else ""
    got["publish_date"] = got["publish_date"].isoformat() if isinstance(got["publish_date"], dt.date) else ""
    expected = {f: want.get(f, "") or "" for f in META_FIELDS}
    got = {f: ("" if v is None else v) for f, v in got.items()}
    assert got == expected
    assert report["agency"] == want["agency"]
    assert report["agency_short"] == want["agency_short"]
