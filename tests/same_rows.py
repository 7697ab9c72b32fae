"""Comparing two warehouses through the dashboard's named queries (marts vs views, local vs object storage)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from app.queries import SQL_DIR, Filters, execute, sql_text


def norm(rows) -> list[tuple]:
    """Rows in a comparable form: floats rounded, order ignored (ORDER BY may leave ties)."""
    return sorted(
        tuple(("f", round(v, 9)) if isinstance(v, float) and not math.isnan(v) else ("x", repr(v)) for v in r)
        for r in rows
    )


def every_query_same(a, b, filter_sets: list[Filters], report_id: str) -> Iterator[tuple]:
    """Run every named query under every filter set on connections `a` and `b`, assert the same columns and rows,
    and yield (name, filters, params, rows of `a`) for checks of the caller's own."""
    for path in sorted(SQL_DIR.glob("*.sql")):
        params = {"report_id": report_id} if "$report_id" in sql_text(path.stem) else {}
        for f in filter_sets:
            ra, rb = execute(a, path.stem, f, params), execute(b, path.stem, f, params)
            assert ra.columns == rb.columns, path.stem
            assert norm(ra.rows()) == norm(rb.rows()), (path.stem, f)
            yield path.stem, f, params, ra
