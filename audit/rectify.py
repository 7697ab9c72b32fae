"""整改 (follow-up): a problem a 通报 names — a failed check, a deduction, 缺报, 迟报, copied text — issued to its unit
as an item with a deadline and a requirement, then followed: 待整改 (open) → 已反馈 (answered: the unit's feedback
and evidence recorded) → 已复核 (closed), or 退回 (returned, with the reason) and answered again. Each new build is
re-checked against the open items (`recheck`): an item whose problem the build no longer finds — the report
republished and its rule now passing, the missing report now there — is marked 可复核; one still found, 问题仍在.

Every step is written, like every audit action, in one transaction with one row of the append-only audit log; the
roles and regions are those of corrections (a 审核 user of the unit's region); bad input raises AuditError (a
Chinese message) and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from audit.db import first_row
from audit.roles import User
from audit.schema import metadata
from audit.store import AuditError, PermissionDenied, _log, now

OPEN, ANSWERED, RETURNED, CLOSED = "open", "answered", "returned", "closed"
STATES = (OPEN, ANSWERED, RETURNED, CLOSED)  # their Chinese: warehouse/vocabulary.csv rectify_state
FIXED, PERSISTS = "fixed", "persists"  # recheck: what the latest build found
RECHECKER = "系统复核"  # the audit log's user of a re-check

rectifications = sa.Table(
    "rectifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=False),
    sa.Column("agency", sa.Text, nullable=False),
    sa.Column("province", sa.String(64)),
    sa.Column("prefecture", sa.String(64)),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("problem_key", sa.String(96), nullable=False),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("report_id", sa.String(32)),
    sa.Column("requirement", sa.Text, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("feedback", sa.Text),
    sa.Column("evidence", sa.Text),
    sa.Column("review_note", sa.Text),
    sa.Column("recheck", sa.String(16)),
    sa.Column("recheck_build", sa.String(64)),
    sa.Column("issued_by", sa.String(64), nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("agency_id", "year", "kind", "problem_key", name="uq_rectifications_problem"),
)


@dataclass(frozen=True)
class Problem:
    """A problem as a 通报 names it (app/brief/facts.py Problem, with the unit's place)."""

    agency_id: str
    agency: str
    province: str | None
    prefecture: str | None
    year: int
    kind: str
    key: str
    detail: str
    report_id: str | None = None

    @property
    def ident(self) -> tuple[str, int, str, str]:
        return (self.agency_id, self.year, self.kind, self.key)


def _may(user: User | None, province: str | None, prefecture: str | None, agency: str) -> None:
    if user is None or not user.may_review:
        raise PermissionDenied("需要“审核”或“管理”权限才能处理整改项；请先用审核账号登录。")
    if not user.covers(province, prefecture):
        raise PermissionDenied(
            f"“{agency}”（{province or '未知省份'} {prefecture or ''}）不在您负责的地区（{user.scope_zh}）内。"
        )


def _text(value, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AuditError(f"请填写{what}。")
    return value


def _target(row) -> str:
    return f"{row['agency']} {row['year']}年：{row['problem'][:120]}"


def item(conn_or_engine, item_id: int) -> dict | None:
    q = sa.select(rectifications).where(rectifications.c.id == item_id)
    return first_row(conn_or_engine, q)


def items(
    engine: sa.Engine | None, agency_id: str | None = None, state: str | None = None, user: User | None = None
) -> list[dict]:
    """The items, by unit then year; `user`: only those of the user's region. Each row has `overdue`."""
    if engine is None:
        return []
    q = sa.select(rectifications).order_by(rectifications.c.agency, rectifications.c.year, rectifications.c.id)
    if agency_id:
        q = q.where(rectifications.c.agency_id == agency_id)
    if state:
        q = q.where(rectifications.c.state == state)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    if user is not None:
        rows = [r for r in rows if user.covers(r["province"], r["prefecture"])]
    today = date.today()
    for r in rows:
        r["overdue"] = r["state"] != CLOSED and r["due"] < today
    return rows


def issue(engine: sa.Engine, user: User | None, problem: Problem, requirement: str, due) -> dict:
    """Issue `problem` to its unit as a 整改项 due on `due` (a date, or YYYY-MM-DD). One item per problem: issuing it
    again is refused while it is open."""
    _may(user, problem.province, problem.prefecture, problem.agency)
    requirement = _text(requirement, "整改要求")
    try:
        due = due if isinstance(due, date) else date.fromisoformat(str(due).strip())
    except ValueError:
        raise AuditError(f"“{due}”不是日期：请按 2025-06-30 的格式填写整改期限。") from None
    if due < date.today():
        raise AuditError(f"整改期限（{due:%Y-%m-%d}）已经过去：请填写今天或以后的日期。")
    stamp = now()
    with engine.begin() as conn:
        hit = conn.execute(
            sa.select(rectifications.c.id).where(
                rectifications.c.agency_id == problem.agency_id,
                rectifications.c.year == problem.year,
                rectifications.c.kind == problem.kind,
                rectifications.c.problem_key == problem.key,
            )
        ).first()
        if hit is not None:
            raise AuditError(
                f"“{problem.agency}”{problem.year}年的这一问题已下发整改项（第 {hit[0]} 号），不能重复下发。"
            )
        new_id = conn.execute(
            rectifications.insert().values(
                agency_id=problem.agency_id,
                agency=problem.agency,
                province=problem.province,
                prefecture=problem.prefecture,
                year=problem.year,
                kind=problem.kind,
                problem_key=problem.key,
                problem=problem.detail,
                report_id=problem.report_id,
                requirement=requirement,
                due=due,
                state=OPEN,
                issued_by=user.username,
                issued_at=stamp,
                updated_by=user.username,
                updated_at=stamp,
                version=1,
            )
        ).inserted_primary_key[0]
        row = item(conn, new_id)
        _log(
            conn,
            user.username,
            "rectify.issue",
            None,
            _target(row),
            None,
            OPEN,
            f"{requirement}（期限 {due:%Y-%m-%d}）",
        )
        return row


def _step(engine, user, item_id: int, seen_version: int, allowed: tuple[str, ...], what: str, **values) -> dict:
    with engine.begin() as conn:
        row = item(conn, item_id)
        if row is None:
            raise AuditError(f"整改项第 {item_id} 号不存在。")
        _may(user, row["province"], row["prefecture"], row["agency"])
        if row["version"] != seen_version:
            raise AuditError(
                f"整改项第 {item_id} 号已被 {row['updated_by']} 改动，页面上的内容已过时：请刷新页面后再{what}。"
            )
        if row["state"] not in allowed:
            raise AuditError(f"整改项第 {item_id} 号的状态是“{_state_zh(row['state'])}”，不能{what}。")
        hit = conn.execute(
            rectifications.update()
            .where(rectifications.c.id == item_id, rectifications.c.version == seen_version)
            .values(updated_by=user.username, updated_at=now(), version=seen_version + 1, **values)
        )
        if hit.rowcount != 1:
            raise AuditError(f"整改项第 {item_id} 号已被他人改动：请刷新页面后再{what}。")
        new = item(conn, item_id)
        note = values.get("feedback") or values.get("review_note")
        _log(conn, user.username, f"rectify.{new['state']}", None, _target(new), row["state"], new["state"], note)
        return new


def answer(engine: sa.Engine, user: User | None, item_id: int, feedback: str, evidence: str, seen_version: int) -> dict:
    """Record the unit's feedback (what it did) and its evidence (the republished report's address, a document)."""
    feedback = _text(feedback, "单位的整改反馈")
    return _step(
        engine, user, item_id, seen_version, (OPEN, RETURNED), "登记反馈",
        state=ANSWERED, feedback=feedback, evidence=(evidence or "").strip() or None,
    )  # fmt: skip


def review(engine: sa.Engine, user: User | None, item_id: int, accept: bool, note: str, seen_version: int) -> dict:
    """Close an answered item (已复核), or return it (退回) with the reason, for the unit to answer again."""
    if accept:
        return _step(
            engine, user, item_id, seen_version, (ANSWERED,), "复核",
            state=CLOSED, review_note=(note or "").strip() or None,
        )  # fmt: skip
    note = _text(note, "退回的理由")
    return _step(engine, user, item_id, seen_version, (ANSWERED,), "退回", state=RETURNED, review_note=note)


def recheck(engine: sa.Engine, build: str, found: set[tuple], judged: set[tuple[str, int]]) -> int:
    """Re-check every item not closed against a build (`build`: its version): `found` — the problems the build
    finds ((agency_id, year, kind, key) of app/brief's problems), `judged` — the (agency_id, year) the build can
    judge (it holds a report of them, or knows they are missing). An item of a judged unit-year whose problem is no
    longer found becomes 可复核, one still found 问题仍在; each change is a row of the audit log. Returns the number
    of items changed."""
    changed = 0
    with engine.begin() as conn:
        rows = conn.execute(sa.select(rectifications).where(rectifications.c.state != CLOSED)).mappings().all()
        for row in rows:
            if (row["agency_id"], row["year"]) not in judged:
                continue
            verdict = PERSISTS if (row["agency_id"], row["year"], row["kind"], row["problem_key"]) in found else FIXED
            where = rectifications.update().where(rectifications.c.id == row["id"])
            if verdict == row["recheck"]:  # the same finding: only the build it was found in
                conn.execute(where.values(recheck_build=build))
                continue
            conn.execute(
                where.values(recheck=verdict, recheck_build=build, version=row["version"] + 1, updated_at=now())
            )
            _log(conn, RECHECKER, "rectify.recheck", None, _target(row), row["recheck"], verdict, f"数据版本 {build}")
            changed += 1
    return changed


def _state_zh(state: str) -> str:
    from warehouse.labels import RECTIFY_ZH

    return RECTIFY_ZH.get(state, state)
