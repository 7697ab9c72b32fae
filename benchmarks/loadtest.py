"""Load test of the dashboard's server, apart from any browser: many sessions driven over Streamlit's own WebSocket
protocol (the `_stcore/stream` endpoint, protobuf BackMsg / ForwardMsg), nothing rendered.

    python3 -m benchmarks.loadtest [--steps 1,5,10,20,40] [--rounds 1] [--pages overview,report] [--port 8614]
                                   [--warehouse DIR] [--url http://HOST:PORT --pid PID] [--budget 1800]

A session opens the socket as the browser's page does and asks for each page in turn with a `rerun_script` BackMsg
(ClientState.page_name = the page's url path, context_info.url its address), then reads the server's ForwardMsgs
until `script_finished` says the run finished successfully. A page's time is the server's own: from the request (for
a session's first page, from opening the socket) to that `script_finished`; a run that shows an exception, gets
Streamlit's `page_not_found` or a compile error is a failure. Each step runs that many sessions at once, `--rounds`
times over `--pages`, and reports p50 / p95 per page and overall, the server process's CPU seconds (user + system,
from psutil; `server_cores_busy` is that over the step's wall time), its RSS (sampled every 0.2 s;
`server_peak_rss_mb` is the kernel's high-water mark, VmHWM) and the machine's load average before and after. The
steps stop at the first whose p95 passes `--p95-limit` (5 s); `served` is the largest step under it. Before the
steps, one session runs every page once to warm the server up (imports, caches; reported as `warm_up`).

Without --url it serves dashboard.py itself on 127.0.0.1:--port over --warehouse (default: a warehouse of the
bundled samples, built in a temporary folder). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("overview", "channels", "requests", "review", "staffing", "scorecard", "quality", "upload", "report")
STEPS = (1, 5, 10, 20, 40, 80)
COMPILE_ERROR = "error: compile error"  # the run ends there
log = logging.getLogger("loadtest")


@dataclass
class Step:
    """One step: `sessions` sessions at once, each asking for every page `rounds` times."""

    sessions: int
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    rss_mb_max: float = 0.0
    wall_s: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    timed_out: bool = False

    def all_times(self) -> list[float]:
        return [t for ts in self.times.values() for t in ts]

    def p95(self) -> float | None:
        return _pct(self.all_times(), 0.95)

    def summary(self) -> dict:
        every = self.all_times()
        return {
            "sessions": self.sessions,
            "pages_done": len(every),
            "failed": len(self.failures),
            "p50_s": _pct(every, 0.5),
            "p95_s": _pct(every, 0.95),
            "max_s": round(max(every), 3) if every else None,
            "per_page": {p: {"p50_s": _pct(t, 0.5), "p95_s": _pct(t, 0.95)} for p, t in sorted(self.times.items())},
            "server_cpu_s": round(self.cpu_s, 1),
            "server_cpu_s_per_page": round(self.cpu_s / len(every), 3) if every else None,
            "server_cores_busy": round(self.cpu_s / self.wall_s, 2) if self.wall_s else None,
            "server_rss_mb_max": round(self.rss_mb_max, 1),
            "wall_s": round(self.wall_s, 1),
            "load_before": [round(x, 2) for x in self.load_before],
            "load_after": [round(x, 2) for x in self.load_after],
            "timed_out": self.timed_out,
            "first_failures": self.failures[:3],
        }


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if q == 0.5:
        return round(statistics.median(values), 3)
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 3)


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def serve(port: int, warehouse: Path | None, log_path: Path | None = None):
    """dashboard.py served on 127.0.0.1:port over `warehouse` (a sample warehouse when None); yields (url, pid).
    The server's console (its tracebacks) goes to `log_path` when given."""
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp, open(log_path or os.devnull, "wb") as out:
        if warehouse is None:
            from app import warehouse as wh_mod

            warehouse = Path(tmp) / "warehouse"
            wh_mod.ensure_built(warehouse)
        env = {**os.environ, "WAREHOUSE_DIR": str(warehouse), "UPLOADS_DIR": str(Path(tmp) / "uploads")}
        args = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while not _health(url):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"the dashboard did not start on {url}")
                time.sleep(0.5)
            yield url, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def rerun_request(url: str, page: str) -> bytes:
    """The BackMsg a browser sends to run `page` (its url path) of the dashboard at `url`, as on a fresh load of
    url/page: no widget state; the address and locale in the context (the router reads st.context.url)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.page_name = page
    state.query_string = ""
    state.context_info.url = f"{url.rstrip('/')}/{page}"
    state.context_info.locale = "zh-CN"
    state.context_info.timezone = "Asia/Shanghai"
    state.context_info.timezone_offset = -480
    return msg.SerializeToString()


def run_outcome(msg) -> str | None:
    """What one ForwardMsg says of the run under way: "finished", an error text, or None (the run goes on).
    A run the router ends early to rerun itself (FINISHED_EARLY_FOR_RERUN) goes on."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            return "finished"
        if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            return COMPILE_ERROR
    elif kind == "page_not_found":
        return f"error: page not found {msg.page_not_found.page_name!r}"
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        if msg.delta.new_element.WhichOneof("type") == "exception":
            e = msg.delta.new_element.exception
            return f"error: {e.type}: {e.message[:200]}"
    return None


async def run_page(ws, url: str, page: str, timeout_s: float, keep: list | None = None) -> None:
    """Ask for `page` on an open session of the dashboard at `url` and wait until its run has finished; raises on a
    failed run. The run's ForwardMsgs are appended to `keep` when given."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await ws.send(rerun_request(url, page))
    error = None
    async with asyncio.timeout(timeout_s):
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            if keep is not None:
                keep.append(msg)
            outcome = run_outcome(msg)
            if outcome in ("finished", COMPILE_ERROR):
                error = error or (None if outcome == "finished" else outcome)
                break
            if outcome and error is None:  # keep reading: the run still ends with script_finished
                error = outcome
    if error:
        raise RuntimeError(error)


def stream_url(url: str) -> str:
    return url.replace("http://", "ws://", 1).replace("https://", "wss://", 1).rstrip("/") + "/_stcore/stream"


async def _session(url: str, index: int, step: Step, pages: list[str], rounds: int, timeout_s: float) -> None:
    from websockets.asyncio.client import connect

    started = time.monotonic()
    try:
        async with connect(stream_url(url), subprotocols=["streamlit"], max_size=None, open_timeout=timeout_s) as ws:
            for r in range(rounds):
                for k in range(len(pages)):
                    name = pages[(index + k) % len(pages)]  # sessions start on different pages
                    try:
                        await run_page(ws, url, name, timeout_s)
                        step.times[name].append(time.monotonic() - started)
                    except Exception as e:
                        step.failures.append(f"session {index} round {r} {name}: {type(e).__name__}: {str(e)[:300]}")
                        if isinstance(e, TimeoutError):
                            return  # the socket still holds the late run's messages
                    started = time.monotonic()
    except Exception as e:  # the socket did not open or broke
        step.failures.append(f"session {index}: {type(e).__name__}: {str(e)[:300]}")


async def _watch(proc: psutil.Process | None, step: Step, stop: asyncio.Event) -> None:
    while proc is not None and not stop.is_set():
        try:
            step.rss_mb_max = max(step.rss_mb_max, proc.memory_info().rss / 2**20)
        except psutil.Error:
            return
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except TimeoutError:
            pass


async def _step(url: str, pid: int | None, sessions: int, pages, rounds: int, timeout_s: float, budget_s: float):
    step = Step(sessions)
    proc = psutil.Process(pid) if pid else None
    cpu0 = proc.cpu_times() if proc else None
    step.load_before = os.getloadavg()
    stop = asyncio.Event()
    watcher = asyncio.create_task(_watch(proc, step, stop))
    started = time.monotonic()
    work = asyncio.gather(*(_session(url, i, step, pages, rounds, timeout_s) for i in range(sessions)))
    try:
        await asyncio.wait_for(work, timeout=budget_s)
    except TimeoutError:
        step.timed_out = True
    step.wall_s = time.monotonic() - started
    stop.set()
    await watcher
    step.load_after = os.getloadavg()
    if proc is not None:
        cpu1 = proc.cpu_times()
        step.cpu_s = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    return step


def _peak_rss_mb(pid: int | None) -> float | None:
    """The kernel's high-water mark of the process's resident memory (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, TypeError):
        pass
    return None


def run(
    url: str,
    pid: int | None,
    steps: list[int],
    pages: list[str] | None = None,
    rounds: int = 1,
    p95_limit_s: float = 5.0,
    page_timeout_s: float = 120,
    budget_s: float = 1800,
    warm_up: bool = True,
) -> dict:
    """Step the number of concurrent sessions up until p95 passes `p95_limit_s`; the whole result as a dict."""
    pages = list(pages or PAGES)
    done: list[Step] = []
    deadline = time.monotonic() + budget_s
    cold = None
    if warm_up:  # a fresh server's first runs import modules and fill caches: timed apart, not in the steps
        log.info("warm-up: 1 session × %d pages", len(pages))
        cold = asyncio.run(_step(url, pid, 1, pages, 1, page_timeout_s, budget_s)).summary()
    for n in steps:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        log.info("%d sessions × %d pages × %d rounds", n, len(pages), rounds)
        step = asyncio.run(_step(url, pid, n, pages, rounds, page_timeout_s, left))
        done.append(step)
        log.info("%s", json.dumps(step.summary(), ensure_ascii=False))
        p95 = step.p95()
        if step.failures or step.timed_out or p95 is None or p95 >= p95_limit_s:
            break
    good = [s.sessions for s in done if not s.failures and not s.timed_out and (s.p95() or 1e9) < p95_limit_s]
    return {
        "pages": pages,
        "rounds": rounds,
        "p95_limit_s": p95_limit_s,
        "served": max(good) if good else 0,
        "cpus": os.cpu_count(),
        "server_peak_rss_mb": _peak_rss_mb(pid),
        "warm_up": cold,
        "steps": [s.summary() for s in done],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", default=",".join(map(str, STEPS)), help="session counts to try, in order")
    ap.add_argument("--rounds", type=int, default=1, help="times each session asks for every page")
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated url paths (default: nine pages)")
    ap.add_argument("--url", help="a running dashboard (default: serve one on 127.0.0.1:--port)")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for its CPU and memory")
    ap.add_argument("--port", type=int, default=8614)
    ap.add_argument("--warehouse", type=Path, help="warehouse the served dashboard reads (default: the samples)")
    ap.add_argument("--p95-limit", type=float, default=5.0, help="seconds; the steps stop past it")
    ap.add_argument("--budget", type=float, default=1800, help="seconds for the whole run")
    ap.add_argument("--page-timeout", type=float, default=120, help="seconds for one page's run")
    ap.add_argument("--server-log", type=Path, help="write the served dashboard's console (tracebacks) here")
    ap.add_argument("--no-warm-up", action="store_true", help="count the server's first runs in the first step")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    pages = [p for p in args.pages.split(",") if p]
    steps = [int(n) for n in args.steps.split(",") if n]
    options = dict(pages=pages, rounds=args.rounds, p95_limit_s=args.p95_limit, page_timeout_s=args.page_timeout,
                   budget_s=args.budget, warm_up=not args.no_warm_up)  # fmt: skip
    if args.url:
        res = run(args.url, args.pid, steps, **options)
    else:
        with serve(args.port, args.warehouse, args.server_log) as (url, pid):
            res = run(url, pid, steps, **options)
    print(json.dumps(res, ensure_ascii=False))
    return 0 if res["served"] else 1


if __name__ == "__main__":
    sys.exit(main())
