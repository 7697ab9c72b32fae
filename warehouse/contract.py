"""The warehouse contract in code (docs/contract.md): metric catalogue, table names and column schemas, and how a
report's id is made."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import cache

import pyarrow as pa

from warehouse.paths import FIGURES_CSV, METRICS_CSV, VOCABULARY_CSV

APPLICANTS = ["natural_person", "business", "research", "social_org", "legal_service", "other_org", "total"]


@cache
def vocabulary() -> dict[str, dict[str, str]]:
    """The one vocabulary (vocabulary.csv beside metrics.csv): code kind -> code -> the Chinese a user reads, in
    the file's order — levels, agency kinds, templates and variants, scopes, parse and check statuses, severities,
    sources, bases, applicant columns, check rules, and rule families (a rule id not listed reads as its family's
    name, `other` where its family is not listed either). The build writes it into the warehouse (view and mart
    `labels`), the dashboard's SQL joins it, warehouse/labels.py serves it to the pages."""
    out: dict[str, dict[str, str]] = {}
    with open(VOCABULARY_CSV, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["kind"], {})[r["code"]] = r["label_zh"]
    return out


APPLICANT_ZH = vocabulary()["applicant"]

# (table, column) -> (the vocabulary kind listing its allowed codes, whether it may be null), as docs/contract.md
# states them; the build refuses to publish a warehouse holding anything else (etl/warehouse/finalise.py).
ACCEPTED_VALUES = {
    ("reports", "parse_status"): ("parse_status", False),
    ("reports", "template"): ("template", False),
    ("reports", "level"): ("level", True),  # null: the agency was not placed (a failed file)
    ("reports", "scope"): ("scope", True),  # null: a file that could not be read (the dashboard counts it 本级)
    ("reports", "agency_kind"): ("agency_kind", True),
    ("metrics", "source"): ("source", False),
    ("metrics", "basis"): ("basis", False),
    ("metrics", "applicant"): ("applicant", True),  # null outside the applicant columns of 2019/2021 section 三
    ("checks", "severity"): ("severity", False),
    ("checks", "status"): ("check_status", False),
}


def accepted_values(table: str, column: str) -> tuple[list[str], bool]:
    """The codes a column may hold, and whether it may be null. `unknown` of a nullable column is how the
    vocabulary names a null (未知), never a stored code; the template's `unknown` is one."""
    kind, nullable = ACCEPTED_VALUES[(table, column)]
    return [c for c in vocabulary()[kind] if not (nullable and c == "unknown")], nullable


@dataclass(frozen=True)
class MetricDef:
    key: str
    templates: tuple[str, ...]
    section: str
    label_zh: str
    unit: str
    note: str
    figure: str = ""  # the column of the dashboard's wide figure table (view fig, mart rep) holding this year's value
    figure_group: str = ""  # the list page counting it: fig.n_<figure_group>_rows is a report's rows of the group


@cache
def catalogue() -> dict[str, MetricDef]:
    """metrics.csv (the contract, kept exactly as published) with each metric's place in the dashboard's wide
    figure table from figures.csv beside it (key, figure, figure_group; a metric not listed has no column)."""
    with open(FIGURES_CSV, encoding="utf-8") as f:
        figures = {r["key"]: r for r in csv.DictReader(f)}
    unknown = set(figures) - set(_metric_rows())
    if unknown:
        raise ValueError(f"figures.csv names metrics metrics.csv lacks: {sorted(unknown)}")
    none = {"figure": "", "figure_group": ""}
    return {
        r["key"]: MetricDef(
            r["key"],
            tuple(r["templates"].split("|")),
            r["section"],
            r["label_zh"],
            r["unit"],
            r["note"],
            figures.get(r["key"], none)["figure"],
            figures.get(r["key"], none)["figure_group"],
        )
        for r in _metric_rows().values()
    }


_TAGGED = re.compile(r"^(.*?)\s*\((old|2019|2021)\)$")


def label_in(d: MetricDef, template: str | None) -> str:
    """A metric's row label as a report of `template` prints it. metrics.csv names a row shared by formats once
    for all ("本年新制作数量 (2019) / 本年制发件数 (2021)"; "行政复议数量 / 行政复议 总计" for old / new): a
    report shows only its own format's words. An unknown template keeps the whole label."""
    parts = [p.strip() for p in d.label_zh.split(" / ")]
    if len(parts) < 2 or template not in d.templates:
        return d.label_zh
    tagged = {m[2]: m[1] for m in map(_TAGGED.match, parts) if m}
    if tagged:
        return tagged.get(template, d.label_zh)
    if "old" in d.templates and len(parts) == 2 and d.templates != ("old",):  # the old format's words, then the new
        return parts[0] if template == "old" else parts[1]
    return d.label_zh


def section_in(d: MetricDef, template: str | None) -> str:
    """A metric's section as a report of `template` heads it: "（行政）规范性文件" is 规范性文件 in 2019, 行政规范性文件
    from 2021."""
    if "（行政）" not in d.section or template not in ("2019", "2021"):
        return d.section
    return d.section.replace("（行政）", "" if template == "2019" else "行政")


def metrics_under(group: str) -> list[str]:
    """The catalogue's metrics below `group`, in its order: `outcome.denied` gives the eight 不予公开 reasons of the
    2019 and 2021 tables, `request.answered.denied` the six of the old ones."""
    return [k for k in catalogue() if k.startswith(group + ".")]


@cache
def _metric_rows() -> dict[str, dict]:
    with open(METRICS_CSV, encoding="utf-8") as f:
        return {r["key"]: r for r in csv.DictReader(f)}


REPORTS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("source_file", pa.string()),
        ("file_sha256", pa.string()),
        ("file_format", pa.string()),
        ("template", pa.string()),
        ("template_variant", pa.string()),
        ("year", pa.int32()),
        ("agency", pa.string()),
        ("agency_id", pa.string()),
        ("agency_short", pa.string()),
        ("agency_kind", pa.string()),
        ("level", pa.string()),
        ("province", pa.string()),
        ("prefecture", pa.string()),
        ("county", pa.string()),
        ("township", pa.string()),
        ("parent", pa.string()),
        ("scope", pa.string()),
        ("publish_date", pa.date32()),
        ("publish_date_source", pa.string()),
        ("parse_status", pa.string()),
        ("error", pa.string()),
        ("parser_version", pa.string()),
        ("duplicate_of", pa.string()),
    ]
)

METRICS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("metric", pa.string()),
        ("applicant", pa.string()),
        ("basis", pa.string()),
        ("value", pa.float64()),
        ("raw", pa.string()),
        ("unit", pa.string()),
        ("source", pa.string()),
        ("locator", pa.string()),
    ]
)

CHECKS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("status", pa.string()),
        ("expected", pa.float64()),
        ("actual", pa.float64()),
        ("message", pa.string()),
    ]
)

TABLES = {"reports": REPORTS_SCHEMA, "metrics": METRICS_SCHEMA, "checks": CHECKS_SCHEMA}

# what `etl collect` found on the agencies' websites, per source and report year (etl/load/collection.py writes it)
COLLECTION = "collection"
COLLECTION_SCHEMA = pa.schema(
    [
        ("agency", pa.string()),
        ("source_url", pa.string()),
        ("level", pa.string()),
        ("place", pa.string()),
        ("agency_id", pa.string()),  # the warehouse's id of the agency, from the reports found on the source
        ("status", pa.string()),
        ("error", pa.string()),
        ("collected_at", pa.timestamp("s", tz="UTC")),
        ("year", pa.int32()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("list_date", pa.date32()),
        ("page_date", pa.date32()),
        ("source_file", pa.string()),
        ("report_id", pa.string()),
    ]
)


# what a build with a roster (机构名录, docs/roster.md) writes: one row per roster agency and year of its span
COVERAGE = "coverage"
COVERAGE_SCHEMA = pa.schema(
    [
        ("agency_id", pa.string()),  # the roster agency (reports matched to it carry the same agency_id)
        ("agency", pa.string()),  # its name in the roster
        ("level", pa.string()),
        ("kind", pa.string()),  # roster_kind: government | department | township | zone
        ("province", pa.string()),
        ("prefecture", pa.string()),
        ("county", pa.string()),
        ("parent", pa.string()),  # the government it belongs to (the roster's 所属政府)
        ("year", pa.int32()),  # the report year
        ("status", pa.string()),  # coverage_status: on_time late undated missing not_found abolished merged
        ("deadline", pa.date32()),  # 条例 第四十九条: the agency's deadline for that year's report
        ("publish_date", pa.date32()),
        ("days_late", pa.int32()),  # late: days after the deadline; on_time: 0; null otherwise
        ("report_id", pa.string()),  # the report counted (null: none)
        ("n_reports", pa.int32()),  # the agency's reports of that year (本级 and 汇总, duplicates not counted)
    ]
)
# which roster agency each report was matched to, and what its title said (a build with a roster writes it)
MATCHES = "roster_matches"
MATCHES_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("agency_id", pa.string()),  # the roster agency; null when not matched
        ("status", pa.string()),  # match_status: matched | reviewed | ambiguous | unmatched
        ("method", pa.string()),  # name | alias | title | website | reviewer
        ("candidates", pa.string()),  # the roster agencies it could be (ids separated by ；), for the 待匹配 queue
        ("title_agency_id", pa.string()),  # as read from the report's title, before the roster
        ("title_level", pa.string()),
        ("title_kind", pa.string()),
        ("title_province", pa.string()),
        ("title_prefecture", pa.string()),
        ("title_county", pa.string()),
        ("title_township", pa.string()),
        ("title_parent", pa.string()),
        ("differences", pa.string()),  # where title and roster disagree (Chinese), null when they agree
    ]
)


def report_id(sha256: str | None, source_file: str, copy: bool = False) -> str:
    """A report's id: the first 16 hex digits of its file's SHA-256. A second file holding the same bytes (`copy`)
    gets one of its own, from the content and its name; a file whose bytes could not be read, one from its name."""
    if sha256 is None:
        sha256 = hashlib.sha256(f"unread\0{source_file}".encode()).hexdigest()
    elif copy:
        sha256 = hashlib.sha256((sha256 + source_file).encode()).hexdigest()
    return sha256[:16]
