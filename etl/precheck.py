"""年报预审: check a draft report before it is published, with every rule the warehouse runs, writing nothing.

A draft is parsed by the build's own pipeline (etl/parse.py: reading, recognising, extracting, the table and prose
rules, the structure rules). Given a warehouse, the draft also meets the rules that need other reports, run by the
warehouse's own queries (etl/load/sql) on a private in-memory database: the cross-year rules against the same
agency's report of the year before, and, for an aggregate (汇总) report, the sum of its units' reports. The draft
stands in for any report of the same agency, year and scope the warehouse holds. The share of its prose copied
from last year's report is measured as the scorecard measures it (scoring/similarity.py).

`precheck()` returns the findings (the failing checks, each with its cells and what to change); `etl check` prints
them and the 年报预审 page shows them. Nothing is written: not the warehouse, not the draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from etl.checks.across_years import Neighbours
from etl.checks.cells import spec_name
from etl.checks.rules import constraints_for
from etl.checks.structure import metric_name
from etl.extract.flat import FLAT_MARK
from etl.model import Check, Metric, Table
from etl.parse import parse_file
from etl.read import MAX_BYTES
from etl.specs import SPECS
from warehouse.contract import APPLICANT_ZH, catalogue
from warehouse.labels import TEMPLATE_ZH, VARIANT_ZH, rule_zh

log = logging.getLogger(__name__)

MAX_DRAFT_PAGES = 100  # a year's report runs to some tens of pages; a longer PDF is some other document
BLOCKS, REMINDS = "阻断", "提醒"
CellKey = tuple[str, str | None, str]


class Unreadable(Exception):
    """A draft that could not be read as a report; the message (Chinese) says why."""


@dataclass
class Cell:
    metric: str
    applicant: str | None
    basis: str
    label: str  # the row's label, with the applicant column where there is one
    value: float | None
    raw: str | None
    locator: str | None

    @property
    def key(self) -> CellKey:
        return self.metric, self.applicant, self.basis

    def shown(self) -> str:
        return f"{self.label} = {fmt(self.value) if self.value is not None else (self.raw or '空白')}"


@dataclass
class Finding:
    rule: str
    severity: str  # error, warning, info (the checks table's)
    message: str
    cells: list[Cell] = field(default_factory=list)
    fix: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == "error"

    @property
    def level(self) -> str:
        return BLOCKS if self.blocks else REMINDS

    @property
    def rule_zh(self) -> str:
        return rule_zh(self.rule)


@dataclass
class Precheck:
    name: str
    report: dict
    metrics: list[Metric]
    checks: list[Check]
    findings: list[Finding]
    tables: list[Table]
    last_year: dict | None = None  # the same agency's report of the year before, from the warehouse
    copied: float | None = None  # share of the draft's prose found in last year's report

    @property
    def blocks(self) -> bool:
        return any(f.blocks for f in self.findings)

    @property
    def template_zh(self) -> str:
        r = self.report
        variant = VARIANT_ZH.get(r.get("template_variant") or "", r.get("template_variant"))
        return TEMPLATE_ZH.get(r["template"], r["template"]) + (f"（{variant}）" if variant else "")

    def figures(self) -> list[Metric]:
        return [m for m in self.metrics if m.source == "table"]


def fmt(x: float | None) -> str:
    return "" if x is None else (str(int(x)) if x == int(x) else f"{x:g}")


def cell_label(metric: str, applicant: str | None, basis: str = "year") -> str:
    label = metric_name(metric)
    if applicant:
        label += f"（{APPLICANT_ZH.get(applicant, applicant)}）"
    if basis == "cumulative":
        label += "（历年累计）"
    return label


# ---------------------------------------------------------------------------------------------- reading


def _pdf_pages(data: bytes) -> int | None:
    try:
        from etl.read.pdf import layer

        pdf = layer.open_document(data)
    except Exception:
        return None  # the reader says what is wrong with it
    try:
        return len(pdf)
    finally:
        pdf.close()


def parse_draft(path: Path, data: bytes | None = None, name: str | None = None, neighbours=None):
    """The draft parsed as the build parses a report (the document kept, for its tables); Unreadable when it is not
    a report this tool can read."""
    name = name or path.name
    if data is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise Unreadable(f"文件过大（超过 {MAX_BYTES // 2**20} MB），不像一份年度报告")
            data = path.read_bytes()
        except OSError as e:
            raise Unreadable(f"无法读取文件：{e.strerror or type(e).__name__}") from e
    if not data.strip():
        raise Unreadable("文件为空")
    if path.suffix.lower() == ".pdf":
        pages = _pdf_pages(data)
        if pages is not None and pages > MAX_DRAFT_PAGES:
            raise Unreadable(f"PDF 共 {pages} 页，超过 {MAX_DRAFT_PAGES} 页，不像一份年度报告，未预审")
    parsed = parse_file(name, data, neighbours, path=str(path), keep_document=True)
    r = parsed.report
    if r["parse_status"] == "failed":
        raise Unreadable(r["error"] or "无法解析")
    if r["template"] == "unknown":
        raise Unreadable("未识别为政府信息公开工作年度报告（没有报告标题，也没有统计表）")
    if parsed.document is not None and parsed.document.scanned and not parsed.metrics:
        raise Unreadable("这是扫描图片，未识别出文字和统计表；请上传 Word 或带文字的 PDF 文件")
    return parsed


# ---------------------------------------------------------------------------------------------- the warehouse's rules


def _with_warehouse(parsed, warehouse: Path, path: Path, data: bytes | None, name: str):
    """(parsed again with the neighbouring years where they settle digit runs, cross-report checks, last year's
    report row, share copied from it)."""
    from warehouse.db import connect, literal
    from warehouse.paths import table_path

    r = parsed.report
    reports_path = table_path(warehouse, "reports")
    if not reports_path.exists() or r.get("year") is None:
        return parsed, [], None, None
    con = connect()
    con.execute(f"CREATE TABLE wh AS SELECT * FROM read_parquet({literal(reports_path)})")
    # the same agency (as the cross-year rules match reports), and of the same scope (as duplicates and the
    # build's neighbouring years are matched)
    agency = "agency_id = $agency"
    same = agency + " AND scope IS NOT DISTINCT FROM $scope"
    near = con.execute(
        f"SELECT year - $year AS side, report_id, year FROM wh WHERE {same} AND year IN ($year - 1, $year + 1) "
        "AND duplicate_of IS NULL AND parse_status <> 'failed' AND $agency IS NOT NULL ORDER BY report_id",
        {"agency": r["agency_id"], "scope": r["scope"], "year": r["year"]},
    ).fetchall()
    metrics_path = literal(table_path(warehouse, "metrics"))
    if near and any(m.value is None and FLAT_MARK in m.locator for m in parsed.metrics if m.source == "table"):
        neighbours = Neighbours()
        for side, rid, year in near:
            rows = con.execute(
                f"SELECT metric, applicant, basis, value FROM read_parquet({metrics_path}) "
                "WHERE report_id = ? AND source = 'table' AND value IS NOT NULL",
                [rid],
            ).fetchall()
            neighbours.set(side, year, {(m, a, b): v for m, a, b, v in rows})
        parsed = parse_draft(path, data, name, neighbours)
        r = parsed.report
    rid = r["report_id"]
    # the draft in place of the warehouse's report of the same agency, year and scope
    con.execute(
        f"CREATE TABLE reports AS SELECT * FROM wh WHERE NOT coalesce({same} AND year = $year, false)", _params(r)
    )
    row = {k: r.get(k) for k in _REPORT_COLUMNS}
    con.execute(
        "INSERT INTO reports BY NAME SELECT "
        + ", ".join(f"${k} AS {k}" for k in row)
        + ", 'ok' AS parse_status, NULL AS duplicate_of",
        row,
    )
    con.execute(
        "CREATE TABLE draft(report_id VARCHAR, metric VARCHAR, applicant VARCHAR, basis VARCHAR, value DOUBLE,"
        " source VARCHAR)"
    )
    figures = [(rid, m.metric, m.applicant, m.basis, m.value, m.source) for m in parsed.metrics if m.source == "table"]
    if figures:
        con.executemany("INSERT INTO draft VALUES (?, ?, ?, ?, ?, ?)", figures)
    from etl.load.finalise import define_rule_tables, sql

    define_rule_tables(con)
    con.execute(
        f"CREATE TABLE aggregate_members AS SELECT * FROM ({sql('aggregate_members.sql')}) WHERE aggregate_id = $rid",
        {"rid": rid},
    )
    con.execute(
        f"""CREATE TABLE m_all AS
        SELECT report_id, metric, applicant, basis, value, source FROM draft
        UNION ALL
        SELECT report_id, metric, applicant, basis, value, source FROM read_parquet({metrics_path})
        WHERE source IN ('table', 'manual') AND report_id <> $rid AND report_id IN (
            SELECT report_id FROM reports WHERE {agency} AND year = $year - 1 AND duplicate_of IS NULL
            UNION SELECT member_id FROM aggregate_members)""",
        {"agency": r.get("agency_id"), "year": r["year"], "rid": rid},
    )
    con.execute(
        """CREATE TABLE m AS SELECT x.*, r.agency_id, r.year, a.applicant_zh
        FROM m_all x JOIN reports r USING (report_id) LEFT JOIN applicant_zh a USING (applicant)
        WHERE r.duplicate_of IS NULL AND r.parse_status <> 'failed'"""
    )
    found = []
    for query in ("cross_year_checks.sql", "aggregate_checks.sql"):
        cols = "rule, severity, status, message, expected, actual, cells"
        for rule, severity, status, message, expected, actual, cells in con.execute(
            f"SELECT {cols} FROM ({sql(query)}) WHERE report_id = $rid ORDER BY rule, message", {"rid": rid}
        ).fetchall():
            keys = tuple((c["metric"], c["applicant"], c["basis"]) for c in cells or [])
            found.append(Check(rule, severity, status, message, expected, actual, keys))
    before = con.execute(
        f"SELECT * FROM wh WHERE {agency} AND year = $year - 1 AND duplicate_of IS NULL AND parse_status <> 'failed' "
        "ORDER BY report_id LIMIT 1",
        {"agency": r.get("agency_id"), "year": r["year"]},
    ).fetchall()
    last = dict(zip([d[0] for d in con.description], before[0])) if before else None
    con.close()
    copied = _copied(parsed, last, warehouse) if last else None
    return parsed, found, last, copied


_REPORT_COLUMNS = (
    "report_id",
    "agency",
    "agency_id",
    "scope",
    "year",
    "template",
    "level",
    "province",
    "prefecture",
    "county",
    "township",
)


def _params(r: dict) -> dict:
    return {"agency": r.get("agency_id"), "scope": r.get("scope"), "year": r.get("year")}


def _copied(parsed, last: dict, warehouse: Path) -> float | None:
    """The share of the draft's prose found in last year's report (numbers and the agency's names ignored), as the
    scorecard's 原创性 measures it."""
    from etl.read import read_document
    from scoring import similarity as sim  # a leaf module: text -> shingles, no import of the layers above
    from warehouse.paths import ROOT
    from warehouse.sources import resolve

    source = resolve(last.get("source_file"), [Path.cwd(), warehouse.parent, ROOT])
    if source is None or parsed.document is None:
        return None
    try:
        before = read_document(Path(source)).text
    except Exception as e:  # last year's file is gone or unreadable: no share, said so in the log
        log.info("last year's report %s not read: %s", source, e)
        return None
    r = parsed.report
    names = [n for n in (r.get("agency"), r.get("agency_short"), r.get("township"), r.get("county")) if n]
    a = sim.prepare("draft", parsed.document.text, names)
    b = sim.prepare("last", before, names)
    return sim.containment(a.shingles, b.shingles) if a.shingles else None


# ---------------------------------------------------------------------------------------------- findings


def _cells(keys, figures: dict[CellKey, Metric]) -> list[Cell]:
    out = []
    for metric, applicant, basis in dict.fromkeys(keys):
        m = figures.get((metric, applicant, basis))
        out.append(
            Cell(
                metric,
                applicant,
                basis,
                cell_label(metric, applicant, basis),
                m.value if m else None,
                m.raw if m else None,
                m.locator if m else None,
            )
        )
    return out


def _terms(cells: list[Cell], signs: list[int]) -> str:
    out = ""
    for c, s in zip(cells, signs):
        out += ("" if not out else (" + " if s > 0 else " − ")) + f"{c.label} {fmt(c.value or 0)}"
    return out


def _fix_arithmetic(check: Check, spec_name: str | None, cells: list[Cell], figures) -> str | None:
    """What to change for a table rule: the cell the rule makes of the others ("（四）结转下年度继续办理 应为 3：
    本年新收 21 + 上年结转 0 − （七）总计 18")."""
    if spec_name is None:
        return None
    constraint = next(
        (c for c in constraints_for(spec_name) if c.rule == check.rule and c.left + c.right == check.cells), None
    )
    if constraint is None:
        return None
    left, right = _cells(constraint.left, figures), _cells(constraint.right, figures)
    if constraint.kind == "eq" and len(left) == 2 and len(right) == 2:  # 一 + 二 = 三（七） + 四: 四 follows
        target, given = right[-1], [left[0], left[1], right[0]]
        value = sum(c.value or 0 for c in given[:2]) - (given[2].value or 0)
        return f"{target.label} 应为 {fmt(value)}：{_terms(given, [1, 1, -1])}（或核对这几项）"
    if constraint.kind == "eq" and len(left) == 1:
        parts = [c for c in right if c.value is not None]
        return f"{left[0].label} 应为 {fmt(check.expected)}：" + _terms(parts, [1] * len(parts)) + "（或核对各分项）"
    if constraint.kind == "ge_max" and len(left) == 1:
        return f"{left[0].label} 应不少于 {fmt(check.expected)}（单一渠道的最大数）"
    if constraint.kind == "le" and len(left) == 1:
        return f"{left[0].label} 应不超过 {fmt(check.expected)}"
    if constraint.kind == "ge" and len(left) == 1:
        return f"{left[0].label} 应不少于 {fmt(check.expected)}"
    return None


_STRUCTURE_FIX = {
    "structure.sections": "按模板补写这一部分（标题照模板写，内容如实写明；确无内容的写“无”）",
    "structure.order": "按模板顺序排列六个部分：一、总体情况 … 六、其他需要报告的事项",
    "structure.numbering": "按模板编号（一、至六、）",
    "structure.tables": "按模板补齐统计表（确无数据的填 0，不要删表）",
    "structure.period": "在报告开头写明统计期限，如“本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止”",
    "structure.signoff": "在文末写明发布机关名称和成文日期",
    "structure.aggregate": "核对汇总数与下级单位报告的数字",
}


def _fix(check: Check, cells: list[Cell], report: dict, spec_name: str | None, figures) -> str | None:
    if check.rule == "structure.title":
        agency, year = report.get("agency") or "（机关名称）", report.get("year") or "（年度）"
        return f"标题写作「{agency}{year}年政府信息公开工作年度报告」"
    if check.rule in _STRUCTURE_FIX:
        return _STRUCTURE_FIX[check.rule].format(y=report.get("year") or "××××")
    if check.rule.startswith(("xyear.", "old.cumulative.chain")) and cells:
        return f"{cells[0].label} 应为 {fmt(check.expected)}（与上年报告衔接），或说明差异原因"
    if check.rule == "text.table_agree":
        return f"正文与统计表取同一数字：统计表为 {fmt(check.expected)}，正文写作 {fmt(check.actual)}"
    if check.rule == "nonnegative" and cells:
        return f"{cells[0].label} 不应为负数"
    return _fix_arithmetic(check, spec_name, cells, figures)


def findings_of(checks: list[Check], metrics: list[Metric], report: dict, spec_name: str | None) -> list[Finding]:
    """The failing checks as findings, blocking ones first: each with its cells and figures, and what to change."""
    figures = {(m.metric, m.applicant, m.basis): m for m in metrics if m.source in ("table", "manual")}
    out = []
    for c in checks:
        if c.status != "fail":
            continue
        cells = _cells(c.cells, figures)
        out.append(Finding(c.rule, c.severity, c.message, cells, _fix(c, cells, report, spec_name, figures)))
    return sorted(out, key=lambda f: (not f.blocks, f.rule))


def precheck(path: Path, data: bytes | None = None, warehouse: Path | None = None, name: str | None = None) -> Precheck:
    """Check one draft. `data`: its bytes when they are not to be read from `path` (an upload: `path` then only
    names it). Raises Unreadable when the draft cannot be read as a report."""
    path = Path(path)
    name = name or path.name
    parsed = parse_draft(path, data, name)
    extra, last, copied = [], None, None
    if warehouse is not None:
        parsed, extra, last, copied = _with_warehouse(parsed, Path(warehouse), path, data, name)
    checks = parsed.checks + extra
    findings = findings_of(checks, parsed.metrics, parsed.report, _spec_name(parsed.report, parsed.metrics))
    tables = parsed.document.tables if parsed.document is not None else []
    return Precheck(name, parsed.report, parsed.metrics, checks, findings, tables, last, copied)


def _spec_name(report: dict, metrics: list[Metric] = ()) -> str | None:
    return spec_name(report.get("template"), report.get("template_variant"), metrics)


# ---------------------------------------------------------------------------------------------- the draft's tables


def figure_tables(result: Precheck) -> list[tuple[str, list[str], list[list[tuple[str, bool]]]]]:
    """The draft's statistics tables as the template lays them out, for showing with the failing cells marked:
    (title, column heads, rows of (text, marked)); the first column is the row's name. A blank cell reads 空白."""
    from etl.checks.structure import table_of

    spec = SPECS.get(_spec_name(result.report, result.figures()) or "")
    if spec is None:
        return []
    template = result.report.get("template") or ""
    figures = {(m.metric, m.applicant, m.basis): m for m in result.metrics if m.source == "table"}
    failing = {c.key for f in result.findings for c in f.cells}
    out: dict[str, tuple[list[str], list]] = {}
    for row in spec.rows:
        first = row.cells[0][0]
        if first not in catalogue():
            continue
        cells = [(_row_name(row.cells, template), False)]
        for k in row.cells:
            m = figures.get(k)
            text = "" if m is None else (fmt(m.value) if m.value is not None else (m.raw or ""))
            cells.append((text or "空白", k in failing))
        heads = ["项目"] + [_head(k, row.cells, template) for k in row.cells]
        out.setdefault(table_of(first), (_title(table_of(first), row.cells), heads, []))[2].append(cells)
    return list(out.values())


def _title(table: str, first_row: tuple[CellKey, ...]) -> str:
    """A table's title: 「二 第二十条第（一）项」 as it is; 「三」, 「四」… with the name of their first row's section
    (「三 收到和处理申请」, 「四 行政复议、行政诉讼」)."""
    if " " in table:
        return table
    sections = dict.fromkeys(catalogue()[k[0]].section.split()[1] for k in first_row if k[0] in catalogue())
    return f"{table} " + "、".join(sections)


def _pick(label: str, template: str) -> str:
    """The wording of a label the template prints ("本年新制作数量 (2019) / 本年制发件数 (2021)")."""
    parts = label.split(" / ")
    for p in parts:
        if f"({template})" in p:
            return p.split(" (")[0]
    return (parts[-1] if template in ("2019", "2021") else parts[0]).split(" (")[0]


def _row_name(row: tuple[CellKey, ...], template: str) -> str:
    metrics = {k[0] for k in row}
    if len(metrics) == 1:
        return _pick(catalogue()[row[0][0]].label_zh, template)
    sections = dict.fromkeys(catalogue()[m].section.split()[1] for m in dict.fromkeys(k[0] for k in row))
    if len(sections) == 1:  # 二 第二十条第（一）项 规章: the item's row
        return catalogue()[row[0][0]].section.split()[-1]
    return "、".join(sections)


def _head(key: CellKey, row: tuple[CellKey, ...], template: str) -> str:
    metric, applicant, basis = key
    if applicant:
        return APPLICANT_ZH.get(applicant, applicant)
    if basis == "cumulative":
        return "历年累计"
    if len({k[0] for k in row}) == 1:
        return "本年"
    d = catalogue()[metric]
    label = _pick(d.label_zh, template)
    section = d.section.split()
    group = "" if section[1].startswith("第二十条") else "·".join(section[1:]) + "·"
    return group + label.removeprefix(section[-1]).strip()


# ---------------------------------------------------------------------------------------------- etl check


def as_text(result: Precheck) -> str:
    """One draft's 预审 as the command line prints it (Chinese, for the agency)."""
    r = result.report
    lines = [
        f"== {result.name}",
        f"模板：{result.template_zh}",
        f"机关：{r.get('agency') or '未识别'}　年度：{r.get('year') or '未识别'}"
        f"　范围：{'汇总' if r.get('scope') == 'aggregate' else '本级'}",
        f"读出数字：统计表 {len(result.figures())} 个（其中空白 {sum(m.value is None for m in result.figures())} 个）",
    ]
    if result.last_year:
        copied = "" if result.copied is None else f"；正文与上年报告相同的文字占 {result.copied:.0%}"
        lines.append(f"上年报告：{result.last_year.get('agency')} {result.last_year.get('year')}年{copied}")
    for title, heads, rows in figure_tables(result):
        lines.append(f"  【{title}】 " + " | ".join(heads[1:]))
        for row in rows:
            lines.append(
                "    " + row[0][0] + "：" + " | ".join(("*" + t + "*") if bad else (t or "空白") for t, bad in row[1:])
            )
    n_block = sum(f.blocks for f in result.findings)
    lines.append(
        f"结论：{n_block} 项阻断、{len(result.findings) - n_block} 项提醒"
        + ("，修改后再发布" if n_block else ("，未发现阻断问题" if result.findings else "，未发现问题"))
    )
    for f in result.findings:
        lines.append(f"[{f.level}] {f.rule_zh}（{f.rule}）：{f.message}")
        if f.cells:
            lines.append(
                "    单元格：" + "；".join(c.shown() + (f"（{c.locator}）" if c.locator else "") for c in f.cells)
            )
        if f.fix:
            lines.append(f"    修改：{f.fix}")
    return "\n".join(lines)


def check_files(files: list[str], warehouse: Path | None = None) -> int:
    """`etl check`: print each draft's 预审; exit status 2 when a file could not be read, else 1 when something
    blocks, else 0."""
    status = 0
    for name in files:
        try:
            result = precheck(Path(name), warehouse=warehouse, name=name)
        except Unreadable as e:
            print(f"== {name}\n无法预审：{e}")
            status = 2
            continue
        print(as_text(result))
        status = max(status, 1 if result.blocks else 0)
    return status
