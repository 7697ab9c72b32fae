"""Scorecard (issue 6): constructed reports in tmp_path -> warehouse -> scores."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from scoring import similarity as sim
from scoring.export import ALL_SHEET, DEDUCTIONS_SHEET, write_excel
from scoring.rubric import DEFAULT_RUBRIC, RubricError, load_rubric, parse_rubric
from scoring.scorecard import score_warehouse

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "004_aa665f4df32367ae.txt"  # 兴庆区审批服务管理局 2019, dated 2020年1月22日
PINGTAN_2020 = Path("/work/shared/corpus/real/2020_pingtan-syq_2019.txt")


def build(inputs: list[Path], out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "etl", "build", *map(str, inputs), "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def sample_text() -> str:
    if not SAMPLE.exists():
        pytest.skip("sample report 004 missing")
    return SAMPLE.read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def next_year_copy(text: str) -> str:
    """Last year's report re-dated with new numbers: the prose is otherwise unchanged."""
    t = text.replace("2020年", "2021年").replace("2019", "2020")
    t = t.replace("2021年1月22日", "2021年1月20日")
    for old, new in (
        ("82项", "95项"),
        ("668项", "702项"),
        ("共公示 31 条", "共公示 47 条"),
        ("共征集建议 3 条", "共征集建议 6 条"),
    ):
        t = t.replace(old, new)
    return t


def set_weight(rubric_text: str, indicator: str, weight: float) -> str:
    pattern = rf"(\[indicators\.{indicator}\][^\[]*?\nweight = )[0-9.]+"
    out, n = re.subn(pattern, rf"\g<1>{weight}", rubric_text)
    assert n == 1, indicator
    return out


def row(sc, agency_contains: str, year: int) -> dict:
    rows = [r for r in sc.scores.iter_rows(named=True) if agency_contains in r["agency"] and r["year"] == year]
    assert len(rows) == 1, (agency_contains, year, sc.scores.select("agency", "year"))
    return rows[0]


# ---------------------------------------------------------------------------------------------- originality


def test_copy_of_last_year_with_new_numbers_is_flagged(tmp_path):
    text = sample_text()
    src = tmp_path / "in"
    write(src, "2019.txt", text)
    write(src, "2020.txt", next_year_copy(text))
    sc = score_warehouse(build([src], tmp_path / "wh"))
    r2020 = row(sc, "审批服务管理局", 2020)
    assert r2020["val_originality"] >= 0.9
    assert r2020["pts_originality"] == 0
    ev = sc.evidence.filter(
        (sc.evidence["report_id"] == r2020["report_id"]) & (sc.evidence["indicator"] == "originality")
    )
    first = ev.row(0, named=True)
    assert "雷同" in first["message"] and "上年报告" in first["message"]
    assert first["this"] and first["other"]  # the copied passage and its source, side by side
    assert row(sc, "审批服务管理局", 2019)["pts_originality"] == 20  # the original is not penalised


def test_different_reports_are_not_flagged(tmp_path):
    samples = sorted((ROOT / "data" / "samples").glob("*.txt"))
    if len(samples) < 2:
        pytest.skip("samples missing")
    sc = score_warehouse(build(samples, tmp_path / "wh"))
    assert sc.scores["val_originality"].drop_nulls().max() < 0.6


# ---------------------------------------------------------------------------------------------- timeliness


def test_department_report_published_15_february_is_late(tmp_path):
    text = sample_text().replace("2020年1月22日", "2020年2月15日")
    src = tmp_path / "in"
    write(src, "late.txt", text)
    sc = score_warehouse(build([src], tmp_path / "wh"))
    r = row(sc, "审批服务管理局", 2019)
    assert r["publish_date"] == date(2020, 2, 15)
    assert r["agency_kind"] == "department"
    assert r["pts_timeliness"] == 0 and r["max_timeliness"] == 20
    ev = sc.evidence.filter(sc.evidence["indicator"] == "timeliness").row(0, named=True)
    assert ev["this"] == "2020-02-15" and ev["other"] == "2020-01-31" and "晚于期限" in ev["message"]
    assert ev["lost"] == 20


def test_on_time_department_and_user_deadline(tmp_path):
    src = tmp_path / "in"
    write(src, "ok.txt", sample_text())
    wh = build([src], tmp_path / "wh")
    assert row(score_warehouse(wh), "审批服务管理局", 2019)["pts_timeliness"] == 20
    strict = parse_rubric(
        DEFAULT_RUBRIC.read_text(encoding="utf-8").replace('deadline_override = ""', 'deadline_override = "2020-01-15"')
    )
    assert row(score_warehouse(wh, strict), "审批服务管理局", 2019)["pts_timeliness"] == 0


# ---------------------------------------------------------------------------------------------- arithmetic


def test_pingtan_2020_loses_internal_arithmetic_points(tmp_path):
    if not PINGTAN_2020.exists():
        pytest.skip("corpus file 2020_pingtan-syq_2019.txt absent")
    sc = score_warehouse(build([PINGTAN_2020], tmp_path / "wh"))
    r = row(sc, "平潭", 2020)
    assert r["pts_arithmetic"] < r["max_arithmetic"]
    ev = sc.evidence.filter((sc.evidence["indicator"] == "arithmetic") & (sc.evidence["lost"] > 0))
    assert any("apply.outcome_sum" in m for m in ev["message"].to_list())


# ---------------------------------------------------------------------------------------------- weights -> ranking


def _two_agencies(tmp_path) -> Path:
    text = sample_text()
    src = tmp_path / "in"
    # A: late (published 2月15日), arithmetic fine
    write(src, "a.txt", text.replace("2020年1月22日", "2020年2月15日"))
    # B: another department of the same government, on time, but its 总计 contradicts its rows
    b = text.replace("审批服务管理局", "财政局")
    b = b.replace("(七) 总计\t\t\t\t\t\t\t0", "(七) 总计\t\t\t\t\t\t\t5")
    assert b.count("\t5") >= 1
    write(src, "b.txt", b)
    return build([src], tmp_path / "wh")


def test_editing_a_weight_changes_the_ranking(tmp_path):
    wh = _two_agencies(tmp_path)
    base = set_weight(DEFAULT_RUBRIC.read_text(encoding="utf-8"), "originality", 0)
    timeliness_heavy = parse_rubric(set_weight(set_weight(base, "timeliness", 40), "arithmetic", 5))
    arithmetic_heavy = parse_rubric(set_weight(set_weight(base, "timeliness", 5), "arithmetic", 40))

    sc1 = score_warehouse(wh, timeliness_heavy)
    a1, b1 = row(sc1, "审批服务管理局", 2019), row(sc1, "财政局", 2019)
    assert a1["peer_group"] == b1["peer_group"]
    assert b1["pts_arithmetic"] < 5 and a1["pts_timeliness"] == 0
    assert (b1["rank"], a1["rank"]) == (1, 2)

    sc2 = score_warehouse(wh, arithmetic_heavy)
    a2, b2 = row(sc2, "审批服务管理局", 2019), row(sc2, "财政局", 2019)
    assert (a2["rank"], b2["rank"]) == (1, 2)


# ---------------------------------------------------------------------------------------------- grades, change


def test_grades_and_change_on_last_year(tmp_path):
    text = sample_text()
    src = tmp_path / "in"
    write(src, "2019.txt", text)
    write(src, "2020.txt", next_year_copy(text))
    sc = score_warehouse(build([src], tmp_path / "wh"))
    r19, r20 = row(sc, "审批服务管理局", 2019), row(sc, "审批服务管理局", 2020)
    assert r19["change"] is None
    assert r20["change"] == pytest.approx(r20["total"] - r19["total"], abs=0.11)
    rubric = load_rubric()
    for r in (r19, r20):
        assert r["grade"] == rubric.grade_for(r["total"])
    assert rubric.grade_for(95) == "优秀" and rubric.grade_for(85) == "良好"
    assert rubric.grade_for(60) == "合格" and rubric.grade_for(59.9) == "不合格"


# ---------------------------------------------------------------------------------------------- Excel


def test_excel_has_a_sheet_per_peer_group_and_deductions(tmp_path):
    wh = _two_agencies(tmp_path)
    sc = score_warehouse(wh)
    out = tmp_path / "scorecard.xlsx"
    write_excel(sc, out)
    wb = openpyxl.load_workbook(out)
    groups = sc.peer_groups()
    assert wb.sheetnames == [ALL_SHEET, *groups, DEDUCTIONS_SHEET]
    everyone = wb[ALL_SHEET]  # every agency ranked on one sheet, Excel's filters on its header
    assert everyone.auto_filter.ref and everyone.max_row == 2 + sc.scores.height
    assert everyone.cell(2, 1).value == "总排名" and everyone.cell(3, 1).value == 1
    ws = wb[groups[0]]
    assert ws.max_row == 2 + sc.scores.filter(sc.scores["peer_group"] == groups[0]).height
    assert ws.cell(2, 3).value == "机关"
    agencies = {ws.cell(i, 3).value for i in range(3, ws.max_row + 1)}
    assert {"兴庆区审批服务管理局", "兴庆区财政局"} <= agencies
    ded = wb[DEDUCTIONS_SHEET]
    n = sc.evidence.filter(sc.evidence["lost"] > 0).height
    assert ded.max_row == n + 1
    messages = [ded.cell(i, 6).value for i in range(2, ded.max_row + 1)]
    assert any("晚于期限" in m for m in messages)
    assert any("总计" in m for m in messages)


# ---------------------------------------------------------------------------------------------- scale


def test_one_year_is_scored_as_in_the_whole_warehouse(tmp_path):
    """The page scores a year at a time (that year and the one before): the same points, ranks and 较上年 as
    scoring every year, and the year before is read for its text only."""
    text = sample_text()
    src = tmp_path / "in"
    write(src, "2019.txt", text)
    write(src, "2020.txt", next_year_copy(text))
    write(src, "2021.txt", next_year_copy(next_year_copy(text)))
    wh = build([src], tmp_path / "wh")
    whole = score_warehouse(wh).scores.filter(pl.col("year") == 2021)
    year = score_warehouse(wh, years=[2020, 2021]).scores
    assert sorted(year["year"].unique().to_list()) == [2020, 2021]
    assert year.filter(pl.col("year") == 2021).equals(whole)
    assert whole["change"].to_list() == [0.0] and whole["val_originality"][0] >= 0.9  # copied from 2020
    ningxia = score_warehouse(wh, years=[2020, 2021], places={"province": ["宁夏回族自治区"]}).scores
    assert ningxia.equals(year)
    assert score_warehouse(wh, years=[2020, 2021], places={"province": ["福建省"]}).scores.is_empty()


def test_a_year_is_scored_one_province_at_a_time(tmp_path, monkeypatch):
    """Texts and shingles are held for one year and province at a time, never for a whole national year; reports
    of other provinces are not compared (the same-year comparison is within a province)."""
    from app.warehouse import read_table
    from scoring import scorecard

    wh = _two_agencies(tmp_path)  # 财政局 copies 审批服务管理局, both in 宁夏
    reports = read_table(wh, "reports").with_columns(
        pl.when(pl.col("agency").str.contains("财政局"))
        .then(pl.lit("演示省"))
        .otherwise(pl.col("province"))
        .alias("province")
    )
    held = []
    real = scorecard._similarity
    monkeypatch.setattr(
        scorecard,
        "_similarity",
        lambda rubric, rows, *a: held.append({r["province"] for r in rows}) or real(rubric, rows, *a),
    )
    sc = scorecard.score_tables(reports, read_table(wh, "metrics"), read_table(wh, "checks"), base_dirs=[wh.parent])
    assert sorted(map(sorted, held)) == [["宁夏回族自治区"], ["演示省"]]
    assert sc.scores.height == 2 and sc.scores["val_originality"].to_list() == [0.0, 0.0]
    together = score_warehouse(wh)  # one province: the copy is found
    assert row(together, "财政局", 2019)["val_originality"] >= 0.9


def test_each_report_keeps_its_closest_same_year_matches():
    """Templated reports are all alike: each keeps `top` matches, the closest first, whatever the group size."""
    base = "本机关认真贯彻落实政府信息公开条例，持续深化政务公开工作，围绕重点领域做好信息发布。" * 3
    texts = {
        f"r{i}": sim.prepare(f"r{i}", base + f"第{'甲乙丙丁戊己庚辛壬癸'[i]}项特色工作：" + "创新" * i, [], 8, 128)
        for i in range(10)
    }
    found = sim.find_matches(texts, {}, [sorted(texts)], top=3)
    per_report = {r: [m for m in found if m.report_id == r] for r in texts}
    assert all(len(ms) == 3 for ms in per_report.values())
    r0 = [m.similarity for m in per_report["r0"]]
    assert r0 == sorted(r0, reverse=True) and r0[0] > 0.8


# ---------------------------------------------------------------------------------------------- rubric validation


def test_default_rubric_is_valid():
    r = load_rubric()
    assert [g.name for g in r.grades] == ["优秀", "良好", "合格", "不合格"]
    assert sum(i.weight for i in r.indicators) == 100
    assert r.indicator("refusal_share").weight == 0
    assert r.peer_by == ("level", "parent")


@pytest.mark.parametrize(
    "edit, expect",
    [
        (lambda t: t.replace("weight = 25", 'weight = "很多"'), "权重 weight 应为数字"),
        (lambda t: t.replace("weight = 25", "weight = -5"), "不能为负数"),
        (lambda t: t + "\n[indicators.beauty]\nweight = 3\n", "未知指标「beauty」"),
        (lambda t: t.replace('by = ["level", "parent"]', 'by = ["colour"]'), "不能按「colour」分组"),
        (lambda t: t.replace("min = 0", "min = 10"), "最低一档等级的 min 须为 0"),
        (lambda t: t.replace('department_deadline = "01-31"', 'department_deadline = "1月31日"'), "月-日"),
        (lambda t: t.replace("copied_threshold = 0.8", "copied_threshold = 1.5"), "0 到 1 之间"),
        (lambda t: t.replace("[rubric]", "[rubric"), "TOML 语法错误"),
    ],
)
def test_invalid_rubric_gives_a_clear_error(edit, expect):
    with pytest.raises(RubricError) as e:
        parse_rubric(edit(DEFAULT_RUBRIC.read_text(encoding="utf-8")), "my_rubric.toml")
    msg = str(e.value)
    assert expect in msg
    assert "invalid rubric" in msg and "my_rubric.toml" in msg


def test_missing_rubric_file(tmp_path):
    with pytest.raises(RubricError, match="找不到考核细则文件"):
        load_rubric(tmp_path / "nope.toml")


# ---------------------------------------------------------------------------------------------- page


def _scorecard_app():
    """考核评分 through the router (dashboard.py), as a browser opens it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/scorecard.py")
    return at


def test_scorecard_page_renders(tmp_path, monkeypatch):
    text = sample_text()
    src = tmp_path / "in"
    write(src, "2019.txt", text)
    write(src, "2020.txt", next_year_copy(text))
    monkeypatch.setenv("WAREHOUSE_DIR", str(build([src], tmp_path / "wh")))
    at = _scorecard_app().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="sc_year").value == 2020
    df = at.dataframe[-1].value
    assert list(df["机关"]) == ["兴庆区审批服务管理局"]
    texts = [t.value for t in at.text]
    assert any("雷同" in t for t in texts)


def test_a_large_year_is_scored_only_when_asked(tmp_path, monkeypatch):
    from scoring import scorecard

    monkeypatch.setattr(scorecard, "LARGE_YEAR", 0)  # every year is "large"
    monkeypatch.setenv("WAREHOUSE_DIR", str(_two_agencies(tmp_path)))
    at = _scorecard_app().run()
    assert not at.exception and not at.dataframe[1:]  # only the rubric table: nothing scored yet
    assert any("2019 年共 2 份报告" in i.value for i in at.info)
    at.button(key="sc_all_btn_2019").click().run()
    assert not at.exception and not [i for i in at.info if "份报告" in i.value]  # the question is gone
    assert set(at.dataframe[-1].value["机关"]) == {"兴庆区审批服务管理局", "兴庆区财政局"}
    assert at.query_params["score_all"] == "2019"
    # the answer is in the address: a page opened (or reconnected) with it scores without asking again
    again = _scorecard_app()
    again.query_params["score_all"] = "2019"
    again.run()
    assert not again.exception and not [i for i in again.info if "份报告" in i.value] and again.dataframe[1:]


def test_report_copied_from_another_agency_same_year_is_flagged(tmp_path):
    sc = score_warehouse(_two_agencies(tmp_path))  # 财政局's prose is 审批服务管理局's with the name changed
    r = row(sc, "财政局", 2019)
    assert r["val_originality"] >= 0.9 and r["pts_originality"] == 0
    msgs = sc.evidence.filter(
        (sc.evidence["report_id"] == r["report_id"]) & (sc.evidence["indicator"] == "originality")
    )
    assert "同年其他机关报告" in msgs["message"][0] and "审批服务管理局" in msgs["message"][0]


def test_the_command_prints_chinese_headers_and_blanks_as_dashes(tmp_path, capsys):
    """python -m scoring: the columns under the workbook's headers (the indicators by their rubric names), a blank
    as —, no pts_… code, no null."""
    from scoring.__main__ import main

    wh = build([SAMPLE], tmp_path / "wh")
    assert main([str(wh)]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "年度" in line)
    assert [h.strip() for h in header.strip("│ ").split("┆")][:8] == [
        "年度", "同组", "排名", "机关", "总分", "等级", "较上年", "按时发布",
    ]  # fmt: skip
    assert "兴庆区审批服务管理局" in out and "pts_" not in out and "null" not in out and "shape" not in out
    assert "┆ —" in out  # 较上年: no 2018 report of it to compare with
