"""Agencies marked abolished (撤销) or merged into another (合并) in a year: from that year on they are not
expected to report, so 缺报 does not count them missing (a merged agency's later years are its successor's).

Written, like every audit action, in one transaction with one row of the append-only audit log; bad input
raises AuditError (a Chinese message) and writes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from audit.db import first_row
from audit.roles import User
from audit.schema import metadata
from audit.store import AuditError, PermissionDenied, _log, _stale, now

FATE_ZH = {"abolished": "撤销", "merged": "合并"}
FIRST_YEAR, LAST_YEAR = 2008, 2100  # the reports began in 2008

agency_fates = sa.Table(
    "agency_fates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=False, unique=True),
    sa.Column("agency", sa.Text, nullable=False),
    sa.Column("province", sa.String(64)),
    sa.Column("prefecture", sa.String(64)),
    sa.Column("fate", sa.String(16), nullable=False),  # abolished | merged
    sa.Column("year", sa.Integer, nullable=False),  # abolished or merged in this year: no report expected from it on
    sa.Column("successor_id", sa.String(64)),  # merged: the agency it became part of
    sa.Column("successor", sa.Text),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # +1 on every change: a stale edit is refused
)


@dataclass(frozen=True)
class Agency:
    """An agency as the warehouse holds it (its first report year bounds the year of its fate)."""

    agency_id: str
    name: str
    province: str | None = None
    prefecture: str | None = None
    first_year: int | None = None


def fate_zh(row: dict | None) -> str | None:
    """'2018年撤销' / '2021年并入拱墅区': a fate as the pages and the audit log print it."""
    if not row:
        return None
    if row["fate"] == "merged":
        return f"{row['year']}年并入{row['successor']}"
    return f"{row['year']}年撤销"


def _may_mark(user: User | None, agency: Agency) -> None:
    if user is None or not user.may_review:
        raise PermissionDenied("需要“审核”或“管理”权限才能标记机构撤销或合并；请先用审核账号登录。")
    if not user.covers(agency.province, agency.prefecture):
        raise PermissionDenied(
            f"“{agency.name}”（{agency.province or '未知省份'} {agency.prefecture or ''}）不在您负责的地区"
            f"（{user.scope_zh}）内，不能标记。"
        )


def fate_of(conn_or_engine, agency_id: str) -> dict | None:
    q = sa.select(agency_fates).where(agency_fates.c.agency_id == agency_id)
    return first_row(conn_or_engine, q)


def mark_fate(
    engine: sa.Engine,
    user: User | None,
    agency: Agency,
    fate: str,
    year,
    note: str,
    seen_version: int,
    successor: Agency | None = None,
) -> dict:
    """Mark an agency abolished or merged (into `successor`) in `year`. `seen_version`: the mark's version when the
    page showed it (0: none yet); a mark changed since is refused as stale. Returns the mark."""
    _may_mark(user, agency)
    if fate not in FATE_ZH:
        raise AuditError("只能标记为“撤销”或“合并”。")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise AuditError(f"“{year}”不是年份：请填写撤销或合并的年份（如 2018）。") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise AuditError(f"年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之间。")
    if agency.first_year is not None and year < agency.first_year:
        raise AuditError(
            f"“{agency.name}”的第一份报告是 {agency.first_year} 年的，撤销或合并的年份（{year}）不能更早。"
        )
    if fate == "merged":
        if successor is None:
            raise AuditError("合并时请选择并入的机构。")
        if successor.agency_id == agency.agency_id:
            raise AuditError("不能并入机构自身：请选择另一家机构。")
    else:
        successor = None
    note = (note or "").strip()
    if not note:
        raise AuditError("请填写说明（例如依据的机构改革文件）。")
    with engine.begin() as conn:
        current = fate_of(conn, agency.agency_id)
        if (current["version"] if current else 0) != seen_version:
            raise AuditError(_stale(current, f"“{agency.name}”的撤并标记"))
        values = dict(
            agency=agency.name,
            province=agency.province,
            prefecture=agency.prefecture,
            fate=fate,
            year=year,
            successor_id=successor.agency_id if successor else None,
            successor=successor.name if successor else None,
            note=note,
            username=user.username,
            created_at=now(),
            version=seen_version + 1,
        )
        if current is None:
            conn.execute(agency_fates.insert().values(agency_id=agency.agency_id, **values))
        else:
            hit = conn.execute(
                agency_fates.update()
                .where(agency_fates.c.id == current["id"], agency_fates.c.version == seen_version)
                .values(**values)
            )
            if hit.rowcount != 1:
                raise AuditError(_stale(current, f"“{agency.name}”的撤并标记"))
        row = fate_of(conn, agency.agency_id)
        _log(conn, user.username, "agency.fate", None, _target(agency), fate_zh(current), fate_zh(row), note)
        return row


def clear_fate(engine: sa.Engine, user: User | None, agency: Agency, note: str, seen_version: int) -> None:
    """Take an agency's mark back (marked by mistake): it is expected to report again through its last report."""
    _may_mark(user, agency)
    note = (note or "").strip()
    if not note:
        raise AuditError("请填写取消标记的理由。")
    with engine.begin() as conn:
        current = fate_of(conn, agency.agency_id)
        if current is None or current["version"] != seen_version:
            raise AuditError(_stale(current, f"“{agency.name}”的撤并标记"))
        conn.execute(agency_fates.delete().where(agency_fates.c.id == current["id"]))
        _log(conn, user.username, "agency.unfate", None, _target(agency), fate_zh(current), None, note)


def _target(agency: Agency) -> str:
    return f"{agency.name}（{agency.agency_id}）"


def all_fates(engine: sa.Engine | None) -> list[dict]:
    if engine is None:
        return []
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(agency_fates).order_by(agency_fates.c.agency)).mappings()]


def fates_json(rows: list[dict]) -> str:
    """The marks as the coverage queries take them ($fates): agency_id, fate, year, successor."""
    keys = ("agency_id", "fate", "year", "successor")
    return json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, sort_keys=True)
