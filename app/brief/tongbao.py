"""The 通报 in one call, for the command line (python -m scoring … --brief FILE) and the 通报 page: the audit
database's marks (agencies abolished or merged) and 整改 items are read when it exists, the facts gathered, the
document written."""

from __future__ import annotations

from pathlib import Path

from app.brief import document, facts
from app.brief.document import BriefError
from app.queries import Region
from scoring.rubric import Rubric

__all__ = ["BriefError", "audit_engine", "audit_inputs", "build", "write_files"]


def audit_engine(wh: Path | str):
    """The warehouse's audit database, when it exists (reading never creates it)."""
    from audit import db

    url = db.database_url(wh)
    return db.engine(url) if db.exists(url) else None


def audit_inputs(wh: Path | str) -> tuple[str, dict[str, list[dict]]]:
    """(the fates as coverage() takes them, each agency's 整改 items) from the warehouse's audit database."""
    from audit import fates

    eng = audit_engine(wh)
    if eng is None:
        return "[]", {}
    return fates.fates_json(fates.all_fates(eng)), tracking_of(eng)


def tracking_of(eng) -> dict[str, list[dict]]:
    from audit import rectify

    out: dict[str, list[dict]] = {}
    for item in rectify.items(eng):
        out.setdefault(item["agency_id"], []).append(item)
    return out


def build(
    wh: Path | str,
    year: int,
    region: Region = Region(),
    rubric: Rubric | None = None,
    template: Path | str | None = None,
) -> tuple[facts.Brief, bytes]:
    """The gathered facts and the .docx. The 整改 items of the year and region are re-checked against the build
    first, so that 整改情况 says whether the problem is still found."""
    from app import rectify
    from warehouse.tables import version

    wh = Path(wh) if "://" not in str(wh) else wh  # the page passes the folder as text (a cache key)
    fates_json, _ = audit_inputs(wh)
    brief = facts.gather(wh, year, region, rubric, fates_json)
    eng = audit_engine(wh)
    if eng is not None:
        rectify.recheck_against(eng, version(wh), [brief])
        brief.tracking = tracking_of(eng)
    return brief, document.docx_bytes(brief, template)


def write_files(
    wh: Path | str,
    year: int,
    targets: list[str],
    province: str | None = None,
    prefecture: str | None = None,
    rubric: Rubric | None = None,
    template: Path | str | None = None,
) -> list[Path]:
    """Write the 通报 to each target (.docx or .pdf); the facts are gathered once."""
    wh = Path(wh) if "://" not in str(wh) else wh
    if isinstance(wh, Path) and not wh.exists():
        raise FileNotFoundError(f"找不到数据仓库：{wh}")
    for t in targets:
        if Path(t).suffix.lower() not in (".docx", ".pdf"):
            raise BriefError(f"通报只能写成 .docx 或 .pdf：{t}")
    _, docx = build(wh, year, Region(province or None, prefecture or None), rubric, template)
    written = []
    for t in targets:
        path = Path(t)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document.pdf_bytes(docx) if path.suffix.lower() == ".pdf" else docx)
        written.append(path)
    return written
