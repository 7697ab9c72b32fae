"""The demo dataset: a synthetic corpus and its warehouse, for trying the dashboard on a realistic volume.

    python -m etl demo [--reports 2000] [--out data/demo]
    WAREHOUSE_DIR=data/demo/warehouse streamlit run dashboard.py

Every agency of the corpus is named 演示…; the dashboard recognises such a warehouse and marks every page and
every exported chart 演示数据 (app/demo.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from etl.build import Summary, build
from etl.extract.metadata import use_places
from etl.synth.corpus import GENERATOR_VERSION, generate

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "demo"


def make_demo(out: Path = DEFAULT_OUT, reports: int = 2000, seed: int = 0, jobs: int = 1) -> tuple[Path, Summary]:
    """(warehouse folder, build summary). The corpus is generated again only when its size, seed or generator
    version changed; the build is incremental like any other."""
    corpus, warehouse = Path(out) / "corpus", Path(out) / "warehouse"
    stamp = {"reports": reports, "seed": seed, "generator": GENERATOR_VERSION}
    marker = corpus / "demo.json"
    if not marker.exists() or json.loads(marker.read_text(encoding="utf-8")) != stamp:
        if corpus.exists():
            shutil.rmtree(corpus)
        generate(corpus, reports, seed=seed, jobs=jobs)
        marker.write_text(json.dumps(stamp), encoding="utf-8")
    use_places([str(corpus / "places.csv")])
    return warehouse, build([str(corpus / "reports")], warehouse, jobs=jobs)
