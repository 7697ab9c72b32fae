"""Corrections from the 审核 page, applied while the warehouse is built (after assembly, before the checks that
span reports run), so that they survive every rebuild.

A correction is keyed by the report file's content hash and the cell (metric, applicant, basis). The cell's row
keeps `raw` (what the report printed) and gets the corrected `value`, `source = 'manual'` and a locator naming who
corrected it and when; the report's own consistency rules are run again on the corrected values. A correction
whose file has changed since (same source_file, other bytes) is not applied: the 审核 page lists it for re-review.
A withdrawn correction (撤回) is not applied; where a kept report still holds it from an earlier build, the cell is
put back as it was before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from audit import db, store
from etl.checks import run_checks
from etl.checks.prose import RULE as PROSE_RULE
from etl.checks.prose import check_prose
from etl.checks.rules import constraints_for
from etl.extract.prose import extract_prose
from etl.model import Metric, ReadError
from etl.read import read_document
from warehouse.contract import TABLES, catalogue
from warehouse.db import connect, literal
from warehouse.paths import table_path
from warehouse.sources import real_path

log = logging.getLogger(__name__)
MANUAL = "manual"
LOCATOR_ORIGIN = "；原位置："  # what follows it in a manual row's locator is where the printed cell was read
_FUJIAN_SPEC = "fujian2009"  # both Fujian specs give the same reported rules (they differ in split-only ones)


@dataclass
class Applied:
    cells: int = 0
    reports: int = 0
    stale: int = 0
    withdrawn: int = 0  # cells of withdrawn corrections looked at (put back where an earlier build had applied them)


_FIX_SCHEMA = pa.schema(
    [(c, pa.string()) for c in ("report_id", "metric", "applicant", "basis")]
    + [("new_value", pa.float64()), ("unit", pa.string()), ("username", pa.string()), ("at", pa.string())]
)
_UNDO_SCHEMA = pa.schema(
    [(c, pa.string()) for c in ("report_id", "metric", "applicant", "basis")] + [("old_value", pa.float64())]
)


def spec_name(template: str | None, variant: str | None) -> str | None:
    if template in ("2019", "2021"):
        return template
    if template == "old":
        return _FUJIAN_SPEC if variant == "fujian" else "national"
    return None


def apply_corrections(folder: Path, db_url: str | None, base: Path | None = None) -> Applied:
    """Apply the corrections of the audit database at `db_url` to the warehouse tables in `folder`. `base`: the
    folder the stored names of relative inputs are relative to (None: the working folder), where a corrected
    report's file is read again for the figures its prose states."""
    if not db.exists(db_url):
        return Applied()
    every = store.all_corrections(db.engine(db_url), withdrawn=True)
    if not every:
        return Applied()
    rows = [c for c in every if c["withdrawn_at"] is None]
    con = connect()
    reports_path, metrics_path, checks_path = (table_path(folder, t) for t in ("reports", "metrics", "checks"))
    reports = con.execute(
        f"SELECT report_id, file_sha256, source_file, template, template_variant "
        f"FROM read_parquet({literal(reports_path)})"
    ).fetchall()
    by_sha: dict[str, list[tuple]] = {}
    for r in reports:
        by_sha.setdefault(r[1], []).append(r)
    files = {r[2] for r in reports}
    fixes, stale = [], 0
    for c in rows:
        held = by_sha.get(c["file_sha256"])
        if not held:
            if c["source_file"] in files:
                stale += 1
            continue
        for rid, _sha, _f, template, _v in held:
            d = catalogue().get(c["metric"])
            if d is None or template not in d.templates:
                continue
            fixes.append(
                (
                    rid,
                    c["metric"],
                    c["applicant"] or None,
                    c["basis"],
                    c["new_value"],
                    d.unit,
                    c["username"],
                    store.local_time(c["created_at"]),
                )
            )
    # a withdrawn correction that an earlier build applied to a report this build keeps: the cell goes back to
    # what the warehouse held before it (the correction's old_value), or goes when the correction had added it
    undo = [
        (rid, c["metric"], c["applicant"] or None, c["basis"], c["old_value"])
        for c in every
        if c["withdrawn_at"] is not None
        for rid, *_ in by_sha.get(c["file_sha256"], [])
    ]
    if stale:
        log.warning(
            "%d correction(s) not applied: their report file has changed; re-review them on the 审核 page", stale
        )
    if not fixes and not undo:
        con.close()
        return Applied(stale=stale)
    con.register(
        "fix_rows",
        pa.table(
            dict(
                zip(
                    ["report_id", "metric", "applicant", "basis", "new_value", "unit", "username", "at"],
                    [list(x) for x in zip(*fixes)] if fixes else [[]] * 8,
                )
            ),
            schema=_FIX_SCHEMA,
        ),
    )
    con.register(
        "undo_rows",
        pa.table(
            dict(
                zip(
                    ["report_id", "metric", "applicant", "basis", "old_value"],
                    [list(x) for x in zip(*undo)] or [[]] * 5,
                )
            ),
            schema=_UNDO_SCHEMA,
        ),
    )
    cols = TABLES["metrics"].names
    origin = (
        f"CASE WHEN m.source = '{MANUAL}' THEN nullif(split_part(m.locator, '{LOCATOR_ORIGIN}', 2), '') "
        "ELSE m.locator END"
    )
    tmp = metrics_path.with_suffix(".corrected.parquet")
    con.execute(f"""
        COPY (
          SELECT {', '.join(cols)} FROM (
            SELECT m.report_id, m.metric, m.applicant, m.basis,
                   CASE WHEN f.report_id IS NOT NULL THEN f.new_value WHEN u.report_id IS NOT NULL THEN u.old_value
                        ELSE m.value END AS value, m.raw, m.unit,
                   CASE WHEN f.report_id IS NOT NULL THEN '{MANUAL}' WHEN u.report_id IS NOT NULL THEN 'table'
                        ELSE m.source END AS source,
                   CASE WHEN f.report_id IS NOT NULL
                        THEN '人工更正：' || f.username || ' ' || f.at ||
                             coalesce('{LOCATOR_ORIGIN}' || {origin}, '（原表未读出此格）')
                        WHEN u.report_id IS NOT NULL THEN {origin}
                        ELSE m.locator END AS locator
            FROM read_parquet({literal(metrics_path)}) m
            LEFT JOIN fix_rows f ON f.report_id = m.report_id AND f.metric = m.metric AND f.basis = m.basis
                 AND f.applicant IS NOT DISTINCT FROM m.applicant AND m.source IN ('table', '{MANUAL}')
            LEFT JOIN undo_rows u ON u.report_id = m.report_id AND u.metric = m.metric AND u.basis = m.basis
                 AND u.applicant IS NOT DISTINCT FROM m.applicant AND m.source = '{MANUAL}'
            -- a row the withdrawn correction had added (the table had no such cell) goes
            WHERE NOT (u.report_id IS NOT NULL AND {origin} IS NULL)
            UNION ALL
            -- a cell of the template that the parser did not read at all: a row of its own
            SELECT f.report_id, f.metric, f.applicant, f.basis, f.new_value, NULL, f.unit, '{MANUAL}',
                   '人工更正：' || f.username || ' ' || f.at || '（原表未读出此格）'
            FROM fix_rows f
            WHERE NOT EXISTS (SELECT 1 FROM read_parquet({literal(metrics_path)}) m
                              WHERE m.report_id = f.report_id AND m.metric = f.metric AND m.basis = f.basis
                                AND m.applicant IS NOT DISTINCT FROM f.applicant
                                AND m.source IN ('table', '{MANUAL}'))
          ) ORDER BY report_id, metric, applicant, basis, source, locator
        ) TO {literal(tmp)} (FORMAT parquet, COMPRESSION zstd)""")
    tmp.replace(metrics_path)
    corrected = sorted({f[0] for f in fixes} | {u[0] for u in undo})
    specs = {r[0]: spec_name(r[3], r[4]) for r in reports}
    stated = {r[0]: _stated(r[2], r[3], base) for r in reports if r[0] in set(corrected)}
    _rerun_checks(con, corrected, specs, stated, metrics_path, checks_path)
    con.close()
    log.info("applied %d correction(s) to %d report(s)", len(fixes), len(corrected))
    return Applied(cells=len(fixes), reports=len(corrected), stale=stale, withdrawn=len(undo))


def _stated(source_file: str, template: str | None, base: Path | None) -> list[Metric] | None:
    """Every figure the report's prose states, read again from its file: the warehouse keeps only the prose
    figures its table lacks or contradicted (one that agreed is recorded by the passing check alone), so the prose
    check cannot be run again from the warehouse. None when the file cannot be read any more."""
    name = real_path(source_file, base)
    path = Path(base) / name if base is not None else Path(name)
    try:
        doc = read_document(path)
    except (OSError, ReadError) as e:
        log.warning("%s: not read again for the prose check (%s); only the prose figures kept are checked", name, e)
        return None
    stated = extract_prose(doc, template)
    if doc.scanned:  # as the parse marks them
        for m in stated:
            m.locator = "OCR " + m.locator
    return stated


def _rerun_checks(
    con,
    report_ids: list[str],
    specs: dict[str, str | None],
    stated: dict[str, list[Metric] | None],
    metrics_path: Path,
    checks_path: Path,
) -> None:
    """The report's own rules (formats.md §7) and, where its prose states figures, the prose check run again on
    the corrected values: every stated figure (`stated`, read again from the file), not only those the warehouse
    kept, so a correction elsewhere leaves the figures that agreed agreeing. The rules that span reports are
    recomputed by finalise."""
    con.register("corrected_ids", pa.table({"report_id": pa.array(report_ids, pa.string())}))
    rows = con.execute(
        f"SELECT report_id, metric, applicant, basis, value, raw, locator, source "
        f"FROM read_parquet({literal(metrics_path)}) WHERE source IN ('table', 'text', '{MANUAL}') "
        "AND report_id IN (SELECT report_id FROM corrected_ids)"
    ).fetchall()
    table: dict[str, list[Metric]] = {}
    prose: dict[str, list[Metric]] = {}
    for rid, metric, applicant, basis, value, raw, locator, source in rows:
        into = prose if source == "text" else table  # a corrected cell is checked as the table's cell
        into.setdefault(rid, []).append(
            Metric(metric, value, raw or "", locator, applicant, basis, source="text" if source == "text" else "table")
        )
    fresh, replaced = [], []
    for rid in report_ids:
        spec = specs.get(rid)
        if spec is None:
            continue
        checks = run_checks(spec, table.get(rid, []))
        rules = {c.rule for c in constraints_for(spec)} | {"nonnegative"}
        figures = stated.get(rid)
        if figures is None:  # the file is gone: the prose figures the warehouse kept (those the table lacked)
            figures = prose.get(rid, [])
        if figures:
            checks += check_prose(figures, table.get(rid, []))
            rules.add(PROSE_RULE)
        replaced += [(rid, r) for r in sorted(rules)]
        fresh += [(rid, c.rule, c.severity, c.status, c.expected, c.actual, c.message) for c in checks]
    if not replaced:
        return
    schema = TABLES["checks"]
    con.register("fresh_checks", pa.Table.from_pylist([dict(zip(schema.names, r)) for r in fresh], schema=schema))
    con.register("replaced", pa.table({"report_id": [r for r, _ in replaced], "rule": [x for _, x in replaced]}))
    tmp = checks_path.with_suffix(".corrected.parquet")
    cols = ", ".join(schema.names)
    con.execute(f"""
        COPY (SELECT {cols} FROM (
                SELECT c.* FROM read_parquet({literal(checks_path)}) c ANTI JOIN replaced r USING (report_id, rule)
                UNION ALL BY NAME SELECT * FROM fresh_checks)
              ORDER BY report_id, rule, status, message, expected, actual)
        TO {literal(tmp)} (FORMAT parquet, COMPRESSION zstd)""")
    tmp.replace(checks_path)
