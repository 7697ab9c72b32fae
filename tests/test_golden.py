"""The warehouse against hand-written golden values, cell by cell, for every seed and real report."""

from __future__ import annotations

import datetime as dt

import pytest
from golden_data import cases, differences, golden_metrics, golden_reports

from etl.parse import parse_file

CASES = cases()


@pytest.mark.parametrize("key,fmt,path", CASES, ids=[f"{k}.{f}" for k, f, _ in CASES])
def test_every_cell(key, fmt, path):
    parsed = parse_file(str(path))
    wrong, extra = differences(key, fmt, parsed)
    assert not wrong, f"{len(wrong)} of {len(golden_metrics(key))} cells differ:\n" + "\n".join(wrong)
    assert not extra, f"cells the report does not have: {extra}"
    if any(fmt in g["miss_in"] for g in golden_metrics(key).values()):
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
