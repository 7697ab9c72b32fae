"""The demo dataset (`python -m etl demo`): synthetic reports whose agencies are all named 演示…. A warehouse that
holds any is marked 演示数据 on every page, in every chart (on screen and in the PNG) and in every file name,
so that no screenshot or download can pass for real figures."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app import queries
from app.files import chart_spec

LABEL = "演示数据"
NOTE = "演示数据：合成报告，机构与数字均为虚构"


def counts() -> tuple[int, int]:
    """(synthetic reports, all reports) of the current warehouse."""
    row = queries.run("demo_reports").row(0, named=True)
    return int(row["demo_reports"] or 0), int(row["reports"] or 0)


def is_demo() -> bool:
    try:
        return counts()[0] > 0
    except Exception:
        return False


def banner() -> None:
    """The notice at the top of every page."""
    demo, total = counts()
    if demo:
        whole = "全部" if demo == total else f"{total:,} 份中的"
        st.error(
            f"**{LABEL}**：本库{whole} {demo:,} 份报告为合成的演示报告（机构名称均以“演示”开头），"
            "数字均为虚构，不得用于考核或对外引用。",
            icon=":material/science:",
        )


def mark_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with 演示数据 in its title (its own title kept above it)."""
    title = chart_spec(chart).get("title")
    text = (title.get("text") if isinstance(title, dict) else title) or ""
    return chart.properties(
        title=alt.Title(
            text=text or LABEL,
            subtitle=NOTE if text else NOTE[len(LABEL) + 1 :],
            subtitleColor="#b42318",
            subtitleFontWeight="bold",
        )
    )


def mark_name(name: str) -> str:
    return f"{LABEL}_{name}"
