"""A recorded government website for the `etl collect` tests, served on 127.0.0.1 by a threaded http.server:
list pages written here around the real report pages of ../shared/corpus/real/html/ and the PDF/DOCX fixtures,
plus the failures a national run meets (404, a slow page, a redirect loop, robots.txt, not a list page)."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
LAST_MODIFIED = "Mon, 20 Jan 2025 08:00:00 GMT"
# a 1×1 PNG (the picture a report page shows beside its attachment)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
SLOW_SECONDS = 2.0


def _list(title: str, entries: list[tuple[str, str, str]], extra: str = "", charset: str = "utf-8") -> str:
    rows = "\n".join(
        f'<li><a href="{href}" title="{t}" target="_blank">{t}</a><span class="date">{d}</span></li>'
        for t, href, d in entries
    )
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f'<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>'
        f'<ul class="list">{rows}</ul><div class="page">{extra}</div></body></html>'
    )


def _wrapper(title: str, attachment: str, date_line: str = "") -> str:
    """A report's page that only links its attachment (the page itself holds no statistics)."""
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
        f'<div class="info">{date_line}</div><p>详见附件：</p>'
        f'<p><a href="{attachment}">{title}</a></p><p><img src="/images/logo.png"><a href="/pic/scan.png">图片</a></p>'
        f"</body></html>"
    )


def _gbk_page(html: bytes) -> bytes:
    """A real page re-encoded as GBK, its <meta charset> saying so."""
    return html.decode("utf-8").replace('charset="utf-8"', 'charset="gbk"').encode("gbk", "xmlcharrefreplace")


def routes(corpus_html: Path) -> dict[str, tuple]:
    """path -> (status, content type, body) or a special: ("slow",), ("redirect", to)."""
    real = {p.stem: p.read_bytes() for p in corpus_html.glob("*.html")}
    html, gbk = "text/html; charset=utf-8", "text/html; charset=gbk"
    r: dict[str, tuple] = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n"),
        # 平潭综合实验区: three list pages (下一页, numbered pages), reports as pages, a DOCX linked from the list,
        # a PDF attached to a page, a report page that is gone (404)
        "/pingtan/nb/index.html": (
            200,
            html,
            _list(
                "政府信息公开年报",
                [
                    ("平潭综合实验区2024年政府信息公开工作年度报告", "/pingtan/att/2024nb.docx", "2025-01-20"),
                    ("平潭综合实验区2023年政府信息公开工作年度报告", "../art/202401/t20240119_1.htm", "2024-01-19"),
                    ("关于开展2024年度政务公开工作考核的通知", "../art/202403/t20240301_9.htm", "2024-03-01"),
                    ("平潭综合实验区2021年度政府信息公开工作年度报告", "../art/202201/t20220120_3.htm", "2022-01-20"),
                ],
                '<a href="index.html">1</a> <a href="index_1.html">2</a> <a href="index_2.html">3</a> '
                '<a href="index_1.html">下一页</a>',
            ).encode(),
        ),
        "/pingtan/nb/index_1.html": (
            200,
            html,
            _list(
                "政府信息公开年报 第2页",
                [
                    (
                        "平潭综合实验区2020年度政府信息公开工作年度报告",
                        "/pingtan/art/202101/t20210120_4.htm",
                        "2021-01-20",
                    ),
                    (
                        "平潭综合实验区2019年度政府信息公开工作年度报告",
                        "/pingtan/art/202001/t20200120_5.htm",
                        "2020-01-20",
                    ),
                ],
                '<a href="index.html">上一页</a> <a href="index.html">1</a> <a href="index_2.html">3</a> '
                '<a href="index_2.html">下一页</a>',
            ).encode(),
        ),
        "/pingtan/nb/index_2.html": (
            200,
            html,
            _list(
                "政府信息公开年报 第3页",
                [
                    (
                        "平潭综合实验区2017年度政府信息公开工作年度报告",
                        "/pingtan/art/201801/t20180120_6.htm",
                        "2018-01-20",
                    ),
                    ("平潭综合实验区2016年度政府信息公开工作年度报告", "/pingtan/art/201701/gone.htm", "2017-01-20"),
                    (
                        "平潭综合实验区2014年度政府信息公开工作年度报告",
                        "/pingtan/art/201503/t20150320_7.htm",
                        "2015-03-20",
                    ),
                ],
                '<a href="index_1.html">上一页</a>',
            ).encode(),
        ),
        "/pingtan/att/2024nb.docx": (
            200,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (FIXTURES / "2024_pingtan-syq_2021.docx").read_bytes(),
        ),
        "/pingtan/art/202401/t20240119_1.htm": (200, html, real["2023_pingtan-syq_2021"]),
        "/pingtan/art/202201/t20220120_3.htm": (200, html, real["2021_pingtan-syq_2021"]),
        "/pingtan/art/202101/t20210120_4.htm": (200, html, real["2020_pingtan-syq_2019"]),
        "/pingtan/art/202001/t20200120_5.htm": (200, html, real["2019_pingtan-syq_2019"]),
        "/pingtan/art/201801/t20180120_6.htm": (200, html, real["2017_pingtan-syq_old"]),
        "/pingtan/art/201503/t20150320_7.htm": (
            200,
            html,
            _wrapper("平潭综合实验区2014年度政府信息公开工作年度报告", "/pingtan/att/P020150320.pdf").encode(),
        ),
        "/pingtan/att/P020150320.pdf": (200, "application/pdf", (FIXTURES / "2014_pingtan-syq_old.pdf").read_bytes()),
        "/pic/scan.png": (200, "image/png", PNG),
        # 平潭县: a GBK list page (the charset only in the HTTP header) and a GBK report page
        "/county/nb/": (
            200,
            gbk,
            _list(
                "平潭县政府信息公开年报",
                [
                    ("平潭县2013年政府信息公开工作年度报告", "2014/0120.html", "2014年1月20日"),
                    ("平潭县2011年政府信息公开工作年度报告", "2012/0131.html", "2012-01-31"),
                ],
                charset="",
            ).encode("gbk"),
        ),
        "/county/nb/2014/0120.html": (200, gbk, _gbk_page(real["2013_pingtan-county_old"])),
        "/county/nb/2012/0131.html": (200, html, real["2011_pingtan-county_old"]),
        # 上海市人民政府办公厅: a page with its own date, and the PDF attached to it
        "/sh/nb/list.html": (
            200,
            html,
            _list(
                "年报", [("上海市人民政府办公厅2019年政府信息公开工作年度报告", "/sh/nb/2020/c1.html", "2020-01-31")]
            ).encode(),
        ),
        "/sh/nb/2020/c1.html": (
            200,
            html,
            _wrapper(
                "上海市人民政府办公厅2019年政府信息公开工作年度报告", "/sh/att/2019nb.pdf", "发布日期：2020-01-31"
            ).encode(),
        ),
        "/sh/att/2019nb.pdf": (200, "application/pdf", (FIXTURES / "2019_shanghai-szfbgt_2019.pdf").read_bytes()),
        # failures
        "/private/nb/index.html": (
            200,
            html,
            _list("年报", [("某局2023年政府信息公开工作年度报告", "a.html", "")]).encode(),
        ),
        "/slow/nb/index.html": ("slow",),
        "/loop/a": ("redirect", "/loop/b"),
        "/loop/b": ("redirect", "/loop/a"),
        "/about.html": (200, html, "<html><body><h1>机构简介</h1><p>本局负责……</p></body></html>".encode()),
    }
    return r


SOURCES = [
    ("平潭综合实验区", "/pingtan/nb/index.html"),
    ("平潭县人民政府", "/county/nb/"),
    ("上海市人民政府办公厅", "/sh/nb/list.html"),
    ("某局（robots.txt 禁止）", "/private/nb/index.html"),
    ("某区（页面已删除）", "/gone/nb/index.html"),
    ("某县（响应很慢）", "/slow/nb/index.html"),
    ("某镇（重定向循环）", "/loop/a"),
    ("某办（不是栏目页）", "/about.html"),
]


class Site:
    """The site, served until stop(); `log` holds (path, status) of every request answered."""

    def __init__(self, corpus_html: Path):
        self.routes = routes(corpus_html)
        self.log: list[tuple[str, int]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                route = site.routes.get(path)
                if route is None:
                    return self._send(404, "text/html", "<html><body>404 页面不存在</body></html>".encode())
                if route[0] == "slow":
                    time.sleep(SLOW_SECONDS)
                    return self._send(200, "text/html", b"<html><body>late</body></html>")
                if route[0] == "redirect":
                    site.log.append((path, 302))
                    self.send_response(302)
                    self.send_header("Location", route[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                status, ctype, body = route
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    site.log.append((path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return None
                return self._send(status, ctype, body, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

            def _send(self, status, ctype, body, headers=None):
                site.log.append((self.path.split("?")[0], status))
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (the slow page)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def sources_csv(self, path: Path, extra: list[tuple[str, str]] = ()) -> Path:
        lines = ["agency,url,level"] + [f"{a},{self.url(p)}," for a, p in SOURCES] + [f"{a},{u}," for a, u in extra]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
