"""`python -m etl synth`: stream a synthetic corpus of reports, each with a truth file, to disk.

DIR/reports/<year>/<agency>_<year>.<ext>   the reports (txt / md / html; UTF-8, UTF-8 BOM, GB18030, UTF-16)
DIR/truth/<year>/<agency>_<year>.json      metadata + every table cell as printed (null for blanks)
DIR/index.csv                              one line per report: paths, layout, encoding, spec, injected errors
Agencies are generated one at a time (each with its own seeded RNG and a run of consecutive years), so memory
stays flat whatever the corpus size, and the same seed always gives byte-identical files.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from etl.checks.rules import constraints_for
from etl.synth import layouts as L
from etl.synth import render as R
from etl.synth.names import Agency, agencies
from etl.synth.values import values_for

GENERATOR_VERSION = "7"  # 7: label typos in flattened and broken layouts too; site lines around text captures
STATED_ACTIVE = 0.7  # share of old-format reports whose prose states the 主动公开 count
LAYOUTS = {"tab": 0.25, "html": 0.2, "md": 0.1, "md_pipe": 0.05, "broken": 0.1, "flat_spaced": 0.1, "flat_merged": 0.2}
ENCODINGS = {"utf-8": 0.65, "utf-8-sig": 0.05, "gb18030": 0.2, "utf-16": 0.1}
_LEVEL_SCALE = {"province": 60, "prefecture": 30, "county": 12, "township": 3}


@dataclass
class SynthSummary:
    reports: int = 0
    injected: int = 0
    bytes: int = 0

    def line(self) -> str:
        return f"synthetic reports: {self.reports} ({self.injected} with injected errors), {self.bytes / 2**20:.1f} MB"


def spec_for(year: int, fujian: bool) -> str:
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    if fujian:
        return "fujian2009" if year <= 2013 else "fujian2014"
    return "national"


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _inject(rng: random.Random, spec: str, values: dict, raw: dict) -> list[dict]:
    """Make the report contradict itself: bump the left side (a total) of one equality rule."""
    eqs = [c for c in constraints_for(spec) if c.kind == "eq" and all(k in values for k in c.left)]
    c = rng.choice(eqs)
    key = c.left[0]
    was = values[key]
    delta = rng.randint(1, 9)
    values[key] = was + delta if isinstance(was, int) else round(was + delta, 6)
    raw.pop(key, None)
    return [{"rule": c.rule, "cell": "|".join(x or "" for x in key), "was": was, "printed": values[key]}]


def _prose(agency: Agency, year: int, spec: str, values: dict, rng: random.Random, aggregate: bool) -> list[str]:
    intro = (
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布本年度政府信息公开工作年度报告。"
        + (f"本报告由{agency.name}办公室汇总本级及所属单位政府信息公开情况编制而成。" if aggregate else "")
        + f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        + "本报告电子版可在本单位门户网站查阅或下载。如对本报告有疑问，请与本单位政府信息公开工作机构联系。"
    )
    body = [intro]
    if spec in ("2019", "2021"):
        new = values.get(("request.new", "total", "year"), 0)
        body += [
            "一、总体情况",
            f"{year}年，{agency.name}坚持以公开为常态、不公开为例外，持续深化政务公开工作。"
            f"全年共收到政府信息公开申请{new}件，均依法依规答复。"
            "（一）主动公开方面。围绕重点领域做好信息发布。（二）依申请公开方面。规范受理、办理和答复流程。"
            "（三）政府信息管理方面。落实信息发布审核制度。（四）平台建设方面。优化政府网站栏目。（五）监督保障方面。开展检查与培训。",
        ]
    else:
        # most real reports state the year's 主动公开 count in the prose too (12 of the 15 in corpus/real)
        active = values.get(("active.total", None, "year"))
        stated = f"全年共主动公开政府信息{active}条。" if active is not None and rng.random() < STATED_ACTIVE else ""
        body += [
            "一、概述",
            f"{year}年，{agency.name}认真贯彻落实《条例》，不断完善政府信息公开工作机制，"
            "加强组织领导，拓展公开渠道，规范依申请公开办理流程。",
            "二、主动公开政府信息情况",
            f"按照“公开为原则，不公开为例外”的要求，及时主动公开各类政府信息。{stated}",
            "三、依申请公开情况",
            "严格按照规定时限答复申请人。",
            "四、存在的主要问题和改进措施",
            "公开内容的深度和广度仍需拓展，下一步将进一步加强培训和监督检查。",
        ]
    return body


_TAIL_2019 = [
    "五、存在的主要问题及改进情况",
    "（一）存在的主要问题：政策解读形式不够丰富，公开质量有待提高。（二）改进措施：丰富解读形式，加强重点领域信息公开。",
    "六、其他需要报告的事项",
    "本年度无收取信息处理费情况。",
]


def render_report(
    agency: Agency,
    year: int,
    rng: random.Random,
    state: dict,
    inject_rate: float,
    narrative_rate: float = 0.02,
    layout: str | None = None,
) -> tuple[str, str, dict]:
    """(layout, text, truth) of one report (in ``layout`` if given, else one drawn from LAYOUTS)."""
    spec = spec_for(year, agency.fujian)
    layout = layout or _pick(rng, LAYOUTS)
    values, raw = values_for(spec, rng, _LEVEL_SCALE[agency.level] * (0.5 if agency.kind == "department" else 1), state)
    injected = _inject(rng, spec, values, raw) if rng.random() < inject_rate else []
    if "aggregate" not in state:  # a government reports for itself or for its whole area, every year:
        # the figures of one series (上年结转, 上一年项目数量, 历年累计) carry over only within the same scope
        state["aggregate"] = agency.kind == "government" and agency.level != "township" and rng.random() < 0.5
    aggregate = state["aggregate"]
    narrative = rng.random() < narrative_rate
    # the forms of the rest of the country, drawn apart from the report's own stream so the rest stays as it was
    forms = random.Random(f"forms:{agency.key}:{year}")
    printed = _printed_name(agency, forms)
    table_spec = spec
    if spec == "2021" and forms.random() < 0.2:
        table_spec = "2021_one_row"
        values = _one_row_other(values)
    cells = R.Cells(values, raw, rng, layout)
    title = f"{printed}{year}年政府信息公开工作年度报告"
    pub = (year + 1, rng.randint(1, 3), rng.randint(1, 28))
    prose = _prose(agency, year, spec, values, rng, aggregate)
    tables: list[str] = []
    runs: list = []
    if not narrative:
        for items in R.table_items(table_spec, year):
            if layout in R.FLAT:
                tables.append(R.flat_table(items, cells, layout == "flat_spaced", runs))
            elif layout != "html":
                tables.append("\n".join(R._lines_table(items, cells, layout, rng)))
        if layout == "html":
            tables = R.html_tables(table_spec, year, cells, rng)
    modern = spec in ("2019", "2021")
    date_line = f"{pub[0]}年{pub[1]}月{pub[2]}日"
    caption = f"{printed}{year}年度政府信息公开情况统计表"
    if layout == "html":
        paras = [f"<p>{p}</p>" for p in prose]
        if modern:
            body = "\n".join(paras + tables + [f"<p>{p}</p>" for p in _TAIL_2019])
        else:
            body = "\n".join(paras + [f"<p>{caption}</p>"] + tables)
        text = (
            f'<!DOCTYPE html>\n<html><head><meta charset="{{charset}}"><title>{title}</title>'
            f'<meta name="PubDate" content="{pub[0]}-{pub[1]:02d}-{pub[2]:02d}"></head><body>'
            f'<div class="nav"><a href="#">首页</a> &gt; <a href="#">政务公开</a></div>'
            f'<div class="article"><h1>{title}</h1>\n{body}\n<p>{printed}</p><p>{date_line}</p></div>'
            f"</body></html>\n"
        )
    else:
        head = []
        if rng.random() < 0.3:  # crawler header, as in the saved Pingtan pages
            head = [
                f"标题: {title}",
                f"发布时间: {pub[0]}-{pub[1]:02d}-{pub[2]:02d} 00:00",
                "栏目: 政府信息公开年报",
                "=" * 20 + " 正文 " + "=" * 20,
            ]
        md = layout in ("md", "md_pipe")
        lines = head + _site_lines(agency.key, year, pub, printed) + [("# " if md else "") + title, ""]
        for p in prose:
            lines += [("## " if md and len(p) < 20 else "") + p, ""]
        if layout in R.FLAT:
            joined = "".join(tables) if layout == "flat_merged" else " ".join(tables)
            if modern:
                lines.append(
                    joined + "".join(_TAIL_2019) if layout == "flat_merged" else joined + " " + " ".join(_TAIL_2019)
                )
            else:
                lines.append(caption + ("" if layout == "flat_merged" else " ") + joined)
        else:
            if modern:
                for t in tables:
                    lines += [t, ""]
                lines += _TAIL_2019
            else:
                lines += [caption, ""] + tables
        lines += ["", printed, date_line, ""]
        text = "\n".join(lines)
    typo = _label_typo(text, table_spec, forms) if not narrative and layout in _TYPO_LAYOUTS else None
    if typo:
        text = text.replace(typo[0], typo[1], 1)
    truth = {
        "title": title,
        "layout": layout,
        "spec": spec,
        "template": "old" if spec in ("national", "fujian2009", "fujian2014") else spec,
        "template_variant": "narrative" if narrative else ("fujian" if spec.startswith("fujian") else "national"),
        "year": year,
        "agency": printed,
        "agency_key": agency.key,
        "agency_kind": agency.kind,
        "level": agency.level,
        "province": agency.province,
        "prefecture": agency.prefecture,
        "county": agency.county,
        "township": agency.township,
        "scope": "aggregate" if aggregate else "self",
        "publish_date": f"{pub[0]}-{pub[1]:02d}-{pub[2]:02d}",
        "injected_errors": injected,
        "blank_zeros": cells.zero_blank,
        "blank_totals": cells.total_blank,
        "noisy_numbers": cells.noisy,
        "flat_ambiguous_rows": sorted({c[0] for k, run in runs if R.count_splits(run, k) != 1 for c in k})
        if layout == "flat_merged"
        else [],
        "one_row_other": table_spec == "2021_one_row",
        "label_typo": list(typo) if typo else None,
        "cells": {} if narrative else {"|".join((k[0], k[1] or "", k[2])): cells.truth[k] for k in values},
    }
    return layout, text, truth


def _site_lines(key: str, year: int, pub: tuple, printed: str) -> list[str]:
    """The site around a page's text capture, for one report in three (issue 25): an accessibility bar, a 当前位置
    breadcrumb, a date line with its weekday, a 发布时间/来源/分享 block; drawn from their own stream."""
    site = random.Random(f"site:{key}:{year}")
    if site.random() >= 1 / 3:
        return []
    weekday = "一二三四五六日"[date(*pub).weekday()]
    lines = [
        "无障碍 | 长者模式 | 简体 | 繁体",
        "当前位置：首页 > 政务公开 > 政府信息公开年报",
        f"{pub[0]}年{pub[1]}月{pub[2]}日 星期{weekday}",
        f"发布时间：{pub[0]}-{pub[1]:02d}-{pub[2]:02d} 09:30 来源：{printed} 分享到：",
    ]
    return [ln for ln in lines if site.random() < 0.7]


def _printed_name(agency: Agency, forms: random.Random) -> str:
    """The agency's name as this year's title prints it: bare, or after its prefecture or province, as titles
    across the country do (江苏省淮安市人民政府, 淮安市洪泽区财政局)."""
    r = forms.random()
    if agency.level in ("prefecture", "county") and agency.kind == "government" and r < 0.3:
        return agency.province + agency.name  # 演示…省演示…市(演示…县)人民政府
    if agency.level == "county" and agency.kind == "department" and r < 0.3:
        above = agency.prefecture if r < 0.2 else agency.province + agency.prefecture
        return above + agency.name  # 演示…市演示…县教育局
    if agency.level == "prefecture" and agency.kind == "department" and r < 0.2:
        return agency.province + agency.name  # 演示…省演示…市财政局
    return agency.name


def _one_row_other(values: dict) -> dict:
    """The 2021 values with （六）其他处理 as one row: its three rows summed per applicant."""
    from warehouse.contract import APPLICANTS

    out = {k: v for k, v in values.items() if k[0] not in L.OTHER_SUBROWS}
    for a in APPLICANTS:
        parts = [values[(k, a, "year")] for k in L.OTHER_SUBROWS]
        out[("outcome.other", a, "year")] = None if all(p is None for p in parts) else sum(p or 0 for p in parts)
    return out


# every table layout, flattened ones included ("5.属三类内部事务信息0 0 0 0 0 0 0")
_TYPO_LAYOUTS = ("tab", "html", "md", "md_pipe", "broken", "flat_spaced", "flat_merged")
_TYPO_ROWS = {
    "request.answered.denied.other_law",
    "response.online_interviews_head",
    "org.reading_points",
    "staff.total",
    "outcome.unable.needs_creation",
    "outcome.unable.unclear",
    "outcome.unprocessed.confirmation",
    "outcome.denied.law_forbidden",
    "outcome.denied.third_party",
    "request.received",
    "request.answered",
    "active.total",
}


def _label_typo(text: str, spec: str, forms: random.Random) -> tuple[str, str] | None:
    """(label, label as misprinted) for one in ten table reports: a fixed label with a character lost or wrong, as
    real reports print some; only a label printed once in the report, long enough to stay unlike every other."""
    if forms.random() >= 0.1:
        return None
    from etl.specs import SPECS, official_label

    spec_rows = SPECS[spec if spec in SPECS else "2021"].rows
    labels = [official_label(r) for r in spec_rows if r.cells[0][0] in _TYPO_ROWS and len(official_label(r)) >= 6]
    labels = [lb for lb in labels if text.count(lb) == 1]
    if not labels:
        return None
    label = forms.choice(labels)
    i = len(label) // 2
    wrong = label[:i] + ("" if forms.random() < 0.5 else "某") + label[i + 1 :]
    return label, wrong


def _plan(reports: int, seed: int) -> list[tuple[Agency, int]]:
    """(agency, number of its reports) in corpus order; each agency's run of years comes from its own RNG."""
    plan, total = [], 0
    for agency in agencies():
        if total >= reports:
            break
        span = random.Random(f"{seed}:{agency.key}").randint(1, 17)
        n = min(span, reports - total)
        plan.append((agency, n))
        total += n
    return plan


def _write_part(out: Path, seed: int, inject_rate: float, plan: list[tuple[Agency, int]], part: Path) -> SynthSummary:
    summary = SynthSummary()
    made_dirs: set = set()
    with open(part, "w", newline="", encoding="utf-8") as f:
        index = csv.writer(f)
        for agency, count in plan:
            rng = random.Random(f"{seed}:{agency.key}")
            span = rng.randint(1, 17)
            start = rng.randint(2008, 2025 - span)
            state: dict = {}
            for year in range(start, start + count):
                layout, text, truth = render_report(agency, year, rng, state, inject_rate)
                enc = _pick(rng, ENCODINGS)
                if layout == "html":
                    text = text.replace("{charset}", "gb18030" if enc == "gb18030" else "utf-8")
                data = text.encode(enc)
                name = f"{agency.key}_{year}"
                ydir = str(year)
                if ydir not in made_dirs:
                    (out / "reports" / ydir).mkdir(exist_ok=True)
                    (out / "truth" / ydir).mkdir(exist_ok=True)
                    made_dirs.add(ydir)
                rel = f"reports/{ydir}/{name}.{R.EXT[layout]}"
                trel = f"truth/{ydir}/{name}.json"
                truth["report"], truth["encoding"] = rel, enc
                with open(out / rel, "wb") as fh:
                    fh.write(data)
                with open(out / trel, "w", encoding="utf-8") as fh:
                    fh.write(json.dumps(truth, ensure_ascii=False))
                index.writerow(
                    [
                        rel,
                        trel,
                        layout,
                        enc,
                        truth["spec"],
                        year,
                        agency.key,
                        len(truth["injected_errors"]),
                        len(truth["cells"]),
                    ]
                )
                summary.reports += 1
                summary.injected += bool(truth["injected_errors"])
                summary.bytes += len(data)
    return summary


def write_places(path: Path, plan: list[Agency]) -> None:
    """The corpus's invented places as a gazetteer (`etl build --places`): titles name a county department by its
    county alone (演示澜桐县教育局), as real ones do, so the province and prefecture come from here."""
    rows: dict[str, tuple] = {}
    for a in plan:
        rows.setdefault(a.province, (a.province, "province", a.province, "", "", ""))
        if a.prefecture:
            rows.setdefault(a.prefecture, (a.prefecture, "prefecture", a.province, a.prefecture, "", ""))
        if a.county:
            rows.setdefault(a.county, (a.county, "county", a.province, a.prefecture, a.county, a.prefecture + a.county))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "level", "province", "prefecture", "county", "aliases"])
        w.writerows(rows.values())


def generate(out: Path, reports: int, seed: int = 0, inject_rate: float = 0.05, jobs: int = 1) -> SynthSummary:
    """Write the corpus; with jobs > 1 agencies are shared out to processes (same files as jobs=1)."""
    out = Path(out)
    (out / "reports").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    plan = _plan(reports, seed)
    jobs = max(1, min(jobs, len(plan) or 1))
    chunks: list[list] = [[] for _ in range(jobs)]
    per = reports / jobs
    done = 0
    for item in plan:  # contiguous chunks of about equal report counts
        chunks[min(jobs - 1, int(done // per))].append(item)
        done += item[1]
    parts = [out / f"index.part{i}.csv" for i in range(jobs)]
    if jobs == 1:
        results = [_write_part(out, seed, inject_rate, chunks[0], parts[0])]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_write_part, [out] * jobs, [seed] * jobs, [inject_rate] * jobs, chunks, parts))
    write_places(out / "places.csv", [agency for agency, _ in plan])
    summary = SynthSummary()
    with open(out / "index.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow(
            ["report", "truth", "layout", "encoding", "spec", "year", "agency_key", "injected", "cells"]
        )
        for part, r in zip(parts, results):
            with open(part, encoding="utf-8") as p:
                for line in p:
                    f.write(line)
            part.unlink()
            summary.reports += r.reports
            summary.injected += r.injected
            summary.bytes += r.bytes
    return summary
