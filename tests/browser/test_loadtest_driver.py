"""The load benchmark's driver (benchmarks/loadtest.py) against a served dashboard, over Streamlit's WebSocket
protocol with no browser: one session runs two pages to the end, and the figures it reports are the server's.
A behaviour test, not a timing one."""

from __future__ import annotations

import asyncio
import os

import psutil
import pytest

from benchmarks import loadtest
from tests.browser.serve import dashboard


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The dashboard over the bundled samples' warehouse; yields (url, server pid)."""
    from app import warehouse

    wh = tmp_path_factory.mktemp("ltwh") / "warehouse"
    warehouse.ensure_built(wh)
    env = {**os.environ, "WAREHOUSE_DIR": str(wh), "UPLOADS_DIR": str(wh.parent / "uploads")}
    with dashboard(env) as url:
        port = url.rsplit(":", 1)[1]
        server = next(p for p in psutil.Process().children() if port in " ".join(p.cmdline()))
        yield url, server.pid


def test_one_session_runs_pages_to_the_end(served):
    url, pid = served
    res = loadtest.run(url, pid, steps=[1], pages=["overview", "report"], page_timeout_s=60, budget_s=90)
    (step,) = res["steps"]
    assert step["first_failures"] == [] and step["failed"] == 0
    assert step["pages_done"] == 2 and set(step["per_page"]) == {"overview", "report"}
    assert res["served"] == 1
    assert res["warm_up"]["pages_done"] == 2 and res["warm_up"]["failed"] == 0  # the cold runs, timed apart
    assert 0 < step["p50_s"] <= step["p95_s"] <= step["max_s"] < 60
    # the server's own process: it ran the scripts (CPU) and holds the app (RSS); its lifetime peak is at least that
    assert step["server_cpu_s"] > 0
    assert 50 < step["server_rss_mb_max"] <= res["server_peak_rss_mb"] + 1  # psutil's RSS and VmHWM: ±0.1 MB
    assert len(step["load_before"]) == 3


def test_a_run_is_the_page_asked_for(served):
    """The finished run drew the page asked for (the router reads the address from the request's context), and a
    session can go on to another page on the same socket."""
    url, _ = served

    async def texts_of(pages):
        from websockets.asyncio.client import connect

        out = {}
        async with connect(loadtest.stream_url(url), subprotocols=["streamlit"], max_size=None) as ws:
            for page in pages:
                kept: list = []
                await loadtest.run_page(ws, url, page, 60, keep=kept)
                out[page] = [m for m in kept if m.WhichOneof("type") == "delta"]
                out[page + ":finished"] = kept[-1].WhichOneof("type")
        return out

    got = asyncio.run(texts_of(["overview", "nosuchpage"]))
    assert got["overview:finished"] == "script_finished" and got["nosuchpage:finished"] == "script_finished"
    from google.protobuf import text_format

    overview = " ".join(text_format.MessageToString(m, as_utf8=True) for m in got["overview"])
    missing = " ".join(text_format.MessageToString(m, as_utf8=True) for m in got["nosuchpage"])
    assert "找不到页面" not in overview and len(got["overview"]) > 10
    assert "找不到页面" in missing  # the router's Chinese page for an unknown address, not the overview again


def test_an_exception_in_a_run_is_a_failure():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "KeyError"
    msg.delta.new_element.exception.message = "'x'"
    assert loadtest.run_outcome(msg) == "error: KeyError: 'x'"
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_EARLY_FOR_RERUN
    assert loadtest.run_outcome(done) is None
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    assert loadtest.run_outcome(done) == "finished"
    done.script_finished = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
    assert loadtest.run_outcome(done) == loadtest.COMPILE_ERROR
