"""Small shared page helpers (headers, empty states, safe text). Report text is only ever shown as plain text."""
from __future__ import annotations

import re

import polars as pl
import streamlit as st

from app import filters

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text) -> str:
    """Escape Markdown (and thereby any HTML) in text that comes from a report."""
    return _MD.sub(r"\\\1", "" if text is None else str(text))


def header(title: str, question: str) -> filters.Filters:
    st.title(title)
    st.caption(question)
    f = filters.current()
    st.caption(filters.describe(f))
    return f


def empty(df: pl.DataFrame, what: str) -> bool:
    if df.is_empty():
        st.info(f"当前筛选下没有{what}。请放宽左侧筛选条件。")
        return True
    return False


def with_year_label(df: pl.DataFrame, label: str = "label") -> pl.DataFrame:
    """When the frame spans several years, bars are per agency-year: '兴庆区 2018'."""
    if df.is_empty() or df["year"].n_unique() <= 1:
        return df.with_columns(pl.col(label).alias("bar"))
    return df.with_columns((pl.col(label) + " " + pl.col("year").cast(pl.Utf8)).alias("bar"))


BLANK_NOTE = "表中灰色的 None = 报告未填报（空白），与 0 不同；“据正文”= 表格无数、取自报告正文的数字。"


def year_ranges(years) -> str:
    """[2011, 2012, 2013, 2015] -> '2011–2013、2015'."""
    ys = sorted(int(y) for y in years)
    out, start = [], None
    for i, y in enumerate(ys):
        if start is None:
            start = y
        if i + 1 == len(ys) or ys[i + 1] != y + 1:
            out.append(str(start) if start == y else f"{start}–{y}")
            start = None
    return "、".join(out)


_LINE = re.compile(r"^第(\d+)行$")


def source_lines(source_file: str | None, file_format: str | None) -> list[str] | None:
    """The lines of a plain-text report (txt/md), to show beside each value; None for other formats."""
    from pathlib import Path

    from app import warehouse
    if not source_file or file_format not in ("txt", "md"):
        return None
    p = Path(source_file)
    p = p if p.is_absolute() else warehouse.ROOT / p
    try:
        if p.stat().st_size > 20 * 2**20:
            return None
        from etl.read.decode import decode
        return decode(p.read_bytes()).splitlines()
    except (OSError, ValueError, ImportError):
        return None


def line_at(lines: list[str], locator: str | None) -> str | None:
    m = _LINE.match(locator or "")
    if not m:
        return None
    i = int(m.group(1)) - 1
    return lines[i].strip()[:200] if 0 <= i < len(lines) else None
