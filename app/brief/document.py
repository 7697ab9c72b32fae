"""The 通报 as a Word document (python-docx, written into the template template.docx — a user may replace it, or pass
another) and as a PDF (the same .docx converted by LibreOffice, so the two never differ).

Sections: 一、总体情况 (expected, published, on time, late with days, missing — named); 二、主要数据 (sentences and a
table, with the change on last year); 三、排名 (the scorecard's ranking by peer group, best and weakest named);
四、存在的问题 (per kind, each unit with its evidence); 五、图表 (the slides, a map among them); 附件 (one score sheet
per unit: points, each deduction and its reason, 整改要求 and 整改情况). Empty cases are said in words."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from app.brief.facts import HEADLINE, OUTCOMES, PROBLEM_ORDER, Brief, number, rate
from scoring.export import deduction_text
from warehouse import labels

log = logging.getLogger(__name__)
TEMPLATE = Path(__file__).with_name("template.docx")
SOFFICE_SECONDS = 180
NUMERALS = "一二三四五六七八九十"
NO_SOFFICE = "服务器未安装 LibreOffice（Debian 软件包 libreoffice-writer），无法生成 PDF；Word 版不受影响。"


class BriefError(RuntimeError):
    """A 通报 that cannot be written (a bad template, no LibreOffice for the PDF): the message is for users."""


# ---------------------------------------------------------------------------------------------- writing


def docx_bytes(brief: Brief, template: Path | str | None = None) -> bytes:
    doc = _open_template(Path(template) if template else TEMPLATE)
    _Writer(doc, brief).write()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_bytes(docx: bytes) -> bytes:
    """The .docx converted to PDF by LibreOffice (headless, its own profile so that runs never share one)."""
    office = soffice()
    if office is None:
        raise BriefError(NO_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="tongbao-") as tmp:
        src = Path(tmp) / "tongbao.docx"
        src.write_bytes(docx)
        args = [
            office,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        done = subprocess.run(args, capture_output=True, timeout=SOFFICE_SECONDS, check=False)
        out = src.with_suffix(".pdf")
        if not out.exists():
            log.error("soffice failed: %s %s", done.stdout[-500:], done.stderr[-500:])
            raise BriefError("LibreOffice 未能把通报转换为 PDF；请下载 Word 版。")
        return out.read_bytes()


def _open_template(path: Path):
    """The template with its body emptied (its page setup, styles, header and footer kept)."""
    try:
        doc = Document(str(path))
    except Exception as e:
        raise BriefError(f"通报模板无法打开（{path.name}）：{e}") from e
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


class _Writer:
    def __init__(self, doc, brief: Brief):
        self.doc, self.b = doc, brief
        self.table_style = "Table Grid" if "Table Grid" in [s.name for s in doc.styles] else None

    # small pieces
    def h1(self, n: int, text: str) -> None:
        self.doc.add_heading(f"{NUMERALS[n - 1]}、{text}", level=1)

    def h2(self, text: str) -> None:
        self.doc.add_heading(text, level=2)

    def para(self, text: str) -> None:
        self.doc.add_paragraph(text)

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style="List Bullet")

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        t = self.doc.add_table(rows=1, cols=len(header))
        if self.table_style:
            t.style = self.table_style
        for cell, text in zip(t.rows[0].cells, header):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = "—" if text is None or text == "" else str(text)
        self.doc.add_paragraph()

    # the document
    def write(self) -> None:
        b = self.b
        self.doc.add_heading(b.title, level=0)
        p = self.doc.add_paragraph(
            f"（{b.region_zh}，{b.year}年度；依据考核细则“{b.rubric.name}”；{date.today():%Y年%m月%d日}生成）"
        )
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if b.demo:
            from app.demo import NOTE

            self.para(f"【{NOTE}，不得用于考核或对外引用。】")
        self.overall()
        self.figures()
        self.ranking()
        self.problems()
        self.charts()
        self.annex()

    def overall(self) -> None:
        b, c = self.b, self.b.counts()
        self.h1(1, "总体情况")
        cov = b.coverage
        if c["expected"] == 0:
            self.para(
                f"{b.region_zh}没有应发布{b.year}年度报告的单位：库中没有该地区的报告或名单"
                + ("，也没有被标记撤销、合并的单位。" if cov.is_empty() else "。")
            )
            if cov.is_empty():
                return
        else:
            self.para(
                f"{b.region_zh}应发布{b.year}年度政府信息公开工作年度报告的单位共 {c['expected']} 家"
                + (
                    "（按机构名录）"
                    if b.rostered
                    else "（未导入机构名录，仅计库中有报告的单位：按各单位首份与最后一份报告之间的年度推算，"
                    "标记撤销、合并的单位到撤并前一年）"
                )
                + f"，已发布 {c['published']} 家，其中按时发布 {c['on_time']} 家，迟报 {c['late']} 家"
                + (f"，未注明发布日期 {c['undated']} 家" if c["undated"] else "")
                + f"；未发布 {c['missing'] + c['not_found']} 家。"
            )
        late = cov.filter(cov["status"] == "late")
        if late.height:
            self.para(
                "迟报单位："
                + "、".join(f"{r['agency']}（迟报 {r['days_late']} 天）" for r in late.iter_rows(named=True))
                + "。"
            )
        missing = cov.filter(cov["status"].is_in(["missing", "not_found"]))
        if missing.height:
            self.para("未发布单位：" + "、".join(missing["agency"].to_list()) + "。")
        gone = cov.filter(cov["status"].is_in(["abolished", "merged"]))
        if gone.height:
            self.para("已撤销或合并、不再要求发布的单位：" + "、".join(gone["agency"].to_list()) + "。")
        rows = [
            [
                r["agency"],
                r["level_zh"],
                labels.COVERAGE_ZH[r["status"]],
                _day(r["deadline"]),
                _day(r["publish_date"]),
                "" if r["days_late"] is None else str(r["days_late"]),
            ]
            for r in cov.iter_rows(named=True)
        ]
        self.table(["单位", "层级", "发布情况", "发布期限", "发布日期", "迟报天数"], rows)

    def figures(self) -> None:
        b = self.b
        self.h1(2, "主要数据")
        h, prev = b.headline, b.headline_prev
        if h is None:
            self.para(f"{b.region_zh}{b.year}年度没有可计入合计的报告，主要数据从缺。")
            return
        parts = []
        for key, (name, unit) in HEADLINE.items():
            parts.append(f"{name} {number(h[key], unit)}{self._change(key, unit)}")
        self.para(
            f"{b.year}年度，{b.region_zh}计入合计的报告 {h['n_counted']} 份（汇总报告替代其覆盖的下级报告，不重复相加）："
            + "；".join(parts)
            + "。"
        )
        o = b.outcomes
        if o is not None:
            self.para(
                f"已答复的申请 {number(o['answered'], '件')}，其中"
                + "、".join(
                    f"{zh} {number(o[k], '件')}（{rate(_share(o[k], o['answered']))}）" for k, zh in OUTCOMES.items()
                )
                + "。"
            )
        else:
            self.para("所选报告没有可比的申请办理结果（答复总数为 0 或未填报）。")
        for kind in ("行政复议", "行政诉讼"):
            r = b.review.get(kind)
            if r is None:
                self.para(f"{kind}：所选报告未填报。")
                continue
            p = b.review_prev.get(kind)
            was = f"（上年 {rate(p['correction_rate'])}）" if p is not None else ""
            self.para(
                f"{kind} {number(r['total'], '件')}：维持 {number(r['upheld'])}、纠正 {number(r['corrected'])}、"
                f"其他 {number(r['other'])}、尚未审结 {number(r['pending'])}；纠错率 {rate(r['correction_rate'])}{was}。"
            )
        rows = []
        for key, (name, unit) in HEADLINE.items():
            ch = b.change.get(key)
            rows.append(
                [
                    f"{name}（{unit}）",
                    number(h[key]),
                    number(prev[key]) if prev else "—",
                    _signed(ch["cur"] - ch["prev"]) if ch else "—",
                    str(h[f"n_{key.split('_')[0]}"]) if f"n_{key.split('_')[0]}" in h else "",
                ]
            )
        for kind in ("行政复议", "行政诉讼"):
            r, p = b.review.get(kind), b.review_prev.get(kind)
            rows.append([f"{kind}纠错率", rate(r and r["correction_rate"]), rate(p and p["correction_rate"]), "—", ""])
        self.table(["指标", f"{b.year}年", f"{b.year - 1}年", "增减（同口径）", "有此数的报告"], rows)
        self.para(
            "注：“—”表示报告未填报或格式中没有此项（如 2019 年起不再统计主动公开总条数），不是 0；"
            "增减只比较两年都有此数的同一批单位。"
        )

    def _change(self, key: str, unit: str) -> str:
        ch = self.b.change.get(key)
        if not ch or not ch["n_agencies"]:
            return ""
        return f"（同口径较上年{_signed(ch['cur'] - ch['prev'], unit)}，{ch['n_agencies']} 家单位可比）"

    def ranking(self) -> None:
        b = self.b
        self.h1(3, "排名")
        s = b.scores
        if s.is_empty():
            self.para(f"{b.region_zh}{b.year}年度没有可评分的报告，不作排名。")
            return
        self.para(
            f"按考核细则“{b.rubric.name}”评分（满分 100），在同组单位（相同的"
            f"{'、'.join(labels.PEER_ZH.get(c, c) for c in b.rubric.peer_by) or '全部'}）之间排名。"
        )
        for group in sorted(s["peer_group"].unique().to_list()):
            g = s.filter(s["peer_group"] == group).sort("rank", "agency")
            scored = g.filter(g["total"].is_not_null())
            if scored.is_empty():
                self.para(f"{group}：本组没有可计分的报告，不作排名。")
            elif scored.height == 1:
                r = scored.row(0, named=True)
                self.para(f"{group}：本组仅 {r['agency']} 1 家单位（{r['total']:.1f} 分），不比较高低。")
            else:
                best = scored.filter(scored["rank"] == scored["rank"].min())
                worst = scored.filter(scored["rank"] == scored["rank"].max())
                self.para(
                    f"{group}（{scored.height} 家）：得分最高的是"
                    + "、".join(f"{r['agency']}（{r['total']:.1f} 分）" for r in best.iter_rows(named=True))
                    + "；得分最低的是"
                    + "、".join(f"{r['agency']}（{r['total']:.1f} 分）" for r in worst.iter_rows(named=True))
                    + "。"
                )
        rows = [
            [r["peer_group"], str(r["rank"]), r["agency"], _score(r["total"]), r["grade"] or "", _signed(r["change"])]
            for r in s.sort("peer_group", "rank", "agency").iter_rows(named=True)
        ]
        self.table(["同组", "组内排名", "单位", "总分", "等级", "较上年"], rows)

    def problems(self) -> None:
        b = self.b
        self.h1(4, "存在的问题")
        if not b.problems:
            self.para("未发现需要通报的问题。")
        for i, kind in enumerate(PROBLEM_ORDER, 1):
            mine = [p for p in b.problems if p.kind == kind]
            self.h2(f"（{NUMERALS[i - 1]}）{labels.PROBLEM_ZH[kind]}")
            if not mine:
                self.para("未发现此类问题。")
                continue
            by_unit: dict[str, list] = {}
            for p in mine:
                by_unit.setdefault(p.agency, []).append(p.detail)
            for unit, details in by_unit.items():
                self.bullet(f"{unit}：" + "；".join(details) + "。")
        named = {p.agency_id for p in b.problems}
        clean = [r["agency"] for r in b.scores.iter_rows(named=True) if r["agency_id"] not in named]
        if clean:
            self.para("以下单位未发现上述问题：" + "、".join(clean) + "。")

    def charts(self) -> None:
        b = self.b
        self.h1(5, "图表")
        for note in b.chart_notes:
            self.para(note)
        if not b.charts:
            self.para("没有可画的数据。")
            return
        for i, (caption, png) in enumerate(b.charts, 1):
            self.doc.add_picture(io.BytesIO(png), width=Cm(15.5))
            p = self.doc.add_paragraph(f"图{i}　{caption}", style="Caption")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def annex(self) -> None:
        b = self.b
        self.doc.add_page_break()
        self.doc.add_heading("附件：各单位评分表", level=1)
        units = {r["agency_id"]: r for r in b.scores.sort("peer_group", "rank", "agency").iter_rows(named=True)}
        unscored = [
            r
            for r in b.coverage.iter_rows(named=True)
            if r["agency_id"] not in units and r["status"] in ("missing", "not_found")
        ]
        if not units and not unscored:
            self.para("没有需要评分的单位。")
            return
        cols = b.rubric.indicators
        for aid, r in units.items():
            self.h2(r["agency"])
            self.para(
                f"得分 {_score(r['total'])}（{r['grade'] or '—'}），{r['peer_group']} 组内第 {r['rank']} 名"
                f"（共 {r['group_size']} 家）；较上年 {_signed(r['change'])}。"
            )
            self.table(
                ["指标", "得分", "满分"],
                [
                    [
                        i.label,
                        _score(r.get(f"pts_{i.id}")),
                        _score(r.get(f"max_{i.id}")) if r.get(f"pts_{i.id}") is not None else "不计分",
                    ]
                    for i in cols
                ],
            )
            ev = b.evidence
            # a roster agency without a report (scored 0, 未发布年报) has its deduction under its name
            same = (
                (ev["report_id"] == r["report_id"])
                if r["report_id"]
                else (ev["report_id"].is_null() & (ev["agency"] == r["agency"]))
            )
            lost = ev.filter(same & (ev["lost"] > 0))
            if lost.is_empty():
                self.para("扣分：无。")
            else:
                self.table(
                    ["指标", "扣分", "原因"],
                    [
                        [e["indicator_label"], _score(e["lost"]), deduction_text(e["message"])]
                        for e in lost.iter_rows(named=True)
                    ],
                )
            self._rectify(aid)
        for r in unscored:
            self.h2(r["agency"])
            self.para(f"未发布{b.year}年度报告，不予评分。")
            self._rectify(r["agency_id"])

    def _rectify(self, agency_id: str) -> None:
        b = self.b
        kinds = list(dict.fromkeys(p.kind for p in b.problems_of(agency_id)))
        self.para("整改要求：" + ("；".join(labels.REQUIREMENT_ZH[k] for k in kinds) + "。" if kinds else "无。"))
        items = b.tracking.get(agency_id)
        if not items:
            self.para("整改情况：尚未下发整改项。")
            return
        self.table(
            ["整改项", "期限", "状态", "单位反馈", "复核"],
            [
                [
                    it["problem"],
                    _day(it["due"]),
                    labels.RECTIFY_ZH[it["state"]],
                    it.get("feedback") or "",
                    labels.RECHECK_ZH.get(it.get("recheck") or "", "")
                    + (f"（{it['review_note']}）" if it.get("review_note") else ""),
                ]
                for it in items
            ],
        )


def _day(d) -> str:
    return f"{d:%Y-%m-%d}" if d is not None else "—"


def _score(v) -> str:
    return "—" if v is None else f"{float(v):.1f}"


def _signed(v, unit: str = "") -> str:
    if v is None:
        return "—"
    v = float(v)
    if v == 0:
        return "持平"
    text = f"{abs(v):,.0f}" if v.is_integer() else f"{abs(v):,.1f}"
    return ("增加 " if v > 0 else "减少 ") + text + unit


def _share(part, whole):
    if part is None or whole in (None, 0):
        return None
    return part / whole
