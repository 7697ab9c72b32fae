"""Synthetic corpus (issue 7): the numbers obey the rules, the truth is what the files say, and a seed is a corpus."""

from __future__ import annotations

import csv
import filecmp
import json
from pathlib import Path

import pytest

from etl.checks.rules import constraints_for, evaluate
from etl.parse import parse_file
from etl.synth import generate
from etl.synth.corpus import LAYOUTS
from etl.synth.layouts import value_rows

N = 60
CLEAN = {"tab", "html", "md", "flat_spaced"}  # layouts whose cell boundaries survive


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("synth")
    summary = generate(d, N, seed=7, inject_rate=0.15)
    assert summary.reports == N
    return d


def _index(d: Path) -> list[dict]:
    with open(d / "index.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _truth(d: Path, row: dict) -> dict:
    with open(d / row["truth"], encoding="utf-8") as f:
        return json.load(f)


def _cells(t: dict) -> dict:
    out = {}
    for k, v in t["cells"].items():
        metric, applicant, basis = k.split("|")
        out[(metric, applicant or None, basis)] = v
    return out


def _table(t: dict) -> str:
    """The layout a report's table was printed in (2021 with the one-row （六） apart)."""
    return "2021_one_row" if t.get("one_row_other") else t["spec"]


def test_corpus_shape(corpus):
    rows = _index(corpus)
    assert len(rows) == N
    assert {r["layout"] for r in rows} <= set(LAYOUTS)
    for r in rows:
        t = _truth(corpus, r)
        assert (corpus / r["report"]).stat().st_size > 0
        assert t["agency"].startswith("演示") and t["province"].startswith("演示")
        spec, year = t["spec"], t["year"]
        assert 2008 <= year <= 2024
        assert spec == ("2021" if year >= 2021 else "2019" if year >= 2019 else spec)
        assert spec in (("national", "fujian2009") if year <= 2013 else ("national", "fujian2014")) or year >= 2019
        if t["template_variant"] != "narrative":
            expected = {c for row in value_rows(_table(t)) for c in row[3]}
            assert set(_cells(t)) == expected, "every cell of the template is in the truth"


def test_an_agency_reports_in_one_scope_every_year(corpus):
    # its figures carry over from year to year (上年结转, 历年累计), which holds only within one scope
    scopes: dict[str, set] = {}
    for r in _index(corpus):
        t = _truth(corpus, r)
        scopes.setdefault(t["agency_key"], set()).add(t["scope"])
    assert len(scopes) < N  # agencies report several years
    assert all(len(s) == 1 for s in scopes.values())


def test_rules_hold_without_injected_errors(corpus):
    checked = failed_injected = injected = 0
    for r in _index(corpus):
        t = _truth(corpus, r)
        values = _cells(t)
        if not values:
            continue
        results = [(c.rule, evaluate(c, values)[0]) for c in constraints_for(t["spec"])]
        fails = [rule for rule, status in results if status == "fail"]
        assert all(v is None or v >= 0 for k, v in values.items() if not k[0].endswith(".change"))
        if t["injected_errors"]:
            injected += 1
            failed_injected += bool(fails)
            assert {e["rule"] for e in t["injected_errors"]} <= set(fails) | {"old.cumulative.ge_year"}
        else:
            assert not fails, f"{r['report']}: {fails}"
            checked += 1
    assert checked > N // 2 and injected > 0 and failed_injected == injected


def test_truth_matches_parsed_cells_for_clean_layouts(corpus):
    """Parsing the report back gives every cell of the truth (rows left entirely blank aside: see below)."""
    compared = 0
    for r in _index(corpus):
        if r["layout"] not in CLEAN:
            continue
        t = _truth(corpus, r)
        if not t["cells"]:
            continue
        parsed = parse_file(str(corpus / r["report"]))
        assert parsed.report["year"] == t["year"] and parsed.report["agency"] == t["agency"]
        got = {(m.metric, m.applicant, m.basis): m.value for m in parsed.metrics if m.source == "table"}
        truth = _cells(t)
        blank_rows = {tuple(row[3]) for row in value_rows(_table(t)) if all(truth[c] is None for c in row[3])}
        for key, value in truth.items():
            if any(key in row for row in blank_rows):
                continue
            assert key in got, f"{r['report']} ({r['layout']}): {key} missing"
            assert got[key] == pytest.approx(value) if value is not None else got[key] is None, (
                f"{r['report']} ({r['layout']}): {key} = {got[key]}, truth {value}"
            )
            compared += 1
    assert compared > 1000


def test_places_of_the_corpus_give_every_report_its_place(corpus, monkeypatch):
    """With the corpus's gazetteer (`etl build --places`), each report's level and place are the truth's; without
    it a county department's title (演示澜桐县教育局) names no province."""
    from etl.extract.metadata import PLACES_ENV

    monkeypatch.setenv(PLACES_ENV, str(corpus / "places.csv"))  # what `etl build --places` sets
    keys = ("level", "province", "prefecture", "county", "township", "agency_kind")
    for r in _index(corpus):
        t = _truth(corpus, r)
        parsed = parse_file(str(corpus / r["report"])).report
        assert {k: parsed[k] for k in keys} == {k: t[k] for k in keys}, r["report"]
        assert parsed["parser_version"].startswith("0.") and "+places." in parsed["parser_version"]


def test_names_never_repeat_at_national_scale():
    from itertools import islice

    from etl.synth.names import agencies

    names = [a.name for a in islice(agencies(), 200_000)]  # some 12 000 counties
    assert len(set(names)) == len(names)


def test_all_blank_rows_are_kept_as_nulls(tmp_path):
    d = tmp_path / "c"
    generate(d, 400, seed=0)
    found = 0
    for r in _index(d):
        t = _truth(d, r)
        if r["layout"] not in CLEAN or not t["cells"]:
            continue
        truth = _cells(t)
        blank = [c for row in value_rows(_table(t)) if all(truth[c] is None for c in row[3]) for c in row[3]]
        if not blank:
            continue
        found += 1
        got = {(m.metric, m.applicant, m.basis) for m in parse_file(str(d / r["report"])).metrics}
        assert all(k in got for k in blank), r["report"]
    if not found:
        pytest.skip("no report with an all-blank row in this sample")


def test_same_seed_same_corpus(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, 25, seed=11)
    generate(b, 25, seed=11, jobs=2)  # processes share out agencies: same files
    generate(c, 25, seed=12)
    files = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert not mismatch and not errors
    assert (a / "index.csv").read_bytes() != (c / "index.csv").read_bytes()


def test_encodings_decode(corpus):
    from etl.read.decode import decode

    seen = set()
    for r in _index(corpus):
        data = (corpus / r["report"]).read_bytes()
        text = decode(data)
        assert _truth(corpus, r)["agency"] in text.replace("\n", "")
        seen.add(r["encoding"])
    assert "gb18030" in seen or "utf-16" in seen


def test_printed_labels_match_the_specs():
    from etl.extract.tables import label_matches
    from etl.specs import SPECS

    for name, spec in SPECS.items():
        rows = value_rows(name) + (value_rows("2021_one_row") if name == "2021" else [])
        assert {c for r in rows for c in r[3]} == {c for r in spec.rows for c in r.cells}
        for _, label, _, keys in rows:
            row = next(s for s in spec.rows if list(s.cells) == keys)
            assert row.pattern is None or label_matches(row, label), (name, label)


def test_label_typos_in_flattened_layouts_are_read():
    """Issue 25: one table in ten carries a misprinted label in every layout, flattened ones included; those rows
    are read (the locator says the label was matched approximately), none lost, none wrong."""
    import random

    from etl.synth.corpus import render_report
    from etl.synth.names import agencies

    seen = 0
    for agency in agencies():
        for layout in ("flat_spaced", "flat_merged"):
            year = 2010 + seen % 14
            _, text, truth = render_report(agency, year, random.Random(agency.key), {}, 0.0, 0.0, layout=layout)
            if not truth["label_typo"] or truth["flat_ambiguous_rows"]:
                continue
            seen += 1
            parsed = parse_file(f"{agency.key}_{year}.txt", text.encode("utf-8"))
            got = {f"{m.metric}|{m.applicant or ''}|{m.basis}": m for m in parsed.metrics if m.source == "table"}
            assert {k: got[k].value if k in got else "lost" for k in truth["cells"]} == {
                k: None if v is None else float(v) for k, v in truth["cells"].items()
            }, (layout, truth["label_typo"])
            assert any("标签近似匹配：“" in m.locator and truth["label_typo"][1] in m.locator for m in got.values())
        if seen >= 8:
            break
    assert seen >= 8
