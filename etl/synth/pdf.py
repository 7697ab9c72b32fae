"""Synthetic reports as PDFs, in the layouts real PDF reports use, printed by headless Chromium.

Each report is the synthetic HTML report (etl.synth.corpus, layout ``html``) printed with one of these
styles (the truth file is the HTML report's, with ``layout`` = ``pdf_<style>``):

- ``ruled``: every cell ruled (thin black borders, as Word and WPS print tables);
- ``unruled``: the same tables without any rule (columns only aligned);
- ``split``: ruled, pushed down the page so that the tables run over page breaks;
- ``vertical``: ruled, the row-group header cells (rowspan) set in vertical text (``writing-mode``);
- ``wps``: ruled, each prose line on a filled white rectangle, as WPS Office writes its PDFs;
- ``browser``: the HTML page printed as a browser prints it ("print to PDF", its own table borders).

Nothing is sent anywhere: the HTML is set as the page's content, no network.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

from etl.synth.corpus import render_report, spec_for, write_places
from etl.synth.names import agencies

INDEX_COLUMNS = ["report", "truth", "layout", "encoding", "spec", "year", "agency_key", "injected", "cells"]

CHROMIUM = "/usr/bin/chromium"
YEARS = (2012, 2019, 2022, 2016, 2020, 2024, 2009)  # seven: every style meets every table format
STYLES = ("ruled", "unruled", "split", "vertical", "wps", "browser")

_BASE = """@page { size: A4; margin: 18mm 16mm; }
body { font-family: 'Noto Sans CJK SC', sans-serif; font-size: 11pt; line-height: 1.5; }
.nav { display: none; } h1 { font-size: 15pt; text-align: center; font-weight: normal; }
p { margin: 0.3em 0; text-indent: 2em; } td p { margin: 0; text-indent: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; }
td { padding: 2pt 3pt; font-size: 9pt; text-align: center; vertical-align: middle; }
tr { page-break-inside: avoid; break-inside: avoid; }
"""
_RULED = "td { border: 0.8pt solid #000; }\n"
_CSS = {
    "ruled": _BASE + _RULED,
    "unruled": _BASE + "table, td { border: none !important; } td { padding: 3pt 6pt; }\n",
    "split": _BASE + _RULED + "table { margin-top: 120mm; }\n",
    "vertical": _BASE
    + _RULED
    + "td[rowspan] { writing-mode: vertical-rl; text-orientation: upright; width: 1.6em; }\n",
    "wps": _BASE + _RULED + "p.line span { background: #fff; }\n",
    "browser": "",
}


def _agencies(n: int, seed: int) -> list:
    """n agencies of the synthetic gazetteer (about every second one: governments and departments of every
    level mixed), one report each."""
    out = []
    for agency in agencies():
        if len(out) >= n:
            break
        if random.Random(f"{seed}:{agency.key}:pick").random() < 0.5:
            out.append(agency)
    return out


def pdf_html(html: str, style: str) -> str:
    """The synthetic HTML report styled for printing in ``style``."""
    if style == "wps":  # prose paragraphs (not cells): their text on white line boxes
        html = re.sub(r"<p>([^<]{8,})</p>", r'<p class="line"><span>\1</span></p>', html)
    css = _CSS[style]
    return html.replace("{charset}", "utf-8").replace("</head>", f"<style>{css}</style></head>", 1)


def generate(out: Path, reports: int, seed: int = 0) -> int:
    """Write ``reports`` synthetic PDF reports (styles in turn) with truth files and index.csv under ``out``,
    in the layout of `etl.synth.corpus.generate`. Returns the number written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    chosen = _agencies(reports, seed)
    written = 0
    with sync_playwright() as p, open(out / "index.csv", "w", newline="", encoding="utf-8") as f:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        index = csv.writer(f)
        index.writerow(INDEX_COLUMNS)
        for i, agency in enumerate(chosen):
            rng = random.Random(f"{seed}:{agency.key}:pdf")
            year = YEARS[i % len(YEARS)]
            style = STYLES[written % len(STYLES)]
            _, html, truth = render_report(agency, year, rng, {}, inject_rate=0.0, narrative_rate=0.0, layout="html")
            truth["layout"] = f"pdf_{style}"
            name = f"{agency.key}_{year}"
            rel, trel = f"reports/{year}/{name}.pdf", f"truth/{year}/{name}.json"
            (out / "reports" / str(year)).mkdir(parents=True, exist_ok=True)
            (out / "truth" / str(year)).mkdir(parents=True, exist_ok=True)
            page.set_content(pdf_html(html, style), wait_until="load")
            data = page.pdf(print_background=style == "wps", prefer_css_page_size=style != "browser")
            (out / rel).write_bytes(data)
            truth["report"], truth["encoding"] = rel, "pdf"
            (out / trel).write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
            index.writerow(
                [
                    rel,
                    trel,
                    truth["layout"],
                    "pdf",
                    spec_for(year, agency.fujian),
                    year,
                    agency.key,
                    0,
                    len(truth["cells"]),
                ]
            )
            written += 1
        browser.close()
    write_places(out / "places.csv", chosen)
    return written
