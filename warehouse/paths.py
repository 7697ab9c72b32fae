"""Every path the project names, in one place: the checkout, its bundled data, and the files beside a warehouse
folder (`DIR.building`, `DIR.old`, `DIR.lock`)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout; stored source_file names are relative to it
PACKAGE = Path(__file__).resolve().parent
METRICS_CSV = PACKAGE / "metrics.csv"  # the contract's, unchanged
FIGURES_CSV = PACKAGE / "figures.csv"  # each metric's column in the wide figure table (marts.views_sql)
SQL_DIR = PACKAGE / "sql"
VIEWS_SQL = SQL_DIR / "views.sql"  # a Jinja template over metrics.csv (marts.views_sql renders it)
MACROS_SQL = SQL_DIR / "macros.sql"
BEST_COPY_SQL = SQL_DIR / "best_copy.sql"
VOCABULARY_CSV = PACKAGE / "vocabulary.csv"
DATA = ROOT / "data"
SAMPLES = DATA / "samples"
DEFAULT_DIR = DATA / "warehouse"
UPLOADS = Path(os.environ.get("UPLOADS_DIR") or DATA / "uploads")


def table_path(folder: Path, table: str) -> Path:
    """A table of a built warehouse folder: DIR/<table>.parquet."""
    return Path(folder) / f"{table}.parquet"


def building_path(out: Path) -> Path:
    """Where a build assembles the next warehouse before swapping it in."""
    return out.with_name(out.name + ".building")


def old_path(out: Path) -> Path:
    """Where the previous warehouse waits during a swap."""
    return out.with_name(out.name + ".old")


def lock_path(out: Path) -> Path:
    """The writers' lock file of a warehouse folder."""
    return out.with_name(out.name + ".lock")
