"""`etl collect`: for each source, read its 年报 column's list pages, pick the report entries, save each report's
page and attachments, and record it all in the manifest. One source's failure never stops the others."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from etl.collect.fetch import Fetched, Fetcher, FetchError, Politeness
from etl.collect.listing import DOCUMENTS, Entry, read_list, read_report_page
from etl.collect.sources import Source
from etl.collect.store import Store, suffix_for
from etl.progress import ProgressBar
from etl.read import supported

log = logging.getLogger(__name__)
MAX_PAGES = 20  # list pages read per source, at most
SOURCE_SECONDS = 1800.0  # one source's whole collection (its list pages, reports and attachments), at most


@dataclass
class Summary:
    sources: int = 0
    failed: int = 0
    partial: int = 0
    reports: int = 0  # report entries collected (of the year asked for, or every year)
    downloaded: int = 0  # files fetched anew
    unchanged: int = 0  # files the server said were unchanged (304)
    requests: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"sources: {self.sources} ({self.sources - self.failed - self.partial} ok, {self.partial} partial, "
            f"{self.failed} failed); reports found: {self.reports}; files: {self.downloaded} downloaded, "
            f"{self.unchanged} unchanged (304); {self.requests} requests; {self.seconds:.1f} s"
        )


class NotAListPage(Exception):
    pass


def collect(
    sources: list[Source],
    out: Path,
    year: int | None = None,
    max_pages: int = MAX_PAGES,
    politeness: Politeness | None = None,
    concurrency: int = 8,
    progress: bool | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    source_seconds: float = SOURCE_SECONDS,
) -> Summary:
    """Collect the reports of `sources` (of `year`, or of every year) into `out`; returns the run's summary.
    `source_seconds`: a source not done in that time stops there (what it saved is kept, marked partial)."""
    return asyncio.run(
        _collect(
            sources,
            Path(out),
            year,
            max_pages,
            politeness or Politeness(),
            concurrency,
            sys.stderr.isatty() if progress is None else progress,
            transport,
            source_seconds,
        )
    )


async def _collect(sources, out, year, max_pages, politeness, concurrency, show, transport, seconds) -> Summary:
    started = time.monotonic()
    store = Store(out)
    previous = store.previous()
    summary = Summary(sources=len(sources))
    gate = asyncio.Semaphore(max(1, concurrency))
    manifest: list[dict] = []
    source_rows: list[dict] = []
    async with Fetcher(politeness, transport) as fetcher:
        with ProgressBar(len(sources), show, "采集年报", remaining=False) as bar:

            async def one(src: Source):
                async with gate:
                    job = _SourceJob(src, fetcher, store, previous, year, max_pages, seconds)
                    rows, row = await job.run()
                manifest.extend(rows)
                source_rows.append(row)
                bar.advance()

            await asyncio.gather(*(one(s) for s in sources))
        summary.requests = fetcher.requests
    store.write(manifest, source_rows)
    for row in source_rows:
        if row["status"] == "failed":
            summary.failed += 1
        elif row["status"] == "partial":
            summary.partial += 1
        if row["error"]:
            summary.errors.append((row["agency"], row["error"]))
    summary.reports = sum(row["_reports"] for row in source_rows)
    summary.downloaded = sum(1 for r in manifest if r.get("_this_run") and r["downloaded"])
    summary.unchanged = sum(1 for r in manifest if r.get("_this_run") and not r["downloaded"])
    summary.seconds = time.monotonic() - started
    return summary


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class _SourceJob:
    def __init__(
        self, src: Source, fetcher: Fetcher, store: Store, previous: list[dict], year, max_pages: int, seconds: float
    ):
        self.src, self.fetcher, self.store, self.year, self.max_pages = src, fetcher, store, year, max_pages
        self.seconds = seconds
        self.previous = [r for r in previous if r["source_url"] == src.url and r["agency"] == src.agency]
        self.known = {r["url"]: r for r in self.previous}
        self.rows: list[dict] = []
        self.problems: list[str] = []

    async def run(self) -> tuple[list[dict], dict]:
        row = {
            "agency": self.src.agency,
            "source_url": self.src.url,
            "level": self.src.level,
            "place": self.src.place,
            "status": "ok",
            "error": None,
            "list_pages": 0,
            "entries": 0,
            "years": [],
            "collected_at": _now(),
            "_reports": 0,
        }
        try:
            async with asyncio.timeout(self.seconds):
                return await self._run(row)
        except TimeoutError:
            stop = f"采集超时：超过 {self.seconds:g} 秒未完成，已停止"
            if not row["list_pages"]:
                row["status"], row["error"] = "failed", stop
                return self.previous, row
            self.problems.append(stop + "，只保存了此前下载的文件")
            row["status"], row["error"] = "partial", "；".join(self.problems)
            return self.rows, row

    async def _run(self, row: dict) -> tuple[list[dict], dict]:
        try:
            entries, row["list_pages"], more = await self._list()
        except (FetchError, NotAListPage) as e:
            row["status"], row["error"] = "failed", str(e)
            log.info("%s: %s", self.src.agency, e)
            return self.previous, row  # a source that fails keeps what an earlier run found
        except Exception as e:  # one broken site never stops the others
            row["status"], row["error"] = "failed", f"采集出错：{type(e).__name__}: {e}"
            log.exception("%s", self.src.agency)
            return self.previous, row
        row["entries"] = len(entries)
        row["years"] = sorted({e.year for e in entries})
        wanted = [e for e in entries if self.year is None or e.year == self.year]
        row["_reports"] = sum(await asyncio.gather(*(self._entry(e) for e in wanted)))
        if more:
            self.problems.append(f"列表页超过 {self.max_pages} 页，只读了前 {self.max_pages} 页")
        if self.problems:
            row["status"], row["error"] = "partial", "；".join(self.problems)
        return self.rows, row

    async def _fetch(self, url: str, kind: str, entry: Entry | None) -> tuple[Fetched, bytes, dict]:
        """GET `url`, conditionally when an earlier run saved it; the manifest row of what we now hold."""
        prev = self.known.get(url)
        if prev and self.store.read(prev["path"]) is None:
            prev = None
        got = await self.fetcher.get(url, *(prev["etag"], prev["last_modified"]) if prev else (None, None))
        if got.not_modified:
            data = self.store.read(prev["path"])
            row = dict(prev, downloaded=False, fetched_at=_now(), http_date=got.http_date("date") or prev["http_date"])
        else:
            data = got.content
            sha, path = self.store.save(data, suffix_for(urlsplit(got.url).path, got.content_type, data))
            row = {
                "url": url,
                "final_url": got.url,
                "content_type": got.content_type,
                "sha256": sha,
                "path": path,
                "etag": got.headers.get("etag"),
                "last_modified": got.headers.get("last-modified"),
                "http_date": got.http_date("date"),
                "http_last_modified": got.http_date("last-modified"),
                "downloaded": True,
                "fetched_at": _now(),
                "is_report": False,
            }
        row.update(
            agency=self.src.agency,
            source_url=self.src.url,
            kind=kind,
            _this_run=True,
            title=entry.title if entry else None,
            year=entry.year if entry else None,
            list_date=entry.list_date if entry else None,
        )
        return got, data, row

    async def _list(self) -> tuple[list[Entry], int, bool]:
        queue, seen, entries = [self.src.url], set(), {}
        pages = 0
        while queue and pages < self.max_pages:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                got, data, row = await self._fetch(url, "list", None)
            except FetchError:
                if pages == 0:
                    raise
                self.problems.append(f"列表页无法读取：{url}")
                continue
            pages += 1
            self.rows.append(row)
            page = read_list(data, got.url, got.charset if not got.not_modified else None)
            if pages == 1 and not page.entries and not page.pages:
                raise NotAListPage(f"不是年报栏目页面：页面上没有年度报告条目，也没有翻页链接：{url}")
            for e in page.entries:
                entries.setdefault(e.url, e)
            queue += [p for p in page.pages if p not in seen and p not in queue]
        if not entries:
            raise NotAListPage(
                f"不是年报栏目页面：{pages} 页列表上没有标题含“年度报告/年报”和年份的条目：{self.src.url}"
            )
        return list(entries.values()), pages, bool([q for q in queue if q not in seen])

    async def _entry(self, entry: Entry) -> int:
        """Save one report entry (its page and attachments); 1 when it was saved, 0 when it could not be."""
        try:
            got, data, row = await self._fetch(entry.url, "page", entry)
        except FetchError as e:
            self.problems.append(f"《{entry.title}》{e}")
            return 0
        self.rows.append(row)
        if not row["path"].endswith(".html"):  # the list links the report file itself
            row["kind"] = "attachment"
            row["is_report"] = supported(Path(row["path"]))
            return 1
        page = read_report_page(data, got.url, got.charset if not got.not_modified else None)
        row["page_date"], row["is_report"] = page.page_date, page.holds_report
        for url in page.attachments:
            try:
                _, _, att = await self._fetch(url, "attachment", entry)
            except FetchError as e:
                self.problems.append(f"《{entry.title}》的附件{e}")
                continue
            att["page_date"] = page.page_date
            att["is_report"] = att["path"].endswith(DOCUMENTS) and supported(Path(att["path"]))
            self.rows.append(att)
        return 1
