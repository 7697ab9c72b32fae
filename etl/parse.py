"""One report file -> its rows in the three warehouse tables. Never raises: failures become a 'failed' row."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from etl import parser_version
from etl.checks import run_checks
from etl.checks.across_years import Neighbours
from etl.checks.ocr_digits import unsure_by_rules
from etl.checks.prose import check_prose
from etl.checks.structure import check_structure
from etl.extract import extract
from etl.extract.metadata import read_metadata
from etl.extract.prose import extract_prose
from etl.model import Check, Document, Metric, ReadError
from etl.read import MAX_BYTES, file_format, read_document
from etl.recognise import recognise, template_for_year
from warehouse.contract import report_id
from warehouse.sources import real_path, shown_name

# one file's parse is stopped after this many seconds (where an alarm can be set: a process's main thread, as in
# the build's workers and the import's build process)
PARSE_SECONDS = int(os.environ.get("ETL_PARSE_SECONDS", "120"))


class ParseTimeout(BaseException):
    """The file's time is up (a BaseException: no reader's ``except Exception`` takes it for a broken file)."""


@contextmanager
def _time_limit(seconds: int):
    if seconds <= 0 or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(*_):
        raise ParseTimeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class ParsedReport:
    report: dict
    metrics: list[Metric] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    document: Document | None = None  # the document read, kept only when asked (the 预审 shows its tables)


def parse_file(
    source_file: str,
    data: bytes | None = None,
    neighbours: Neighbours | None = None,
    *,
    path: str | None = None,
    sha256: str | None = None,
    keep_document: bool = False,
) -> ParsedReport:
    """`neighbours`: the same agency's figures of the years before and after, for digit runs the table's own
    arithmetic cannot split (the build passes them in a second pass, etl/settle.py).
    `source_file` may be a name as the warehouse stores it (warehouse/sources.py); `path`: where to read it when
    that is elsewhere (a name relative to another folder than the working one); `sha256`: its content hash when
    the caller has it already (the build hashes each file once). A file too large or that cannot be read gives a
    'failed' row that says why (its id then comes from the name: there are no bytes to hash)."""
    path = Path(real_path(source_file) if path is None else path)
    source_file = shown_name(source_file)
    problem = None
    if data is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                problem = f"文件过大（超过 {MAX_BYTES // 2**20} MB），未解析"
            data = b"" if problem else path.read_bytes()
        except OSError as e:
            problem = unreadable_reason(e)
    sha = (sha256 or hashlib.sha256(data).hexdigest()) if problem is None else None
    report = {
        "report_id": report_id(sha, source_file),
        "source_file": source_file,
        "file_sha256": sha,
        "file_format": file_format(path),
        "template": "unknown",
        "template_variant": None,
        "year": None,
        "agency": None,
        "agency_id": None,
        "agency_short": None,
        "agency_kind": None,
        "level": None,
        "province": None,
        "prefecture": None,
        "county": None,
        "township": None,
        "parent": None,
        "scope": None,
        "publish_date": None,
        "publish_date_source": None,
        "parse_status": "failed",
        "error": None,
        "parser_version": parser_version(),
        "duplicate_of": None,
    }
    if problem is not None:
        report["error"] = problem
        return ParsedReport(report)
    try:
        with _time_limit(PARSE_SECONDS):
            parsed = _parse(report, path, data, neighbours)
            if not keep_document:
                parsed.document = None
            return parsed
    except ParseTimeout:
        report.update(
            template="unknown",
            template_variant=None,
            parse_status="failed",
            error=f"解析超时（超过 {PARSE_SECONDS} 秒），未解析",
        )
    except ReadError as e:
        report["error"] = str(e)
    except Exception as e:
        report["error"] = f"解析出错：{type(e).__name__}: {e}"
        report["_traceback"] = traceback.format_exc()
    return ParsedReport(report)


def unreadable_reason(e: OSError) -> str:
    """Why a file could not be read, for the user (in Chinese, with the system's words)."""
    what = {PermissionError: "没有读取权限", FileNotFoundError: "文件不存在", IsADirectoryError: "是文件夹而不是文件"}
    return f"无法读取文件：{what.get(type(e), '读取出错')}（{e.strerror or type(e).__name__}）"


def _parse(report: dict, path: Path, data: bytes, neighbours: Neighbours | None) -> ParsedReport:
    doc = read_document(path, data)
    meta = read_metadata(doc)
    for key in (
        "year",
        "agency",
        "agency_id",
        "agency_short",
        "agency_kind",
        "level",
        "province",
        "prefecture",
        "county",
        "township",
        "parent",
        "scope",
        "publish_date",
    ):
        report[key] = getattr(meta, key)
    report["publish_date_source"] = "report" if meta.publish_date else None
    spec = recognise(doc.text)
    problems = list(doc.warnings)
    metrics: list[Metric] = []
    checks: list[Check] = []
    template = spec.template if spec else template_for_year(meta.year)
    prose = extract_prose(doc, template)  # issue 5: figures stated in the prose
    if spec is None:
        report["template"], report["template_variant"] = template, "narrative"
        if meta.year is None and meta.agency is None:
            report["error"] = "未识别为政府信息公开工作年度报告（没有标题年份，也没有统计表）"
            return ParsedReport(report, document=doc)
        if "信息公开" not in doc.text[:20000]:  # a dated text of another kind (a 政府工作报告): no report at all
            report["template"] = "unknown"
            report["error"] = "未识别为政府信息公开工作年度报告（没有统计表，正文也没有提到政府信息公开）"
            return ParsedReport(report, document=doc)
    else:
        report["template"], report["template_variant"] = spec.template, spec.variant
        found = extract(doc, spec, neighbours, prose)
        if meta.agency is None and found.rows_found * 2 < found.rows_expected:
            report["template"], report["template_variant"] = "unknown", None
            report["error"] = "未识别为政府信息公开工作年度报告（没有报告标题，统计表也不完整）"
            return ParsedReport(report, document=doc)
        metrics, problems = found.metrics, problems + found.problems
        if any(m.locator.startswith("OCR ") for m in metrics):  # OCR'd figures a one-digit misreading explains
            problems += unsure_by_rules(spec.name, metrics)
        checks = run_checks(spec.name, metrics)
    checks += check_prose(prose, metrics)
    checks += check_structure(doc, report["template"], meta.year, meta.agency, metrics, spec.name if spec else None)
    # a prose figure that merely repeats its table cell is recorded by the passing check, not as a second
    # row for the same number; figures the table lacks or contradicts are kept (source = 'text')
    table = {(m.metric, m.applicant, m.basis): m.value for m in metrics}
    metrics = metrics + [p for p in prose if table.get((p.metric, p.applicant, p.basis)) != p.value]
    if doc.scanned:  # figures found in the OCR'd text (flattened rows, prose) say so too
        for m in metrics:
            if not m.locator.startswith("OCR "):
                m.locator = "OCR " + m.locator
    if meta.year is None:
        problems.append("未能识别报告年度")
    if meta.agency is None:
        problems.append("未能识别报告机关（标题、正文开头、落款和发布网站都没有写明是哪个机关的报告）")
    report["parse_status"] = "partial" if problems else "ok"
    report["error"] = "；".join(problems) or None
    return ParsedReport(report, metrics, checks, doc)
