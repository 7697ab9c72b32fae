"""The warehouse contract in code: metric catalogue, table names and column schemas."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

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
    figure: str = ""  # the column of the dashboard's wide figure table (view fig, mart rep) holding this year's value
    figure_group: str = ""  # the list page counting it: fig.n_<figure_group>_rows is a report's rows of the group


@cache
def catalogue() -> dict[str, MetricDef]:
    with open(Path(__file__).with_name("metrics.csv"), encoding="utf-8") as f:
        return {
            r["key"]: MetricDef(
                r["key"],
                tuple(r["templates"].split("|")),
                r["section"],
                r["label_zh"],
                r["unit"],
                r["note"],
                r["figure"],
                r["figure_group"],
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
