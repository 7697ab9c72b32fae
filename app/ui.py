"""Small shared page helpers (headers, empty states, safe text). Report text is only ever shown as plain text."""

from __future__ import annotations

import re

import polars as pl
import streamlit as st

from app import export, files, filters, page_pdf

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text) -> str:
    """Escape Markdown (and thereby any HTML) in text that comes from a report."""
    return _MD.sub(r"\\\1", "" if text is None else str(text))


# Streamlit's select search prints "No results" when nothing matches what was typed (an empty listbox, its one
# option that text): the same stylesheet writes 没有符合的选项 in its place.
# Streamlit's file uploader prints its own English ("Upload" on its button, "200MB per file • PDF, ZIP" beside it)
# and takes no parameter for either (streamlit/streamlit#13500). A stylesheet of ours (never a report's HTML: st.html
# with only a <style> adds no element) hides those two texts and shows Chinese in their place; the limits and the
# file types are stated in Chinese above each uploader. The selectors are the data-testids of the pinned Streamlit;
# tests/browser/test_pages.py (the upload test) fails if a release renames them.
_UPLOADER_ZH = """
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {{ content: "选择文件"; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{
  content: "拖放文件到此处，或点击“选择文件”（每个文件不超过 {mb} MB）"; font-size: 0.875rem; }}
[role="listbox"][data-empty="true"] [role="option"] span {{ font-size: 0; }}
[role="listbox"][data-empty="true"] [role="option"] span::after {{ content: "没有符合的选项"; font-size: 0.875rem; }}
"""


def localise_widgets() -> None:
    """Chinese in place of the English Streamlit's own widgets print (once per run, from the router)."""
    st.html(f"<style>{_UPLOADER_ZH.format(mb=int(st.get_option('server.maxUploadSize')))}</style>")


def header(title: str, question: str) -> filters.Filters:
    st.title(title)
    st.caption(question)
    f = filters.current()
    st.caption(filters.describe(f))
    page_pdf.start(title, filters.describe(f, names=True))  # the 导出本页 PDF button stands here
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


BLANK = "—"
BLANK_NOTE = "表中“—”= 报告未填报（空白、无、/），与 0 不同；“据正文”= 表格无数、取自报告正文的数字。"


def dataframe(df: pl.DataFrame, column_config: dict | None = None, pdf_title: str | None = None, total=None, **kwargs):
    """st.dataframe with every blank cell shown as “—” (never a grey None); the values stay numbers, so a column
    still sorts by number. `pdf_title`: the table is part of the page's PDF under that title (`total`: the rows of
    the whole list, when it shows only the first)."""
    if pdf_title:
        page_pdf.add_table(pdf_title, df, total, column_config)
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("placeholder", BLANK)
    rows = getattr(df, "height", None)
    if rows is not None and rows <= WHOLE_ROWS:  # a short table shows every row, never a box to scroll
        kwargs.setdefault("height", "content")
    hidden = {c: None for c in HIDDEN_COLUMNS if c in getattr(df, "columns", ())}
    return st.dataframe(df, column_config={**hidden, **(column_config or {})}, **kwargs)


WHOLE_ROWS = 30  # tables of up to this many rows are drawn whole (a report's metadata, a rubric, a peer group)


# columns a table keeps for its download but does not show: codes beside the Chinese they stand for
HIDDEN_COLUMNS = ("规则编号",)


def metric(where, label: str, value: str, delta=None, **kwargs):
    """st.metric (in `where`: st or a column) that the page's PDF lists among its headline figures too."""
    shown = f"{delta:+,}" if isinstance(delta, int | float) and not isinstance(delta, bool) else delta
    page_pdf.add_figure(label, value, None if shown is None else str(shown))
    return where.metric(label, value, delta=delta, **kwargs)


_LINE = re.compile(r"^第(\d+)行$")


def source_lines(source_file: str | None, file_format: str | None) -> list[str] | None:
    """The lines of a plain-text report (txt/md), to show beside each value; None for other formats."""
    from warehouse.sources import resolve

    if not source_file or file_format not in ("txt", "md"):
        return None
    p = resolve(source_file)  # relative to the checkout; a name stored with escaped bytes too
    try:
        if p is None or p.stat().st_size > 20 * 2**20:
            return None
        from etl.read import decode

        return decode(p.read_bytes()).splitlines()
    except (OSError, ValueError, ImportError):
        return None


def line_at(lines: list[str], locator: str | None) -> str | None:
    m = _LINE.match(locator or "")
    if not m:
        return None
    i = int(m.group(1)) - 1
    return lines[i].strip()[:200] if 0 <= i < len(lines) else None


def lines_at(lines: list[str], locators: pl.Expr) -> pl.Expr:
    """`line_at` of every locator in a column, vectorised (no Python callback inside Polars)."""
    number = locators.str.extract(_LINE.pattern, 1).cast(pl.Int64)
    return number.replace_strict(
        range(1, len(lines) + 1), [line.strip()[:200] for line in lines], default=None, return_dtype=pl.Utf8
    )


# a list with at most this many rows is drawn one bar per report; a longer one is summed by year and level
CHART_ROWS = 40
XLSX_MAX_ROWS = 1_048_575  # an Excel sheet's rows, header excluded


def row_note(shown: int, total: int, order: str = "按层级、机构、年度排序") -> str:
    """'共 X 行，显示前 N 行' under a table that shows the first rows of a longer list."""
    if total > shown:
        return f"共 {total:,} 行，显示前 {shown:,} 行（{order}）；“下载全部”可取得全部 {total:,} 行。请用左侧筛选缩小范围。"
    return f"共 {total:,} 行。"


def paged_table(
    shown: pl.DataFrame,
    total: int,
    name: str,
    full,
    column_config: dict | None = None,
    order: str = "按层级、机构、年度排序",
) -> None:
    """The first rows of a list as a table, the row count under it, and downloads of every row: `full()` runs the
    unpaged query only when a download button is clicked (Streamlit calls it then, on its own thread)."""
    dataframe(shown, column_config=column_config, pdf_title=name, total=total)
    st.caption(row_note(shown.height, total, order))
    fname = files.file_stem(name)
    if total <= shown.height:
        export.downloads(name, shown)
        return
    c1, c2 = st.columns(2)
    c1.download_button(
        f"下载全部 {total:,} 行 CSV",
        data=lambda: files.csv_bytes(full()),
        file_name=f"{fname}.csv",
        mime="text/csv",
        on_click="ignore",
        key=f"csv_all_{fname}",
        icon=":material/table:",
    )
    if total <= XLSX_MAX_ROWS:
        c2.download_button(
            f"下载全部 {total:,} 行 Excel",
            data=lambda: files.xlsx_bytes(full()),
            file_name=f"{fname}.xlsx",
            on_click="ignore",
            key=f"xlsx_all_{fname}",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
        )
    else:
        c2.caption(f"超过 Excel 的 {XLSX_MAX_ROWS:,} 行上限，请下载 CSV。")


def many(total: int) -> bool:
    """True when a list is too long to draw one bar per report: charts then sum by year and level."""
    return total > CHART_ROWS


def to_long(
    df: pl.DataFrame,
    columns: dict[str, tuple[str, str]],
    category: str,
    text_col: str | None = None,
    keep: tuple[str, ...] = ("report_id", "label", "bar", "agency_name", "level_zh", "year", "scope_zh"),
) -> pl.DataFrame:
    """A page of wide rows (one per report) as long rows for the per-report charts: `columns` maps a column to its
    Chinese name and its metric key; source_zh is 据正文 where the metric is named in `text_col`."""
    keep = [c for c in keep if c in df.columns]
    cols = [c for c in columns if c in df.columns]
    d = df.select(*keep, *([text_col] if text_col else []), *cols).unpivot(
        index=keep + ([text_col] if text_col else []), on=cols, variable_name="_col", value_name="value"
    )
    d = d.with_columns(
        pl.col("_col").replace_strict({c: columns[c][0] for c in cols}).alias(category),
        pl.col("_col").replace_strict({c: columns[c][1] for c in cols}).alias("metric"),
    )
    if text_col:
        d = d.with_columns(
            pl.when(pl.col(text_col).fill_null("").str.split(",").list.contains(pl.col("metric")))
            .then(pl.lit("据正文"))
            .otherwise(pl.lit("表格"))
            .alias("source_zh")
        )
    return d.drop("_col")


def requested_path() -> str:
    """The page name of the address the browser asked for ('' for the root)."""
    from urllib.parse import unquote, urlparse

    url = st.context.url or ""
    return unquote(urlparse(url).path).strip("/").split("/")[-1] if url else ""


def navigation_pages(specs: list[tuple[str, str, str, str]], root, default_url: str = "overview") -> list:
    """The st.Page list of (file, title, url path, icon) specs, plus a hidden page for an address no page has (a
    mistyped link), so that the user reads a Chinese “找不到页面” with links to every page instead of Streamlit's
    English notice. The default page is served at the root; asked for by its own name (/overview) it is served
    there too (Streamlit reserves that name for the default page without serving it, so the root then gets a
    hidden copy)."""
    path = requested_path()
    alias = path == default_url
    pages = [
        st.Page(file, title=title, url_path=url, icon=icon, default=(url == default_url and not alias))
        for file, title, url, icon in specs
        if (root / file).exists()
    ]
    if alias:
        file = next(f for f, _, u, _ in specs if u == default_url)
        pages.append(
            st.Page(
                file,
                title=next(t for _, t, u, _ in specs if u == default_url),
                url_path="start",
                default=True,
                visibility="hidden",
            )
        )
    known = {p.url_path for p in pages}
    if path and path not in known and re.fullmatch(r"[\w\-\u4e00-\u9fff]+", path):
        pages.append(st.Page(lambda: _not_found(path, pages), title="找不到页面", url_path=path, visibility="hidden"))
    return pages


def _not_found(path: str, pages: list) -> None:
    st.title("找不到页面")
    st.error(f"地址“/{md_escape(path)}”没有对应的页面。请从下面或左侧选择要查看的页面。", icon=":material/search_off:")
    for p in pages:
        if p.visibility != "hidden":
            st.page_link(p, label=p.title, icon=p.icon or None)
