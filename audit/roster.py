"""The roster (机构名录): the agencies expected to report, kept in the audit database, and the reviewers' decisions
of which roster agency a report is (the 待匹配 queue).

The roster is versioned: every import or edit raises the roster's version (the `roster_version` setting) and each
agency row remembers the version that last changed it and its own edit count (a stale edit is refused). Every change
is one transaction with one row of the append-only audit log. Reading and checking a roster file (names resolved
through the gazetteer) is etl/roster/read.py's job; this module stores what it read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import sqlalchemy as sa

from audit.db import first_row
from audit.roles import User
from audit.schema import metadata, settings
from audit.store import AuditError, PermissionDenied, Report, _log, _may_review, _stale, now

KINDS = ("government", "department", "township", "zone")
DEADLINES = ("government", "department")  # 条例 第四十九条: 人民政府 by 3月31日, 政府部门 by 1月31日
ALIAS_SEP = "；"

roster_agencies = sa.Table(
    "roster_agencies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agency_id", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.String(255), nullable=False, unique=True),
    sa.Column("aliases", sa.Text, nullable=False, server_default=""),  # separated by ；
    sa.Column("level", sa.String(16)),  # national | province | prefecture | county | township
    sa.Column("kind", sa.String(16)),  # government | department | township | zone
    sa.Column("region_code", sa.String(12)),
    sa.Column("province", sa.String(64)),
    sa.Column("prefecture", sa.String(64)),
    sa.Column("county", sa.String(64)),
    sa.Column("township", sa.String(64)),
    sa.Column("parent", sa.String(255)),
    sa.Column("url", sa.Text),
    sa.Column("deadline", sa.String(16), nullable=False),  # government | department
    sa.Column("from_year", sa.Integer),  # set up in (expected to report from this year)
    sa.Column("to_year", sa.Integer),  # abolished or merged in: no report expected from this year on
    sa.Column("merged_into", sa.String(255)),  # the roster agency it became part of
    sa.Column("version", sa.Integer, nullable=False),  # the agency row's edits: a stale edit is refused
    sa.Column("roster_version", sa.Integer, nullable=False),  # the roster version that last changed it
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

roster_matches = sa.Table(
    "roster_matches",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_sha256", sa.String(64), nullable=False, unique=True),  # keyed like the corrections
    sa.Column("report_id", sa.String(32), nullable=False),
    sa.Column("source_file", sa.Text),
    sa.Column("title_agency", sa.Text),  # what the report's title said
    sa.Column("year", sa.Integer),
    sa.Column("agency_id", sa.String(255), nullable=False),  # the roster agency chosen
    sa.Column("agency", sa.String(255), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class RosterAgency:
    """One agency of the roster, as stored and as etl/roster reads it from a file (`line`: its line there)."""

    agency_id: str
    name: str
    aliases: tuple[str, ...] = ()
    level: str | None = None
    kind: str | None = None
    region_code: str | None = None
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    parent: str | None = None
    url: str | None = None
    deadline: str = "government"
    from_year: int | None = None
    to_year: int | None = None
    merged_into: str | None = None
    line: int | None = None

    def row(self) -> dict:
        d = asdict(self)
        d.pop("line")
        d["aliases"] = ALIAS_SEP.join(self.aliases)
        return d


_COLUMNS = [f.name for f in fields(RosterAgency) if f.name != "line"]


def _agency(row) -> RosterAgency:
    d = {k: row[k] for k in _COLUMNS}
    d["aliases"] = tuple(a for a in (row["aliases"] or "").split(ALIAS_SEP) if a)
    return RosterAgency(**d)


def _may_edit(user: User | None) -> None:
    if user is None or not user.may_administer:
        raise PermissionDenied("需要“管理”权限才能修改机构名录。")


def roster_version(conn_or_engine) -> int:
    q = sa.select(settings.c.value).where(settings.c.key == "roster_version")
    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.connect() as conn:
            v = conn.execute(q).scalar()
    else:
        v = conn_or_engine.execute(q).scalar()
    return int(v) if v else 0


def _bump(conn) -> int:
    v = roster_version(conn) + 1
    if v == 1:
        conn.execute(settings.insert().values(key="roster_version", value="1"))
    else:
        conn.execute(settings.update().where(settings.c.key == "roster_version").values(value=str(v)))
    return v


def agencies(engine: sa.Engine | None) -> list[RosterAgency]:
    """The roster in force (empty: no roster), by name."""
    if engine is None:
        return []
    with engine.connect() as conn:
        return [
            _agency(r) for r in conn.execute(sa.select(roster_agencies).order_by(roster_agencies.c.name)).mappings()
        ]


def agency_rows(engine: sa.Engine) -> list[dict]:
    """The roster with each row's edit count (for the roster page's stale-edit check)."""
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(roster_agencies).order_by(roster_agencies.c.name)).mappings()]


def import_roster(engine: sa.Engine, user: User | None, rows: list[RosterAgency], source: str, note: str = "") -> dict:
    """Replace the roster by `rows` (already read and checked, etl/roster/read.py): agencies of the same name keep
    their row, new ones are added, those not in `rows` are removed. One transaction, one audit log row. Returns the
    counts (added, changed, removed, total) and the new roster version."""
    _may_edit(user)
    if not rows:
        raise AuditError("名录中没有机构，未导入。")
    at, who = now(), user.username
    with engine.begin() as conn:
        old = {r["name"]: dict(r) for r in conn.execute(sa.select(roster_agencies)).mappings()}
        version = _bump(conn)
        new = {a.name: a.row() for a in rows}
        changed = [n for n in new.keys() & old.keys() if any(new[n][k] != old[n][k] for k in _COLUMNS)]
        added = [n for n in new.keys() - old.keys()]
        removed = [n for n in old.keys() - new.keys()]
        conn.execute(roster_agencies.delete())
        conn.execute(
            roster_agencies.insert(),
            [
                r
                | dict(
                    version=(old[n]["version"] + (n in changed)) if n in old else 1,
                    roster_version=version if (n not in old or n in changed) else old[n]["roster_version"],
                    username=who if (n not in old or n in changed) else old[n]["username"],
                    updated_at=at if (n not in old or n in changed) else old[n]["updated_at"],
                )
                for n, r in new.items()
            ],
        )
        counts = dict(added=len(added), changed=len(changed), removed=len(removed), total=len(new), version=version)
        _log(
            conn,
            who,
            "roster.import",
            None,
            source,
            f"第 {version - 1} 版（{len(old)} 家）" if old else None,
            f"第 {version} 版（{len(new)} 家）：新增 {len(added)}、修改 {len(changed)}、删除 {len(removed)}",
            note or None,
        )
    return counts


def save_agency(engine: sa.Engine, user: User | None, agency: RosterAgency, seen_version: int, note: str) -> None:
    """Add an agency (`seen_version` 0) or change one (the version the page showed; changed since: refused)."""
    _may_edit(user)
    note = (note or "").strip()
    if not note:
        raise AuditError("请填写修改说明。")
    with engine.begin() as conn:
        current = (
            conn.execute(sa.select(roster_agencies).where(roster_agencies.c.agency_id == agency.agency_id))
            .mappings()
            .first()
        )
        if (current["version"] if current else 0) != seen_version:
            raise AuditError(_stale(_as_edit(current), f"“{agency.name}”"))
        clash = conn.execute(
            sa.select(roster_agencies.c.agency_id).where(
                roster_agencies.c.name == agency.name, roster_agencies.c.agency_id != agency.agency_id
            )
        ).first()
        if clash:
            raise AuditError(f"名录中已有名为“{agency.name}”的机构。")
        version = _bump(conn)
        values = agency.row() | dict(
            version=seen_version + 1, roster_version=version, username=user.username, updated_at=now()
        )
        if current is None:
            conn.execute(roster_agencies.insert().values(**values))
        else:
            conn.execute(roster_agencies.update().where(roster_agencies.c.id == current["id"]).values(**values))
        _log(
            conn,
            user.username,
            "roster.edit",
            None,
            f"{agency.name}（{agency.agency_id}）",
            _shown(current) if current else None,
            _shown(values),
            note,
        )


def remove_agency(engine: sa.Engine, user: User | None, agency_id: str, seen_version: int, note: str) -> None:
    _may_edit(user)
    note = (note or "").strip()
    if not note:
        raise AuditError("请填写删除理由。")
    with engine.begin() as conn:
        current = (
            conn.execute(sa.select(roster_agencies).where(roster_agencies.c.agency_id == agency_id)).mappings().first()
        )
        if current is None or current["version"] != seen_version:
            raise AuditError(_stale(_as_edit(current), "这家机构"))
        conn.execute(roster_agencies.delete().where(roster_agencies.c.id == current["id"]))
        _bump(conn)
        _log(
            conn, user.username, "roster.remove", None, f"{current['name']}（{agency_id}）", _shown(current), None, note
        )


def _as_edit(current) -> dict | None:
    return dict(current) | {"created_at": current["updated_at"]} if current else None


def _shown(r) -> str:
    years = f"{r['from_year'] or ''}–{r['to_year'] or ''}" if (r["from_year"] or r["to_year"]) else ""
    parts = [r["name"], r["level"], r["kind"], r["region_code"], years, r["aliases"] and f"别名 {r['aliases']}"]
    return " · ".join(str(p) for p in parts if p)


# --- the 待匹配 queue: a reviewer says which roster agency a report is -------------------------------------


def match_of(conn_or_engine, file_sha256: str) -> dict | None:
    q = sa.select(roster_matches).where(roster_matches.c.file_sha256 == file_sha256)
    return first_row(conn_or_engine, q)


def decide_match(
    engine: sa.Engine,
    user: User | None,
    report: Report,
    agency: RosterAgency,
    note: str,
    seen_version: int,
) -> dict:
    """Say which roster agency a report is: kept by the report file's content hash, so every later build applies
    it. `seen_version`: the decision's version when the page showed it (0: none yet). A report whose title names no
    place is the region's of the agency chosen (a reviewer matches reports only to agencies of their region)."""
    placed = report if report.province else replace(report, province=agency.province, prefecture=agency.prefecture)
    _may_review(user, placed)
    if not user.covers(agency.province, agency.prefecture):
        raise PermissionDenied(f"“{agency.name}”不在您负责的地区（{user.scope_zh}）内，不能匹配到这家机构。")
    if not report.file_sha256:
        raise AuditError("这份报告的文件未能读取，不能匹配。")
    note = (note or "").strip() or "审核确认"
    with engine.begin() as conn:
        current = match_of(conn, report.file_sha256)
        if (current["version"] if current else 0) != seen_version:
            raise AuditError(_stale(current, "这份报告的机构匹配"))
        values = dict(
            report_id=report.report_id,
            source_file=report.source_file,
            title_agency=report.agency,
            year=report.year,
            agency_id=agency.agency_id,
            agency=agency.name,
            note=note,
            username=user.username,
            created_at=now(),
            version=seen_version + 1,
        )
        if current is None:
            conn.execute(roster_matches.insert().values(file_sha256=report.file_sha256, **values))
        else:
            conn.execute(roster_matches.update().where(roster_matches.c.id == current["id"]).values(**values))
        _log(
            conn,
            user.username,
            "roster.match",
            report,
            report.agency or report.source_file,
            current["agency"] if current else None,
            agency.name,
            note,
        )
        return match_of(conn, report.file_sha256)


def match_decisions(engine: sa.Engine | None) -> dict[str, str]:
    """file_sha256 -> the roster agency_id a reviewer chose."""
    if engine is None:
        return {}
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(roster_matches.c.file_sha256, roster_matches.c.agency_id)).all())


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise AuditError(f"机关类型只能是：{'、'.join(KINDS)}。")
