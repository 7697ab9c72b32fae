"""The collector stays outside (issue 29), against a small site on 127.0.0.1: internal addresses (a link to
localhost, a redirect to it) are refused after DNS resolution unless allowed with --allow-host; a server that
trickles bytes is cut off by the request deadline and a slow source by its own; every redirect hop waits the
host's delay and asks robots.txt; file: and ftp: links are refused in Chinese."""

from __future__ import annotations

import asyncio
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyarrow.parquet as pq
import pytest

from etl.cli import main
from etl.collect import Politeness, Source, collect
from etl.collect.fetch import Fetcher, FetchError

TITLE = "某县{}年政府信息公开工作年度报告"
REPORT = (
    "<html><head><meta charset='utf-8'></head><body><h1>{t}</h1><p>发布时间：2024-01-20</p><p>正文</p></body></html>"
)


class _Site:
    def __init__(self):
        self.log: list[tuple[str, float]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.log.append((self.path, time.monotonic()))
                port = self.server.server_address[1]
                if self.path == "/robots.txt":
                    return self._send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
                if self.path == "/nb/":
                    links = [
                        (f"http://localhost:{port}/secret", 2024),  # the same server, named as an internal host
                        ("/go/inside", 2023),  # a redirect to it
                        ("/go/private", 2022),  # a redirect to a page robots.txt disallows
                        ("/go/hops", 2021),  # two redirects, then the report
                        ("file:///etc/passwd", 2020),
                        ("ftp://ftp.example/nb.pdf", 2019),
                    ]
                    items = "".join(
                        f"<li><a href='{h}'>{TITLE.format(y)}</a><span>2025-01-10</span></li>" for h, y in links
                    )
                    return self._send(
                        200, f"<html><head><meta charset='utf-8'></head><body><ul>{items}</ul></body></html>"
                    )
                if self.path == "/go/inside":
                    return self._send(302, "", location=f"http://localhost:{port}/secret")
                if self.path == "/go/private":
                    return self._send(302, "", location="/private/report.htm")
                if self.path == "/go/hops":
                    return self._send(302, "", location="/go/hop2")
                if self.path == "/go/hop2":
                    return self._send(301, "", location="/art/2021.htm")
                if self.path == "/art/2021.htm":
                    return self._send(200, REPORT.format(t=TITLE.format(2021)))
                if self.path == "/trickle":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()
                    try:
                        for _ in range(200):  # a byte every 0.2 s: each read is quick, the whole never ends
                            self.wfile.write(b"x")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                    return None
                return self._send(404, "not found")

            def _send(self, status, body, ctype="text/html; charset=utf-8", location=None):
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if location:
                    self.send_header("Location", location)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]


@pytest.fixture(scope="module")
def site():
    s = _Site()
    yield s
    s.server.shutdown()


ALLOWED = frozenset({"127.0.0.1"})


def test_without_allow_host_nothing_is_requested(site, tmp_path):
    site.log.clear()
    csv = tmp_path / "SOURCES.csv"
    csv.write_text(f"agency,url\n某县人民政府,{site.url('/nb/')}\n", encoding="utf-8")
    assert main(["collect", str(csv), "--out", str(tmp_path / "out"), "--delay", "0", "--retries", "0"]) == 0
    (row,) = pq.read_table(tmp_path / "out" / "sources.parquet").to_pylist()
    assert row["status"] == "failed"
    assert (
        row["error"].startswith("拒绝访问内部地址：127.0.0.1 指向 127.0.0.1")
        and "--allow-host 127.0.0.1" in row["error"]
    )
    assert site.log == []  # refused before any connection


def test_internal_links_redirects_and_schemes_refused_hops_polite(site, tmp_path):
    site.log.clear()
    polite = Politeness(timeout=2, retries=0, delay=0.3, per_host=1, allow_hosts=ALLOWED)
    summary = collect([Source("某县人民政府", site.url("/nb/"))], tmp_path / "out", politeness=polite, progress=False)
    (row,) = pq.read_table(tmp_path / "out" / "sources.parquet").to_pylist()
    problems = row["error"].split("；")
    assert row["status"] == "partial" and summary.reports == 1  # the 2021 report, reached through two redirects
    said = {y: next(p for p in problems if f"{y}年" in p) for y in (2024, 2023, 2022, 2020, 2019)}
    assert "拒绝访问内部地址：localhost 指向" in said[2024] and "/secret" in said[2024]
    assert "拒绝访问内部地址：localhost 指向" in said[2023]  # the redirect's target, checked before it is followed
    assert "robots.txt 不允许采集" in said[2022] and "/private/report.htm" in said[2022]
    assert "不支持的链接协议（file:），只采集 http 和 https 链接" in said[2020]
    assert "不支持的链接协议（ftp:）" in said[2019]
    assert "/secret" not in site.paths() and "/private/report.htm" not in site.paths()
    hops = [t for p, t in site.log if p in ("/go/hops", "/go/hop2", "/art/2021.htm")]
    assert len(hops) == 3 and all(
        b - a >= 0.25 for a, b in zip(hops, hops[1:])
    )  # the delay (0.3 s) on every hop, less jitter
    (saved,) = [r for r in pq.read_table(tmp_path / "out" / "manifest.parquet").to_pylist() if r["kind"] == "page"]
    assert (saved["year"], saved["final_url"]) == (2021, site.url("/art/2021.htm"))


def test_a_trickling_server_is_cut_off_by_the_deadline(site):
    async def go():
        async with Fetcher(Politeness(timeout=5, retries=0, delay=0, deadline=1.0, allow_hosts=ALLOWED)) as f:
            started = time.monotonic()
            with pytest.raises(FetchError) as e:
                await f.get(site.url("/trickle"))
            return time.monotonic() - started, str(e.value)

    took, said = asyncio.run(go())
    assert took < 2.5 and said == f"超时：1 秒内没有收完（服务器响应过慢）：{site.url('/trickle')}"


def test_a_slow_source_stops_at_its_deadline(site, tmp_path):
    # the list page links the trickling page as its only report; the request deadline is long, the source's short
    slow = Source("某县人民政府", site.url("/trickle"))
    polite = Politeness(timeout=5, retries=0, delay=0, deadline=60, allow_hosts=ALLOWED)
    started = time.monotonic()
    collect([slow], tmp_path / "out", politeness=polite, progress=False, source_seconds=1.0)
    assert time.monotonic() - started < 3
    (row,) = pq.read_table(tmp_path / "out" / "sources.parquet").to_pylist()
    assert (row["status"], row["error"]) == ("failed", "采集超时：超过 1 秒未完成，已停止")
