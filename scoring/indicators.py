"""One function per indicator: (report context, indicator config) -> points, maximum and evidence rows.

A Result with max_points = 0 means the indicator could not be judged for this report (e.g. no previous
report to continue from); the scorecard leaves it out of the report's maximum. Each evidence row names
one deduction (or, with lost = 0, one noteworthy fact) so a supervisor can see why points were lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from etl.specs import FUJIAN_2009, FUJIAN_2014, NATIONAL, SPEC_2019, SPEC_2021, SPECS, TableSpec
from scoring.rubric import Indicator
from warehouse.contract import catalogue, metrics_under
from warehouse.deadlines import deadline_for

TABLE_SOURCES = ("table", "manual")  # a table's cell as printed, or as corrected on the 审核 page


@dataclass
class ReportContext:
    report: dict  # the row of `reports`
    metrics: list[dict]  # its rows of `metrics`
    checks: list[dict]  # its rows of `checks`
    text: str | None = None  # the report's text, when its source file could be read
    spec_name: str | None = None  # the table spec recognised from the text, when known
    matches: list[dict] = field(default_factory=list)  # similarity matches (see scorecard)

    def value(self, metric: str, applicant: str | None = None) -> float | None:
        for m in self.metrics:
            if (
                m["metric"] == metric
                and m.get("applicant") == applicant
                and m.get("basis", "year") == "year"
                and m.get("source", "table") in TABLE_SOURCES
            ):
                return m["value"]
        return None


@dataclass
class Result:
    points: float
    max_points: float
    value: float | None = None
    evidence: list[dict] = field(default_factory=list)


def ev(
    kind: str,
    message: str,
    lost: float = 0.0,
    this: str | None = None,
    other: str | None = None,
    source: str | None = None,
) -> dict:
    return {"kind": kind, "message": message, "lost": round(lost, 2), "this": this, "other": other, "source": source}


def _apply(weight: float, losses: list[tuple[float, dict]], value=None) -> Result:
    """Deduct shares of the weight one by one (never below 0); each evidence row gets the points it cost."""
    left = 1.0
    rows = []
    for share, row in losses:
        cost = min(left, max(0.0, share))
        left -= cost
        row["lost"] = round(cost * weight, 2)
        rows.append(row)
    return Result(round(weight * left, 2), weight, value, rows)


# ---------------------------------------------------------------------------------------------- timeliness


def timeliness(ctx: ReportContext, ind: Indicator) -> Result:
    r, p = ctx.report, ind.params
    if r.get("year") is None:
        return Result(0, 0, None, [ev("timeliness", "未能识别报告年度，无法判断是否按时发布")])
    deadline, basis = deadline_for(int(r["year"]), r.get("agency_kind"), p)
    pub = r.get("publish_date")
    if pub is None:
        md = p.get("missing_date", "skip")
        msg = f"报告未写明发布日期（期限 {deadline:%Y年%m月%d日}）"
        if md == "skip":
            return Result(
                0, 0, None, [ev("timeliness", msg + "，本项不计分", other=f"{deadline.isoformat()}（{basis}）")]
            )
        return _apply(ind.weight, [(float(md), ev("timeliness", msg, other=f"{deadline.isoformat()}（{basis}）"))])
    late = (pub - deadline).days
    what = "网站栏目列表显示的发布日期" if r.get("publish_date_source") == "listing" else "发布日期"  # etl collect
    if late > p.get("grace_days", 0):
        return _apply(
            ind.weight,
            [
                (
                    1.0,
                    ev(
                        "timeliness",
                        f"{what} {pub:%Y年%m月%d日} 晚于期限 {deadline:%Y年%m月%d日} {late} 天（{basis}）",
                        this=pub.isoformat(),
                        other=deadline.isoformat(),
                        source=basis,
                    ),
                )
            ],
            value=late,
        )
    return Result(ind.weight, ind.weight, late)


# ---------------------------------------------------------------------------------------------- format

_SECTIONS = [
    ("主动公开政府信息情况", r"主动公开"),
    ("收到和处理政府信息公开申请情况", r"依申请|政府信息公开申请|收到.{0,6}申请"),
    ("行政复议、行政诉讼情况", r"行政复议|行政诉讼"),
    ("存在的主要问题及改进情况", r"存在的?主要问题|问题.{0,8}改进|改进.{0,6}(情况|措施)|不足"),
]
_NEW_SECTION = ("其他需要报告的事项", r"其他需要报告的事项|其他需要报告|其他事项")  # required from the 2019 template on
_GOV_SECTION = ("工作考核、社会评议和责任追究结果", r"考核|评议|责任追究")


def spec_for(ctx: ReportContext) -> TableSpec | None:
    if ctx.spec_name in SPECS:
        return SPECS[ctx.spec_name]
    r = ctx.report
    if r.get("template") == "2019":
        return SPEC_2019
    if r.get("template") == "2021":
        return SPEC_2021
    if r.get("template") == "old":
        if r.get("template_variant") == "fujian":
            present = {m["metric"] for m in ctx.metrics}
            return max(
                (FUJIAN_2009, FUJIAN_2014), key=lambda s: len(present & {c[0] for row in s.rows for c in row.cells})
            )
        if r.get("template_variant") == "national":
            return NATIONAL
    return None


def format_compliance(ctx: ReportContext, ind: Indicator) -> Result:
    r, p = ctx.report, ind.params
    if r.get("parse_status") == "failed":
        return _apply(ind.weight, [(1.0, ev("format", f"报告无法解析：{r.get('error') or '原因不明'}"))])
    losses = []
    if r.get("parse_status") == "partial":
        losses.append(
            (p.get("partial_penalty", 0.2), ev("format", f"报告部分内容无法识别：{r.get('error') or ''}"[:300]))
        )
    spec = spec_for(ctx)
    coverage = None
    if spec is None and r.get("template") in ("2019", "2021", "old") and r.get("template_variant") == "narrative":
        spec = {"2019": SPEC_2019, "2021": SPEC_2021, "old": NATIONAL}[r["template"]]
    if spec is not None:
        expected = {c for row in spec.rows for c in row.cells}
        present = {
            (m["metric"], m.get("applicant"), m.get("basis", "year"))
            for m in ctx.metrics
            if m.get("source", "table") in TABLE_SOURCES
        }
        coverage = len(expected & present) / len(expected) if expected else 1.0
        if coverage < 1:
            cat = catalogue()
            missing_rows = [row for row in spec.rows if not (set(row.cells) & present)]
            names = [
                cat[row.cells[0][0]].label_zh if row.cells[0][0] in cat else row.cells[0][0] for row in missing_rows
            ]
            msg = (
                f"统计表应有 {len(expected)} 个数据项，识别到 {len(expected & present)} 个（{coverage:.0%}）"
                if present
                else "报告没有统计表（或统计表无法识别）"
            )
            if names:
                msg += f"；缺少 {len(names)} 行：" + "、".join(names[:8]) + ("等" if len(names) > 8 else "")
            losses.append(((1 - coverage) * p.get("coverage_weight", 0.5), ev("format", msg)))
    if ctx.text:
        flat = re.sub(r"\s+", "", ctx.text)
        # a report the structure rules judged (structure.sections: the six sections by their headings) is not
        # judged again by these words; the government's 考核、评议 content remains
        judged = any(c["rule"] == "structure.sections" for c in ctx.checks)
        needed = [] if judged else list(_SECTIONS)
        if (r.get("year") or 0) >= 2019 and not judged:
            needed.append(_NEW_SECTION)
        if r.get("agency_kind") == "government" and (r.get("year") or 0) >= 2019:
            needed.append(_GOV_SECTION)
        for name, pattern in needed:
            if not re.search(pattern, flat):
                losses.append((p.get("section_penalty", 0.1), ev("format", f"缺少《条例》第五十条要求的内容：{name}")))
    for c in ctx.checks:  # the structure rules (etl/checks/structure.py, structure.aggregate): one loss per failure
        if c["rule"].startswith("structure.") and c["status"] == "fail":
            share = p.get(f"structure_{c['severity']}_penalty", 0.0)
            tag = f"{c['rule']}·{'错误' if c['severity'] == 'error' else '警告'}"  # read in Chinese by deduction_text
            losses.append((share, ev("format", f"[{tag}] {c['message']}", source=c["rule"])))
    if spec is None and not ctx.text:
        return Result(0, 0, None, [ev("format", "未识别模板且无法读取原文，本项不计分")])
    return _apply(ind.weight, losses, coverage)


# ---------------------------------------------------------------------------------------------- check-based


def _rule_losses(ctx: ReportContext, ind: Indicator, keep: Callable[[str], bool], kind: str) -> Result:
    rows = [c for c in ctx.checks if keep(c["rule"])]
    judged = [c for c in rows if c["status"] in ("pass", "fail")]
    if not judged:
        return Result(0, 0, None)
    failed: dict[str, list[dict]] = {}
    for c in judged:
        if c["status"] == "fail":
            failed.setdefault(c["rule"], []).append(c)
    losses = []
    for rule, fails in failed.items():
        sev = fails[0]["severity"]
        share = ind.params.get(f"{sev}_penalty", 0.0) if sev in ("error", "warning") else 0.0
        msg = fails[0]["message"] + (f"（同类问题共 {len(fails)} 处）" if len(fails) > 1 else "")
        detail = "\n".join(f"{f['message']}" for f in fails)
        losses.append(
            (share, ev(kind, f"[{rule}·{'错误' if sev == 'error' else '警告'}] {msg}", this=detail, source=rule))
        )
    losses.sort(key=lambda t: -t[0])
    return _apply(ind.weight, losses, float(len(failed)))


def arithmetic(ctx: ReportContext, ind: Indicator) -> Result:
    return _rule_losses(ctx, ind, lambda r: not r.startswith(("xyear.", "text.", "structure.")), "arithmetic")


def continuity(ctx: ReportContext, ind: Indicator) -> Result:
    return _rule_losses(ctx, ind, lambda r: r.startswith("xyear."), "continuity")


def text_agree(ctx: ReportContext, ind: Indicator) -> Result:
    return _rule_losses(ctx, ind, lambda r: r.startswith("text."), "text_agree")


# ---------------------------------------------------------------------------------------------- originality


def originality(ctx: ReportContext, ind: Indicator) -> Result:
    if ctx.text is None:
        return Result(0, 0, None, [ev("originality", "无法读取报告原文，本项不计分")])
    p = ind.params
    copied, suspect = p.get("copied_threshold", 0.8), p.get("suspect_threshold", 0.6)
    if not ctx.matches:
        return Result(ind.weight, ind.weight, 0.0)
    worst = max(ctx.matches, key=lambda m: m["similarity"])
    losses = []
    for m in sorted(ctx.matches, key=lambda m: -m["similarity"]):
        if m["similarity"] < suspect:
            continue
        what = "上年报告" if m["kind"] == "previous_year" else "同年其他机关报告"
        level = "雷同" if m["similarity"] >= copied else "高度相似"
        share = 1.0 if m["similarity"] >= copied else 0.5
        head = (
            f"{level}：本报告 {m['similarity']:.0%} 的文字与{what}《{m['source_agency']} {m['source_year']}年报告》相同"
            f"（数字不计）"
        )
        passages = m.get("passages") or []
        losses.append(
            (
                share,
                ev(
                    "originality",
                    head,
                    this=passages[0][0] if passages else None,
                    other=passages[0][1] if passages else None,
                    source=m["source_id"],
                ),
            )
        )
        for a, b, s in passages[1:3]:
            losses.append((0.0, ev("originality", f"雷同段落（{s:.0%}）", this=a, other=b, source=m["source_id"])))
    return _apply(ind.weight, losses, worst["similarity"])


# ---------------------------------------------------------------------------------------------- outcomes


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return num / den


def _sum(ctx: ReportContext, keys, applicant=None) -> float | None:
    vals = [ctx.value(k, applicant) for k in keys]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _outcome(ind: Indicator, value: float | None, good: float | None, text: str) -> Result:
    if value is None:
        return Result(0, 0, None)
    losses = [(1 - good, ev(ind.id, text))] if good is not None and good < 1 else []
    return _apply(ind.weight, losses, value)


def on_time_rate(ctx: ReportContext, ind: Indicator) -> Result:
    rate = _ratio(ctx.value("request.closed.on_time"), ctx.value("request.closed"))
    return _outcome(ind, rate, rate, f"按时办结率 {rate:.0%}" if rate is not None else "")


def correction_rate(ctx: ReportContext, ind: Indicator) -> Result:
    if ctx.report.get("template") in ("2019", "2021"):
        groups = ("review", "litigation_direct", "litigation_after_review")
    else:
        groups = ("review", "litigation")
    rate = _ratio(_sum(ctx, [f"{g}.corrected" for g in groups]), _sum(ctx, [f"{g}.total" for g in groups]))
    return _outcome(
        ind,
        rate,
        None if rate is None else 1 - rate,
        f"行政复议、行政诉讼被纠错率 {rate:.0%}" if rate is not None else "",
    )


_DENIED = metrics_under("outcome.denied")  # the eight 不予公开 reasons


def refusal_share(ctx: ReportContext, ind: Indicator) -> Result:
    if ctx.report.get("template") in ("2019", "2021"):
        share = _ratio(_sum(ctx, _DENIED, "total"), ctx.value("outcome.total", "total"))
    else:
        share = _ratio(ctx.value("request.answered.denied"), ctx.value("request.answered"))
    return _outcome(
        ind, share, None if share is None else 1 - share, f"不予公开占办理结果 {share:.0%}" if share is not None else ""
    )


INDICATORS: dict[str, Callable[[ReportContext, Indicator], Result]] = {
    "timeliness": timeliness,
    "format": format_compliance,
    "arithmetic": arithmetic,
    "continuity": continuity,
    "text_agree": text_agree,
    "originality": originality,
    "on_time_rate": on_time_rate,
    "correction_rate": correction_rate,
    "refusal_share": refusal_share,
}


def evaluate(ctx: ReportContext, ind: Indicator) -> Result:
    res = INDICATORS[ind.id](ctx, ind)
    if res.max_points == 0:  # not judged: no points, no deduction
        res.points = 0.0
        for row in res.evidence:
            row["lost"] = 0.0
    return res
