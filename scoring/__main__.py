"""python -m scoring [WAREHOUSE] [--rubric FILE] [--year N] [--xlsx OUT]: print the scorecard, optionally export it.

python -m scoring WAREHOUSE --year N [--province P] [--prefecture C] --brief FILE.docx [--brief FILE.pdf]: the year's
通报 of a region (app/brief: it reads the dashboard's own queries, so it is imported only when asked for)."""

from __future__ import annotations

import argparse
import sys

import polars as pl

from scoring.export import write_excel
from scoring.rubric import RubricError, load_rubric
from scoring.scorecard import score_warehouse, warehouse_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scoring", description="考核评分 / score the reports of a warehouse")
    ap.add_argument("warehouse", nargs="?", help="warehouse folder (default: WAREHOUSE_DIR or data/warehouse)")
    ap.add_argument("--rubric", help="rubric TOML (default: scoring/default_rubric.toml)")
    ap.add_argument("--year", type=int, help="only this report year")
    ap.add_argument("--xlsx", help="write the Excel workbook here")
    ap.add_argument("--brief", action="append", help="write the year's 通报 here (.docx or .pdf; may be repeated)")
    ap.add_argument("--province", help="通报: only this province")
    ap.add_argument("--prefecture", help="通报: only this prefecture")
    ap.add_argument("--template", help="通报: the Word template (default: app/brief/template.docx)")
    a = ap.parse_args(argv)
    if a.brief:
        if a.year is None:
            print("通报需要 --year：请指定年度。", file=sys.stderr)
            return 2
        return _brief(a)
    try:
        rubric = load_rubric(a.rubric)
    except RubricError as e:
        print(e, file=sys.stderr)
        return 2
    # one year: that year and the year before it are scored (the change on last year needs both)
    sc = score_warehouse(a.warehouse or warehouse_dir(), rubric, years=None if a.year is None else [a.year - 1, a.year])
    view = sc.scores if a.year is None else sc.scores.filter(pl.col("year") == a.year)
    # the columns under the headers the workbook uses (年度, 同组, 排名 …, each indicator by its rubric name)
    columns = {
        "year": "年度",
        "peer_group": "同组",
        "rank": "排名",
        "agency": "机关",
        "total": "总分",
        "grade": "等级",
        "change": "较上年",
        **dict(sc.indicator_columns()),
    }
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=200,
        fmt_str_lengths=30,
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
    ):  # a blank (an indicator that does not apply) reads —, as on the dashboard
        print(view.select([pl.col(c).cast(pl.Utf8).fill_null("—").alias(zh) for c, zh in columns.items()]))
    if a.xlsx:
        write_excel(sc, a.xlsx, year=a.year)
        print(f"已导出：{a.xlsx}")
    return 0


def _brief(a) -> int:
    from app.brief import tongbao

    try:
        rubric = load_rubric(a.rubric)
        written = tongbao.write_files(
            a.warehouse or warehouse_dir(), a.year, a.brief, a.province, a.prefecture, rubric, a.template
        )
    except (RubricError, tongbao.BriefError, FileNotFoundError) as e:
        print(e, file=sys.stderr)
        return 2
    for path in written:
        print(f"已生成通报 / written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
