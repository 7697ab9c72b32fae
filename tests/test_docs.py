"""README is the front door: under 10 000 characters, the two commands first (the test command exactly as CI runs
it), a screenshot of 总览, links that resolve. The documentation site (mkdocs.yml, docs/) builds strictly: a broken
link or anchor, a missing picture or a nav entry without its file fails it.

    python -m pytest tests/test_docs.py -q -n0
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START = "python3 -m pip install -r requirements.txt && python3 -m streamlit run dashboard.py"
TEST = "python3 -m pip install -r requirements-dev.txt && python3 -m pytest -q"
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def test_readme_is_one_screen_with_the_two_commands_first():
    text = README.read_text(encoding="utf-8")
    assert len(text) < 10_000
    commands = [line.strip() for line in text.splitlines() if line.startswith("    ")]
    assert commands[:2] == [START, TEST]
    assert text.index(TEST) < text.index("## ")  # both before the first section
    assert TEST in (ROOT / ".ci" / "run").read_text(encoding="utf-8")  # CI runs README's command verbatim


def test_readme_shows_the_overview_and_its_links_resolve():
    text = README.read_text(encoding="utf-8")
    targets = [t for t in _LINK.findall(text) if "://" not in t]
    assert "docs/images/overview.png" in targets
    png = (ROOT / "docs/images/overview.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    missing = [t for t in targets if not (ROOT / t.split("#")[0]).is_file()]
    assert not missing, missing


def test_user_guide_pictures_exist():
    """Every picture the docs show is one the browser test takes (tests/browser/test_user_guide_images.py)."""
    from tests.browser.test_user_guide_images import VIEWS

    shown = set()
    for md in (ROOT / "docs").rglob("*.md"):
        shown |= {Path(t).name for t in _LINK.findall(md.read_text(encoding="utf-8")) if t.endswith(".png")}
    assert shown and shown <= {f"{name}.png" for name in VIEWS}
    assert all((ROOT / "docs" / "images" / name).is_file() for name in shown)


def test_docs_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert (tmp_path / "site" / "user-guide" / "tasks" / "index.html").is_file()
    assert (tmp_path / "site" / "images" / "compare.png").is_file()
