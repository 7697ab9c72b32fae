import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
SAMPLES = ROOT / "data" / "samples"
CORPUS = SHARED / "corpus" / "real"
GOLDEN = ROOT / "tests" / "golden"


def need_corpus():
    if not CORPUS.exists():
        pytest.skip("../shared/corpus/real is not present")


@pytest.fixture(scope="session")
def corpus_dir():
    need_corpus()
    return CORPUS
