"""After all reports are in: mark duplicate copies of one report, and run the cross-year rules."""

from __future__ import annotations

from pathlib import Path

from etl.checks.structure import metric_name
from etl.checks.year_rules import checked_rule_ids, read_metrics, term_rows
from warehouse.contract import ACCEPTED_VALUES, APPLICANT_ZH, TABLES, accepted_values, catalogue
from warehouse.db import connect, literal
from warehouse.paths import BEST_COPY_SQL, table_path

_SQL = Path(__file__).with_name("sql")
RECOMPUTED_RULES = (*checked_rule_ids(), "duplicate.agree", "structure.aggregate")


def sql(name: str) -> str:
    """One of the rule queries beside this module (etl/load/sql)."""
    return (_SQL / name).read_text(encoding="utf-8")


def define_rule_tables(con) -> None:
    """What the rule queries read besides the figures: metric labels, the cross-year rules as rows, the applicant
    columns' names, and the macros n(x) (a number as printed), label(metric) and metric_name(metric) (etl/checks/structure.py). The 预审 (etl/precheck.py) runs
    the same queries on a draft."""
    con.execute("CREATE TABLE labels(metric VARCHAR, label_zh VARCHAR, name VARCHAR)")
    con.executemany(
        "INSERT INTO labels VALUES (?, ?, ?)", [(k, d.label_zh, metric_name(k)) for k, d in catalogue().items()]
    )
    con.execute("CREATE MACRO n(x) AS regexp_replace(printf('%.6f', x), '\\.?0+$', '')")
    con.execute("CREATE MACRO label(k) AS coalesce((SELECT label_zh FROM labels WHERE metric = k), k)")
    con.execute("CREATE MACRO metric_name(k) AS coalesce((SELECT name FROM labels WHERE metric = k), k)")
    con.execute(
        "CREATE TABLE year_terms(rule VARCHAR, instance INTEGER, pos INTEGER, sign INTEGER, year INTEGER,"
        " metric VARCHAR, basis VARCHAR, says VARCHAR)"
    )
    con.executemany("INSERT INTO year_terms VALUES (?, ?, ?, ?, ?, ?, ?, ?)", term_rows())
    con.execute("CREATE TABLE applicant_zh(applicant VARCHAR, applicant_zh VARCHAR)")
    con.executemany("INSERT INTO applicant_zh VALUES (?, ?)", list(APPLICANT_ZH.items()))


def finalise(folder: Path) -> None:
    con = connect()
    reports, metrics, checks = (table_path(folder, t) for t in ("reports", "metrics", "checks"))
    con.execute(f"CREATE TABLE reports AS SELECT * FROM read_parquet({literal(reports)})")
    con.execute(
        f"CREATE TABLE checks AS SELECT * FROM read_parquet({literal(checks)}) WHERE rule NOT IN {RECOMPUTED_RULES}"
    )
    define_rule_tables(con)
    # duplicates: the same agency and year more than once; keep the copy that read the most, first by
    # copy_preference() (best_copy.sql beside the views: the report page lists the copies by the same key).
    # Decided afresh each build (rows kept from the last build carry last build's verdict); byte-identical copies
    # keep theirs.
    con.execute(BEST_COPY_SQL.read_text(encoding="utf-8"))
    con.execute("UPDATE reports SET duplicate_of = NULL WHERE report_id = left(file_sha256, 16)")
    con.execute(f"""
        CREATE TABLE filled AS
        SELECT report_id, count(value) AS n FROM read_parquet({literal(metrics)}) WHERE source IN ('table', 'manual') GROUP BY ALL;
        CREATE TABLE ranked AS
        SELECT r.report_id,
               first_value(r.report_id) OVER w AS keeper,
               row_number() OVER w AS rank
        FROM reports r LEFT JOIN filled f USING (report_id)
        WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL AND r.parse_status <> 'failed'
          AND r.duplicate_of IS NULL
        WINDOW w AS (PARTITION BY r.agency_id, r.year, r.scope
                     ORDER BY copy_preference(f.n, r.parse_status, r.file_format), r.report_id);
        UPDATE reports SET duplicate_of = ranked.keeper FROM ranked
        WHERE reports.report_id = ranked.report_id AND ranked.rank > 1;
    """)
    con.execute(f"""
        CREATE VIEW r AS SELECT * FROM reports WHERE duplicate_of IS NULL AND parse_status <> 'failed';
        CREATE VIEW m_all AS SELECT * FROM read_parquet({literal(metrics)}) WHERE source IN ('table', 'manual');
    """)
    named, any_metric = read_metrics()
    con.execute(  # only the rows and columns the cross-year rules read (a tenth of all), read from the file once
        f"""
        CREATE TABLE m AS
        SELECT x.report_id, x.metric, x.applicant, x.basis, x.value, r.agency_id, r.year, a.applicant_zh
        FROM read_parquet({literal(metrics)}) x JOIN r USING (report_id) LEFT JOIN applicant_zh a USING (applicant)
        WHERE x.source IN ('table', 'manual') AND (list_contains($named, x.metric) OR x.metric IN (
            SELECT metric FROM read_parquet({literal(metrics)}) WHERE list_contains($any_metric, basis)))""",
        {"named": named, "any_metric": any_metric},
    )
    con.execute(f"INSERT INTO checks BY NAME (SELECT * EXCLUDE (cells) FROM ({sql('cross_year_checks.sql')}))")
    con.execute(f"INSERT INTO checks BY NAME ({sql('duplicate_checks.sql')})")
    con.execute(f"CREATE TABLE aggregate_members AS {sql('aggregate_members.sql')}")
    con.execute(f"INSERT INTO checks BY NAME (SELECT * EXCLUDE (cells) FROM ({sql('aggregate_checks.sql')}))")
    for table, path in (("reports", reports), ("checks", checks)):
        cols = ", ".join(TABLES[table].names)
        order = "report_id" if table == "reports" else "report_id, rule, status, message, expected, actual"
        con.execute(
            f"COPY (SELECT {cols} FROM {table} ORDER BY {order}) TO {literal(path)} (FORMAT parquet, COMPRESSION zstd)"
        )
    problems = unaccepted_values(
        con, {"reports": "reports", "checks": "checks", "metrics": f"read_parquet({literal(metrics)})"}
    )
    con.close()
    if problems:  # a parser or writer bug, never a report's fault: no warehouse is published with it
        raise ContractError("warehouse columns hold values the contract does not allow: " + "; ".join(problems))


class ContractError(ValueError):
    """The built tables break docs/contract.md (a column holding a value it does not allow)."""


def unaccepted_values(con, tables: dict[str, str]) -> list[str]:
    """Like dbt's accepted_values tests: every value of a contract column outside its allowed codes (or a null
    where none is allowed), as 'table.column = value (n rows)'. `tables`: table -> the SQL that reads it."""
    out = []
    for (table, column), _ in ACCEPTED_VALUES.items():
        codes, nullable = accepted_values(table, column)
        allowed = "[" + ", ".join("'" + c.replace("'", "''") + "'" for c in codes) + "]"
        rows = con.execute(
            f"SELECT {column}, count(*) FROM {tables[table]} "
            f"WHERE NOT coalesce(list_contains({allowed}, {column}), {'true' if nullable else 'false'}) "
            f"GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        out += [f"{table}.{column} = {v!r} ({n} rows)" for v, n in rows]
    return out
