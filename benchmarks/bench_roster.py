"""Roster scale benchmark (docs/roster.md): a national roster — every government of the gazetteer (province,
prefecture, county, township) plus departments of every government above the townships — read and checked from
CSV, imported into the audit database (SQLite), and 100 000 reports matched to it, as a build does it.

    python -m benchmarks.bench_roster [--departments 80] [--reports 100000] [--out DIR]

Prints one JSON line: rows, read_s (read_roster: parse + gazetteer + ids), import_s (audit DB), match_reports,
match_s (etl/roster/match.apply_roster on a reports table of that size), each with its CPU seconds (on a shared
machine the wall clock says more about the neighbours), and how the reports matched."""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

BASES = [
    "财政局",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业和草原局",
    "体育局",
    "信访局",
    "数据局",
    "发展和改革委员会",
    "工业和信息化局",
    "科学技术局",
    "民族宗教事务局",
    "档案局",
]


def _departments(n: int) -> list[str]:
    out = list(BASES)
    for suffix in ("综合行政执法大队", "事务中心", "服务中心"):
        out += [b[:-1] + suffix for b in BASES if b.endswith("局")]
    return out[:n]


def national_roster(path: Path, departments: int) -> int:
    """Write the national roster CSV; returns its rows."""
    from etl.extract.metadata import _gazetteer
    from etl.roster.draft import _government
    from etl.roster.read import _townships

    g = _gazetteer()
    rows = ["机构名称,层级,机关类型,行政区划代码"]
    depts = _departments(departments)
    seen: set[str] = set()
    for code, p in sorted(g.by_code.items()):
        above = "".join(x for x in (p.province, p.prefecture) if x and x != p.name) if p.level == "county" else ""
        if p.level == "prefecture" and p.province != p.name:
            above = p.province
        full = above + p.name
        if full in seen:  # a city without counties is listed as its own county too (儋州市 4604 and 460400)
            continue
        seen.add(full)
        rows.append(f"{_government(full, p.level)},{p.level},政府,{code}")
        rows += [f"{full}{d},{p.level},部门,{code}" for d in depts]
    for code, name in sorted(_townships().items()):
        county = g.by_code.get(code[:6])
        full = (county.province + (county.prefecture or "") + county.name if county else "") + name
        rows.append(f"{_government(full, 'township')},township,乡镇,{code}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def reports_table(folder: Path, roster, n: int, seed: int = 0) -> None:
    """`n` reports of random roster agencies as the parse leaves them: half with the title's id (the agency's
    place and name), a quarter titled only by a name or an alias, a quarter of agencies the roster lacks."""
    from warehouse.contract import REPORTS_SCHEMA

    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        a = rnd.choice(roster)
        k = i % 4
        rows.append(
            dict(
                report_id=f"{i:016x}",
                file_sha256=f"{i:064x}",
                source_file=f"r/{i}.txt",
                year=2015 + i % 10,
                agency=a.name if k < 3 else f"演示{i}局",
                agency_short=a.name if k < 3 else f"演示{i}局",
                agency_id=a.agency_id if k < 2 else (None if k == 2 else f"演示/{i}"),
                agency_kind="department" if a.kind == "department" else "government",
                level=a.level,
                province=a.province if k != 2 else None,
                prefecture=a.prefecture if k != 2 else None,
                parse_status="ok",
                scope="self",
                template="2021",
            )
        )
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=REPORTS_SCHEMA), folder / "reports.parquet")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--departments", type=int, default=80, help="departments per government above the townships")
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    from audit import db
    from audit import roster as audit_roster
    from audit.roles import User
    from etl.extract.metadata import _gazetteer
    from etl.roster.match import apply_roster
    from etl.roster.read import read_roster

    out = args.out or Path(tempfile.mkdtemp(prefix="bench-roster-"))
    out.mkdir(parents=True, exist_ok=True)
    _gazetteer()  # loaded once per process, as a build has it already
    csv_path = out / "national_roster.csv"
    n = national_roster(csv_path, args.departments)
    t, c = time.perf_counter(), time.process_time()
    roster = read_roster(csv_path)
    read_s, read_cpu = time.perf_counter() - t, time.process_time() - c
    eng = db.engine(f"sqlite:///{out / 'audit.sqlite'}")
    t, c = time.perf_counter(), time.process_time()
    audit_roster.import_roster(eng, User("bench", "bench", "admin"), roster, csv_path.name)
    import_s, import_cpu = time.perf_counter() - t, time.process_time() - c
    reports_table(out / "wh", roster, args.reports)
    t, c = time.perf_counter(), time.process_time()
    m = apply_roster(out / "wh", None, roster, {})
    match_s, match_cpu = time.perf_counter() - t, time.process_time() - c
    print(
        json.dumps(
            dict(
                rows=n,
                read_s=round(read_s, 1),
                read_cpu_s=round(read_cpu, 1),
                import_s=round(import_s, 1),
                import_cpu_s=round(import_cpu, 1),
                match_reports=args.reports,
                match_s=round(match_s, 1),
                match_cpu_s=round(match_cpu, 1),  # this process; DuckDB's threads add to it
                load_average=round(__import__("os").getloadavg()[0], 1),
                matched=m.matched,
                to_match=m.queued,
            )
        )
    )


if __name__ == "__main__":
    main()
