"""Load test of the dashboard through browsers (the server and the browsers' drawing together; for the server
alone, see benchmarks/loadtest.py): N concurrent browser sessions (headless Chromium through Playwright), each opening
every page in turn for a few rounds, while the server's health check is polled every second.

    python3 -m benchmarks.loadtest_browser [--sessions 50] [--rounds 3] [--pages overview,report] [--port 8614]
                                           [--warehouse DIR] [--url http://HOST:PORT] [--budget 1800]

Without --url it serves dashboard.py itself on 127.0.0.1:--port over --warehouse (default: a warehouse of the
bundled samples, built in a temporary folder). Bounded in count (sessions × rounds × pages renders) and in time
(--budget seconds for the whole run, --page-timeout for one render). Prints one JSON line: renders done and
failed, render time median/p95/max (from navigation until the page's script has finished and no element is still
loading), and the health check's answers (polled from a process of its own; every poll must answer within 5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
PAGES = ("overview", "channels", "requests", "review", "staffing", "scorecard", "quality", "upload", "report")
HEALTH_TIMEOUT_S = 5.0
log = logging.getLogger("loadtest")


@dataclass
class Result:
    sessions: int
    rounds: int
    pages: list[str]
    renders: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    health_ok: int = 0
    health_failed: int = 0
    health_max_s: float = 0.0
    wall_s: float = 0.0
    timed_out: bool = False

    def summary(self) -> dict:
        r = sorted(self.renders)
        pct = (lambda q: round(r[min(len(r) - 1, int(q * len(r)))], 2)) if r else (lambda q: None)
        return {
            "sessions": self.sessions,
            "rounds": self.rounds,
            "pages": len(self.pages),
            "renders": len(r),
            "expected": self.sessions * self.rounds * len(self.pages),
            "failed": len(self.failures),
            "render_s": {
                "median": round(statistics.median(r), 2) if r else None,
                "p95": pct(0.95),
                "max": round(r[-1], 2) if r else None,
            },
            "health": {"ok": self.health_ok, "failed": self.health_failed, "max_s": round(self.health_max_s, 3)},
            "wall_s": round(self.wall_s, 1),
            "timed_out": self.timed_out,
            "first_failures": self.failures[:5],
        }


def _health(url: str) -> float | None:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=HEALTH_TIMEOUT_S) as r:
            return time.monotonic() - started if r.read().strip() == b"ok" else None
    except OSError:
        return None


@contextmanager
def serve(port: int, warehouse: Path | None):
    """dashboard.py served on 127.0.0.1:port over `warehouse` (a sample warehouse when None)."""
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        if warehouse is None:
            from app import warehouse as wh_mod

            warehouse = Path(tmp) / "warehouse"
            wh_mod.ensure_built(warehouse)
        env = {**os.environ, "WAREHOUSE_DIR": str(warehouse), "UPLOADS_DIR": str(Path(tmp) / "uploads")}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "dashboard.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while _health(url) is None:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the dashboard did not start on {url}")
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


async def _render(page, url: str, timeout_ms: int) -> None:
    await page.goto(url, timeout=timeout_ms)
    app = "[data-testid='stApp']"
    await page.wait_for_selector(f"{app}[data-test-connection-state='CONNECTED']", timeout=timeout_ms)
    # a page is rendered when its script has run to the end (a first hit may rerun once through the router)
    # and nothing is left loading
    await page.wait_for_function(
        """() => { const a = document.querySelector("[data-testid='stApp']");
                   return a && a.dataset.testScriptState === 'notRunning'
                          && document.querySelector("[data-testid='stSidebar']")
                          && !document.querySelector("[data-testid='stSkeleton']"); }""",
        timeout=timeout_ms,
        polling=250,
    )
    errors = await page.get_by_test_id("stException").count()
    if errors:
        raise RuntimeError((await page.get_by_test_id("stException").first.inner_text())[:300])


async def _session(browser, url: str, index: int, res: Result, rounds: int, timeout_ms: int, stop: asyncio.Event):
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = await ctx.new_page()
    try:
        n = len(res.pages)
        for r in range(rounds):
            for k in range(n):
                if stop.is_set():
                    return
                name = res.pages[(index + k) % n]  # sessions start on different pages
                started = time.monotonic()
                try:
                    await _render(page, f"{url}/{name}", timeout_ms)
                    res.renders.append(time.monotonic() - started)
                except Exception as e:
                    res.failures.append(f"session {index} round {r} {name}: {type(e).__name__}: {str(e)[:300]}")
    finally:
        await ctx.close()


def _poll_health(url: str, stop, answers) -> None:
    """In a process of its own (so that the browsers' driver never delays a poll): every second, the health check's
    answer time, or -1 when it did not answer within HEALTH_TIMEOUT_S."""
    while not stop.is_set():
        took = _health(url)
        answers.put(-1.0 if took is None else took)
        stop.wait(1.0)


def _collect_health(res: Result, answers) -> None:
    while True:
        try:
            took = answers.get_nowait()
        except queue.Empty:
            return
        if took < 0:
            res.health_failed += 1
        else:
            res.health_ok += 1
            res.health_max_s = max(res.health_max_s, took)


async def _run(
    url: str, sessions: int, rounds: int, pages: list[str], budget_s: float, page_timeout_s: float
) -> Result:
    from playwright.async_api import async_playwright

    res = Result(sessions, rounds, pages)
    stop = asyncio.Event()
    started = time.monotonic()
    mp = multiprocessing.get_context("spawn")
    poll_stop, answers = mp.Event(), mp.Queue()
    poller = mp.Process(target=_poll_health, args=(url, poll_stop, answers), daemon=True)
    poller.start()
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        work = asyncio.gather(
            *(_session(browser, url, i, res, rounds, int(page_timeout_s * 1000), stop) for i in range(sessions))
        )
        try:
            await asyncio.wait_for(asyncio.shield(work), timeout=budget_s)
        except TimeoutError:
            res.timed_out = True
            stop.set()
            await work
        stop.set()
        await browser.close()
    res.wall_s = time.monotonic() - started
    poll_stop.set()
    deadline = time.monotonic() + HEALTH_TIMEOUT_S + 5
    while poller.is_alive() and time.monotonic() < deadline:  # drain while it ends (a queue's pipe is bounded)
        _collect_health(res, answers)
        poller.join(timeout=0.2)
    time.sleep(0.1)
    _collect_health(res, answers)
    if poller.is_alive():
        poller.terminate()
    if res.health_failed:
        log.warning("%d health checks unanswered within %.0f s", res.health_failed, HEALTH_TIMEOUT_S)
    return res


def run(
    url: str,
    sessions: int,
    rounds: int,
    pages: list[str] | None = None,
    budget_s: float = 1800,
    page_timeout_s: float = 180,
) -> Result:
    return asyncio.run(_run(url, sessions, rounds, list(pages or PAGES), budget_s, page_timeout_s))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadtest_browser", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated url paths (default: every page)")
    ap.add_argument("--url", help="a running dashboard (default: serve one on 127.0.0.1:--port)")
    ap.add_argument("--port", type=int, default=8614)
    ap.add_argument("--warehouse", type=Path, help="warehouse the served dashboard reads (default: the samples)")
    ap.add_argument("--budget", type=float, default=1800, help="seconds for the whole run")
    ap.add_argument("--page-timeout", type=float, default=180, help="seconds for one render")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    pages = [p for p in args.pages.split(",") if p]
    if args.url:
        res = run(args.url, args.sessions, args.rounds, pages, args.budget, args.page_timeout)
    else:
        with serve(args.port, args.warehouse) as url:
            res = run(url, args.sessions, args.rounds, pages, args.budget, args.page_timeout)
    print(json.dumps(res.summary(), ensure_ascii=False))
    ok = not res.failures and not res.health_failed and not res.timed_out
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
