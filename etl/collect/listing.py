"""Reading a 年报 column: the report entries of a list page (title, link, the date the list shows), its further
pages (下一页, numbered pages, the createPageHTML script of TRS sites), and on a report's own page its date
and its attachments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from etl.model import ReadError
from etl.read.decode import decode
from warehouse.text import nfkc

_CN = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_REPORT_TITLE = re.compile(r"((?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})\s*年(?:度)?[^年]{0,40}?(?:年度报告|年报)")
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})")
_PAGE_DATE = re.compile(r"(?:发布|公开|成文|印发)(?:日期|时间)\s*[:：]\s*" + _DATE.pattern)
_NEXT = re.compile(r"^\s*(下一页|下页|后一页|next|›|»|>)\s*$", re.IGNORECASE)
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,"
    r"\s*['\"](\w+)['\"]"
)
DOCUMENTS = (".pdf", ".doc", ".docx", ".wps")
IMAGES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime")
_STATS = re.compile(r"依申请公开|政府信息公开申请")
_charset_meta = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


@dataclass
class Entry:
    title: str
    url: str
    year: int
    list_date: date | None


@dataclass
class ListPage:
    entries: list[Entry] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # further list pages linked from this one


@dataclass
class ReportPage:
    page_date: date | None
    attachments: list[str]  # absolute URLs of linked documents and images
    holds_report: bool  # the page's own text is the report (not only a link to an attachment)


def page_text(data: bytes, charset: str | None = None) -> str:
    """An HTML page's text: the charset the server names, else the page's <meta charset>, else detected."""
    for enc in (charset, _meta_charset(data)):
        if enc:
            try:
                return data.decode("gb18030" if enc.lower() in ("gbk", "gb2312", "gb_2312-80") else enc)
            except (LookupError, UnicodeDecodeError):
                pass
    try:
        return decode(data)
    except ReadError:
        return data.decode("utf-8", "replace")


def _meta_charset(data: bytes) -> str | None:
    m = _charset_meta.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


def _tree(text: str):
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text.lstrip("\ufeff"))
    return lxml.html.document_fromstring(text or "<html></html>")


def report_year(title: str) -> int | None:
    """The year a report title names ('…2023年政府信息公开工作年度报告' -> 2023); None when it is no report."""
    m = _REPORT_TITLE.search(re.sub(r"\s+", "", nfkc(title)))
    if not m:
        return None
    y = m.group(1)
    return int("".join(_CN.get(c, c) for c in y))


def to_date(text: str | None) -> date | None:
    m = _DATE.search(nfkc(text or ""))
    if not m:
        return None
    try:
        return date(*map(int, m.groups()))
    except ValueError:
        return None


def _clean(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _link_text(a) -> str:
    return re.sub(r"\s+", "", (a.get("title") or "").strip() or a.text_content())


def read_list(data: bytes, url: str, charset: str | None = None) -> ListPage:
    root = _tree(page_text(data, charset))
    out = ListPage()
    seen: set[str] = set()
    links = [
        a
        for a in root.iter("a")
        if a.get("href") and not a.get("href").strip().lower().startswith(("javascript:", "mailto:", "#"))
    ]
    reports = [a for a in links if report_year(_link_text(a)) is not None]
    for a in reports:
        href = _clean(urljoin(url, a.get("href").strip()))
        if href in seen:
            continue
        seen.add(href)
        title = _link_text(a)
        out.entries.append(Entry(title, href, report_year(title), _entry_date(a, set(reports))))
    for a in links:
        text = a.text_content().strip()
        if _NEXT.match(text) or text.isdigit() and len(text) <= 4:
            href = _clean(urljoin(url, a.get("href").strip()))
            if href != _clean(url) and urlsplit(href).netloc == urlsplit(url).netloc:
                out.pages.append(href)
    for script in root.iter("script"):
        m = _CREATE_PAGE.search(script.text or "")
        if m:
            n, name, ext = int(m.group(1)), m.group(3), m.group(4)
            out.pages += [_clean(urljoin(url, f"{name}_{i}.{ext}")) for i in range(1, min(n, 1000))]
            out.pages.append(_clean(urljoin(url, f"{name}.{ext}")))
    out.pages = [p for p in dict.fromkeys(out.pages) if p != _clean(url)]
    return out


def _entry_date(a, reports: set) -> date | None:
    """The date beside an entry: in the nearest enclosing row (li, tr, dd…) that holds no other report link."""
    title = a.text_content()
    for el in a.iterancestors():
        if any(other in reports for other in el.iter("a") if other is not a):
            return None
        text = el.text_content().replace(title, " ")
        found = to_date(text)
        if found:
            return found
        if el.tag in ("body", "table", "ul", "ol"):
            return None
    return None


def read_report_page(data: bytes, url: str, charset: str | None = None) -> ReportPage:
    root = _tree(page_text(data, charset))
    published = None
    for name in _META_DATE:
        published = published or to_date(next(iter(root.xpath(f"//meta[@name='{name}']/@content")), None))
    etree.strip_elements(root, "script", "style", with_tail=False)
    text = nfkc(root.text_content())
    if published is None:
        m = _PAGE_DATE.search(text)
        published = to_date(m.group(0)) if m else None
    attachments, documents = [], 0
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        suffix = _suffix(href)
        if suffix in DOCUMENTS or suffix in IMAGES:
            attachments.append(_clean(urljoin(url, href)))
            documents += suffix in DOCUMENTS
    holds = bool(_STATS.search(text)) or documents == 0
    if not documents and not _STATS.search(text):  # a scanned report: the page shows it as images
        attachments += [
            _clean(urljoin(url, img.get("src").strip()))
            for img in root.iter("img")
            if img.get("src") and _suffix(img.get("src")) in IMAGES
        ]
    return ReportPage(published, list(dict.fromkeys(attachments)), holds)


def _suffix(href: str) -> str:
    path = urlsplit(href).path.lower()
    dot = path.rfind(".")
    return path[dot:] if dot > path.rfind("/") else ""
