"""The warehouse contract in code (docs/contract.md): metric catalogue, table names and column schemas, and how a
report's id is made."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache

import pyarrow as pa

from warehouse.paths import METRICS_CSV

APPLICANTS = ["natural_person", "business", "research", "social_org", "legal_service", "other_org", "total"]
APPLICANT_ZH = dict(zip(APPLICANTS, ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]))


@dataclass(frozen=True)
class MetricDef:
    key: str
    templates: tuple[str, ...]
    section: str
    label_zh: str
    unit: str
    note: str


@cache
def catalogue() -> dict[str, MetricDef]:
    with open(METRICS_CSV, encoding="utf-8") as f:
        return {
            r["key"]: MetricDef(
                r["key"], tuple(r["templates"].split("|")), r["section"], r["label_zh"], r["unit"], r["note"]
            )
            for r in csv.DictReader(f)
        }


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


def report_id(sha256: str | None, source_file: str, copy: bool = False) -> str:
    """A report's id: the first 16 hex digits of its file's SHA-256. A second file holding the same bytes (`copy`)
    gets one of its own, from the content and its name; a file whose bytes could not be read, one from its name."""
    if sha256 is None:
        sha256 = hashlib.sha256(f"unread\0{source_file}".encode()).hexdigest()
    elif copy:
        sha256 = hashlib.sha256((sha256 + source_file).encode()).hexdigest()
    return sha256[:16]
