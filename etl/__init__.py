"""ETL: annual disclosure reports -> Parquet warehouse (see docs/contract.md)."""

from __future__ import annotations

import hashlib
import os
from functools import cache

PARSER_VERSION = "0.9.0"


def parser_version() -> str:
    """PARSER_VERSION, tagged with the digest of the extra gazetteers given to the build (`--places`), so that a
    report parsed against other places is parsed again."""
    from etl.extract.metadata import PLACES_ENV

    return _tagged(os.environ.get(PLACES_ENV, ""))


@cache
def _tagged(places: str) -> str:
    from etl.extract.metadata import extra_places

    extra = extra_places()
    if not extra:
        return PARSER_VERSION
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in extra)).hexdigest()[:12]
    return f"{PARSER_VERSION}+places.{digest}"
