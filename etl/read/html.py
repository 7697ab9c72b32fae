"""Published HTML pages: find the article among the site chrome, keep its tables as rows of cells."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from etl.model import Document, Table
from etl.read.text import clean_line, clean_text

_DROP = ("script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select", "button")
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul", "ol"}
_TEXT_RUNS = re.compile(r"[\u4e00-\u9fff0-9]+")
_STATS = re.compile(r"依申请公开|主动公开|行政复议|申请人情况")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "others")
# lxml's HTML parser with plain elements: lxml.html looks up its element classes in Python for every element
# touched, a third of the reading time; the tree is the same
_PARSER = etree.HTMLParser()
_text_content = etree.XPath("string()")  # what lxml.html's text_content() does


def read_html(text: str) -> Document:
    text = re.sub(r"^<\?xml[^>]*>", "", text.lstrip("\ufeff"))
    root = lxml.html.fromstring(text or "<html></html>", parser=_PARSER)
    title = _first(root.xpath("//meta[@name='ArticleTitle']/@content")) or _first(root.xpath("//title/text()"))
    published = None
    for name in _META_DATE:
        published = published or _first(root.xpath(f"//meta[@name='{name}']/@content"))
    etree.strip_elements(root, *_DROP, with_tail=False)
    for comment in root.xpath("//comment()"):
        comment.getparent().remove(comment) if comment.getparent() is not None else None
    article = _article(root)
    out: list[str] = []
    tables: list[Table] = []
    _walk(article, out, tables)
    body = clean_text("".join(out))
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return Document(
        text=body, tables=tables, file_format="html", title=title.strip() if title else None, published=published
    )


def _first(values: list) -> str | None:
    return str(values[0]).strip() if values and str(values[0]).strip() else None


def _article(root):
    """The element holding most of the page's paragraph text (links discounted): the report body."""
    scores: dict = {}
    for el in root.iter("p", "span", "div", "td", "font"):
        if len(el) == 0:  # no children: all its text is its own
            weight = _count_text(el.text)
        elif el.tag == "p":
            weight = _count_text(_text_content(el))
            if weight > 0:
                weight -= 2 * sum(len(_text_content(a)) for a in el.iter("a"))
        else:  # text directly inside the element, not in its children
            weight = _count_text((el.text or "") + "".join(c.tail or "" for c in el))
        if weight <= 0:
            continue
        parent = el.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + weight
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + weight / 2
    if not scores:
        return root
    best = max(scores, key=scores.get)
    # the statistics tables belong to the report even when the page puts them outside its text block
    for table in root.iter("table"):
        if _STATS.search(_text_content(table)) and best not in table.iterancestors():
            while best is not None and table not in best.iterdescendants():
                best = best.getparent()
    return best if best is not None else root


def _count_text(text: str | None) -> int:
    """How many Chinese characters and digits the text has."""
    if text and text.isascii() and text.isdigit():  # a figure (most table cells): all of it counts
        return len(text)
    return sum(map(len, _TEXT_RUNS.findall(text))) if text else 0


def _cell_text(cell) -> str:
    parts = []
    for node in cell.iter():
        if node.tag == "br":
            parts.append("")
        if node.text and node.tag not in ("script", "style"):
            parts.append(node.text)
        if node is not cell and node.tail:
            parts.append(node.tail)
    text = "".join(parts)
    if text.isdigit():  # most cells: a figure, nothing to clean
        return text
    return clean_line(text.replace("\n", "").replace("\t", " ")).strip()


def _walk(el, out: list[str], tables: list[Table]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table" and not el.xpath(".//table"):
        rows = []
        for tr in el.iter("tr"):
            rows.append([_cell_text(td) for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")])
        rows = [r for r in rows if r]  # a row of blank cells is a fact (四 with no cases), not layout
        if rows:
            n = len(tables) + 1
            tables.append(Table(rows, f"表{n}", [f"表{n} 第{i + 1}行" for i in range(len(rows))]))
            out.append("\n" + "\n".join("\t".join(r) for r in rows) + "\n")
        if el.tail:
            out.append(el.tail)
        return
    if tag in _BLOCKS:
        out.append("\n")
    if el.text and tag:
        out.append(el.text)
    for child in el:
        _walk(child, out, tables)
    if tag in _BLOCKS:
        out.append("\n")
    if el.tail:
        out.append(el.tail)
