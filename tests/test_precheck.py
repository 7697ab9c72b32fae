"""年报预审 (`etl check`, etl/precheck.py): a draft meets every rule the warehouse runs, with its cells and what to
change, and nothing is written; the structure rules; an aggregate report against its units; unreadable drafts."""

from pathlib import Path

import duckdb
import pytest

from etl.cli import main
from etl.precheck import Unreadable, precheck
from tests.conftest import ROOT, SAMPLES, etl_build
from tests.minimal_pdf import pdf_from_objects

SEED_004 = SAMPLES / "004_aa665f4df32367ae.txt"


def etl_check(capsys, *args) -> tuple[int, str]:
    """`python -m etl check ARGS` (its exit status and what it printed), run in this process."""
    status = main(["check", *map(str, args)])
    return status, capsys.readouterr().out


def warehouse_failures(wh: Path) -> dict[str, set[tuple[str, str]]]:
    """source file -> the (rule, message) of its failing checks, for the reports the warehouse counts."""
    rows = duckdb.sql(
        f"SELECT r.source_file, c.rule, c.message FROM '{wh}/reports.parquet' r "
        f"LEFT JOIN '{wh}/checks.parquet' c ON c.report_id = r.report_id AND c.status = 'fail' "
        "WHERE r.duplicate_of IS NULL AND r.parse_status <> 'failed'"
    ).fetchall()
    out: dict[str, set] = {}
    for source, rule, message in rows:
        out.setdefault(source, set())
        if rule:
            out[source].add((rule, message))
    return out


@pytest.fixture(scope="module")
def seeds_warehouse(tmp_path_factory) -> Path:
    return etl_build([SAMPLES], tmp_path_factory.mktemp("seeds") / "warehouse")


def test_seed_findings_are_the_warehouse_failures(seeds_warehouse):
    failures = warehouse_failures(seeds_warehouse)
    assert len(failures) == 5
    for source, expected in failures.items():
        result = precheck(ROOT / source, warehouse=seeds_warehouse)
        assert {(f.rule, f.message) for f in result.findings} == expected, source
    # the 贺兰山西路街道 report: 主动公开 28 is less than the website's 41 — a blocking finding naming both cells
    result = precheck(SAMPLES / "002_81756f01c13aa782.txt", warehouse=seeds_warehouse)
    finding = next(f for f in result.findings if f.rule == "old.active.channels_max")
    assert finding.level == "阻断" and result.blocks
    cells = {c.metric: c.value for c in finding.cells}
    assert cells["active.total"] == 28 and cells["channel.website"] == 41 and cells["channel.gazette"] is None
    assert finding.fix.endswith("应不少于 41（单一渠道的最大数）")
    prose = next(f for f in result.findings if f.rule == "text.table_agree" and "73" in f.message)
    assert [(c.metric, c.value) for c in prose.cells] == [("active.total", 28)]


def test_real_corpus_findings_are_the_warehouse_failures(real_warehouse, corpus_dir):
    failures = warehouse_failures(real_warehouse)
    checked = 0
    for source, expected in failures.items():
        result = precheck(ROOT / source if not Path(source).is_absolute() else Path(source), warehouse=real_warehouse)
        assert {(f.rule, f.message) for f in result.findings} == expected, source
        checked += 1
    assert checked == 15
    # Pingtan 2024 against 2023 (the warehouse's year before): a cross-year finding with this report's cells
    pingtan = precheck(corpus_dir / "html" / "2024_pingtan-syq_2021.html", warehouse=real_warehouse)
    assert pingtan.last_year["year"] == 2023 and 0 <= pingtan.copied <= 1
    in_force = [f for f in pingtan.findings if f.rule == "xyear.in_force"]
    assert in_force and all(f.cells and f.cells[0].metric.endswith(".in_force") for f in in_force)


def test_seed_004_passes_and_its_broken_copies_do_not(tmp_path, capsys):
    status, out = etl_check(capsys, SEED_004)
    assert status == 0, out
    assert "模板：2019年格式" in out and "0 项阻断" in out
    assert "行政许可：6582 | 1601 | 8183" in out  # every figure read
    text = SEED_004.read_text(encoding="utf-8")
    five, six = text.index("五、存在的主要问题"), text.index("六、其他需要报告的事项")
    end = text.index("银川市兴庆区审批服务管理局\n\n2020年1月22日")
    without_five = tmp_path / "without_five.txt"
    without_five.write_text(text[:five] + text[six:], encoding="utf-8")
    swapped = tmp_path / "swapped.txt"
    swapped.write_text(text[:five] + text[six:end] + "\n\n" + text[five:six] + text[end:], encoding="utf-8")
    status, out = etl_check(capsys, without_five)
    assert status == 1
    assert (
        "[阻断] 六个部分齐全（structure.sections）：缺少《条例》第五十条规定的第五部分「五、存在的主要问题及改进情况」"
        in out
    )
    result = precheck(swapped)
    assert {(f.rule, f.level) for f in result.findings} >= {("structure.order", "提醒")}
    order = next(f for f in result.findings if f.rule == "structure.order")
    assert order.message.startswith(
        "「其他需要报告的事项」（第六部分）排在「存在的主要问题及改进情况」（第五部分）之前"
    )


def test_aggregate_against_its_units(tmp_path):
    text = SEED_004.read_text(encoding="utf-8")
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "approval.txt").write_text(text, encoding="utf-8")
    (tmp_path / "units" / "civil.txt").write_text(text.replace("审批服务管理局", "民政局"), encoding="utf-8")
    wh = etl_build([tmp_path / "units"], tmp_path / "warehouse")
    aggregate = text.replace("银川市兴庆区审批服务管理局", "银川市兴庆区人民政府").replace(
        "兴庆区审批服务管理局 2019年", "银川市兴庆区人民政府2019年"
    )
    aggregate = aggregate.replace(
        "一、总体情况", "本报告由兴庆区人民政府办公室汇总区政府各部门政府信息公开工作情况编制而成。\n\n一、总体情况"
    )
    summed = tmp_path / "summed.txt"
    summed.write_text(aggregate.replace("行政许可\t6582\t1601\t8183", "行政许可\t13164\t3202\t16366"), "utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(aggregate.replace("行政许可\t6582\t1601\t8183", "行政许可\t13164\t3202\t16000"), "utf-8")
    ok = precheck(summed, warehouse=wh)
    assert ok.report["scope"] == "aggregate" and not [f for f in ok.findings if f.rule == "structure.aggregate"]
    bad = precheck(changed, warehouse=wh)
    finding = next(f for f in bad.findings if f.rule == "structure.aggregate")
    assert finding.message == "汇总数字小于 2 份下级单位报告之和：行政许可·处理决定数量 汇总 16000，下级合计 16366"
    assert [(c.metric, c.value) for c in finding.cells] == [("license.decisions", 16000)]
    before = {p.name: p.stat().st_mtime_ns for p in wh.iterdir()}
    precheck(changed, warehouse=wh)
    assert {p.name: p.stat().st_mtime_ns for p in wh.iterdir()} == before  # nothing written


def test_unreadable_drafts_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    doc = tmp_path / "broken.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    other = tmp_path / "work_report.txt"
    other.write_text("2023年政府工作报告\n\n过去一年，全区经济运行稳中有进。\n\n一、2023年工作回顾\n", "utf-8")
    pages = 200
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(pages))
    long_pdf = tmp_path / "long.pdf"
    long_pdf.write_bytes(
        pdf_from_objects(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)]
            + [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
        )
    )
    image = tmp_path / "scan.png"
    from PIL import Image

    Image.new("L", (400, 300), 255).save(image)
    says = {
        empty: "文件为空",
        doc: ".doc 文件无法转换",
        other: "未识别为政府信息公开工作年度报告",
        long_pdf: "PDF 共 200 页，超过 100 页",
        image: "图片中没有识别出文字",
    }
    status, out = etl_check(capsys, *says, SEED_004)
    assert status == 2  # and the readable seed among them is still checked
    for f, message in says.items():
        assert f"== {f}\n无法预审：{message}" in out, out
    assert f"== {SEED_004}\n模板：2019年格式" in out
    with pytest.raises(Unreadable, match="PDF 共 200 页"):
        precheck(long_pdf)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["empty.txt", "broken.doc", "work_report.txt", "long.pdf", "scan.png"]
    )
