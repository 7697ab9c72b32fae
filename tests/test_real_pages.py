"""Issue 25: report metadata read from real pages as their sites serve them (menus, 当前位置 breadcrumbs, date lines,
发布时间/来源/分享 blocks, bylines, generic titles, traditional characters), 165 openings from all 31 provinces found
in public page captures (tests/fixtures/real_page_openings.jsonl: each page's opening lines and the facts read
off it by hand: year, agency, kind, level, place, scope; `names_agency`: whether the text says who reports).

Every report whose text names its agency is placed right, and ≥ 99.3 % of all fields are right; a page that does
not say who it is gets no agency, no place, and an error that says so.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from conftest import ROOT

from etl.parse import parse_file

FIXTURE = ROOT / "tests" / "fixtures" / "real_page_openings.jsonl"
FIELDS = ("year", "agency", "agency_kind", "level", "province", "prefecture", "county", "township", "scope")
_GOV = re.compile(r"(人民政府|政府|办事处)$")


def pages() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@cache
def parsed(page_id: str) -> dict:
    page = next(p for p in pages() if p["id"] == page_id)
    return parse_file(f"{page_id}.txt", page["text"].encode("utf-8")).report


def same_agency(got: str | None, want: str | None) -> bool:
    """One agency however the report words its government (洪泽区 / 洪泽区人民政府, 厚桥街道 / 厚桥街道办事处); the place fields are checked
    apart, so a place printed before it (淮安市洪泽区) is no difference."""
    if got is None or want is None:
        return got is want
    g, w = _GOV.sub("", got), _GOV.sub("", want)
    return g == w or g.endswith(w) or w.endswith(g)


def wrong_fields(page: dict) -> list[str]:
    got, want = parsed(page["id"]), page["expect"]
    out = []
    for f in FIELDS:
        ok = same_agency(got[f], want[f]) if f == "agency" else got[f] == want[f]
        if not ok:
            out.append(f"{f}: got {got[f]!r}, want {want[f]!r}")
    return out


def accuracy() -> tuple[float, dict[str, list[str]]]:
    ps = pages()
    wrong = {p["id"]: wrong_fields(p) for p in ps}
    bad = sum(len(w) for w in wrong.values())
    return 1 - bad / (len(ps) * len(FIELDS)), {k: v for k, v in wrong.items() if v}


def test_the_set_covers_the_country():
    ps = pages()
    assert len(ps) >= 165
    assert len({p["expect"]["province"] for p in ps if p["expect"]["province"]}) == 31
    assert len({p["expect"]["province"] for p in ps if p["expect"]["province"]}) >= 25
    assert {p["expect"]["level"] for p in ps} >= {"province", "prefecture", "county", "township", None}
    assert {p["expect"]["agency_kind"] for p in ps} >= {"government", "department"}


def test_fields_right():
    """99.3 % of all 165 (10 fields of 1,485 wrong, on 3 pages). Pages were gathered in three batches, each measured
    before the rules were changed for it: the first 104 read 75.5 % (98.5 % once read); the next 52 read 94.4 %
    (政务信息公开 titles, a cited 《…通知》 taken for the title, 由X委员会办公室编制, 国资委 taken for a government, a
    township or 县乡村振兴局 placed by the address or site the page prints, 黔南州); the last 9 read 97.5 %
    (结合X政府信息公开工作实际). What is left wrong is a place the page does not print (a township named without its
    county, "自治区人民政府办公厅"), left unknown."""
    share, wrong = accuracy()
    assert share >= 0.993, (round(share, 4), wrong)


@pytest.mark.parametrize("page", [p for p in pages() if p["names_agency"]], ids=lambda p: p["id"])
def test_a_report_that_names_its_agency_is_placed(page):
    """(One page names its agency only as "自治区人民政府办公厅": which of five it does not say; it stays unknown.)"""
    got, want = parsed(page["id"]), page["expect"]
    assert [got[f] for f in ("province", "prefecture", "county", "township")] == [
        want[f] for f in ("province", "prefecture", "county", "township")
    ], wrong_fields(page)


@pytest.mark.parametrize("page", [p for p in pages() if not p["expect"]["agency"]], ids=lambda p: p["id"])
def test_a_report_that_does_not_say_who_it_is_stays_unknown(page):
    got = parsed(page["id"])
    assert got["agency"] is None and got["province"] is None and got["level"] is None
    assert re.search(r"未能识别报告机关|未识别为政府信息公开工作年度报告", got["error"] or "")


GENERIC_TITLE = "2022年政府信息公开工作年度报告\n\n2022年，本机关严格落实《条例》要求，主动公开政府信息。\n\n"


def test_the_sign_off_names_the_agency_of_a_generic_title():
    """A generic title and 本机关 in the body: the 落款 at the end says who reports."""
    text = GENERIC_TITLE + "淮安市洪泽区人民政府办公室\n2023年1月20日\n"
    r = parse_file("sign_off.txt", text.encode("utf-8")).report
    assert (r["year"], r["agency"], r["agency_kind"], r["level"]) == (
        2022,
        "淮安市洪泽区人民政府办公室",
        "department",
        "county",
    )
    assert (r["province"], r["prefecture"], r["county"]) == ("江苏省", "淮安市", "洪泽区")


def test_a_report_naming_no_one_says_why():
    r = parse_file("no_one.txt", (GENERIC_TITLE + "2023年1月20日\n").encode("utf-8")).report
    assert r["year"] == 2022 and r["agency"] is None and r["province"] is None
    assert "未能识别报告机关（标题、正文开头、落款和发布网站都没有写明" in r["error"]
