"""What supervisors write, checked and recorded: every action is one transaction that changes its table and
appends one row to the audit log, or raises AuditError (a Chinese message for the user) and writes nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from audit.roles import ADMIN, ROLE_ZH, ROLES, User
from audit.schema import (
    NO_APPLICANT,
    audit_log,
    corrections,
    dispositions,
    report_reviews,
    rubrics,
    users,
)
from warehouse.cells import parse_cell, to_unit
from warehouse.contract import APPLICANTS, catalogue
from warehouse.regions import RegionError
from warehouse.regions import resolve as resolve_region

VERDICT_ZH = {
    "verified": "已核实",
    "as_printed": "报告原文如此",
    "corrected": "已更正",
    "rule_error": "规则误报（不扣分）",
}
RULE_ERROR = "rule_error"  # the rule is wrong for this report: the scorecard does not deduct for it
TEMPLATE_ZH = {"old": "2018年及以前格式", "2019": "2019年格式", "2021": "2021年格式"}
MIN_PASSWORD = 8
# passwords too common to keep anyone out, whatever their length
COMMON_PASSWORDS = frozenset(
    [
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "11111111",
        "88888888",
        "00000000",
        "password",
        "password1",
        "password123",
        "passw0rd",
        "qwerty123",
        "qwertyui",
        "1qaz2wsx",
        "abc12345",
        "abcd1234",
        "a1234567",
        "a123456789",
        "aa123456",
        "admin123",
        "admin1234",
        "iloveyou",
        "woaini1314",
        "qq123456",
        "zxcvbnm123",
        "asdf1234",
    ]
)


def password_problem(password: str | None, username: str = "") -> str | None:
    """Why a new password is too weak (in Chinese), or None: at least MIN_PASSWORD characters, letters and digits
    (or other characters) mixed, not the user name, not one of the commonest passwords."""
    p = password or ""
    if len(p) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符。"
    kinds = sum(any(f(c) for c in p) for f in (str.isalpha, str.isdigit, lambda c: not c.isalnum()))
    if kinds < 2:
        return "密码不能只由数字或只由字母组成：请混合使用字母、数字或符号。"
    if p.lower() == (username or "").lower() or p.lower() in COMMON_PASSWORDS or len(set(p)) <= 2:
        return "这个密码太常见或与用户名相同，很容易被猜中：请换一个。"
    return None


class AuditError(ValueError):
    """Bad input or a stale edit: the message says what to do; nothing was written."""


class PermissionDenied(AuditError):
    """The user's role or region does not allow the action."""


@dataclass(frozen=True)
class Report:
    """The report an action is about, as the warehouse holds it."""

    report_id: str
    file_sha256: str
    template: str | None = None
    source_file: str | None = None
    agency: str | None = None
    year: int | None = None
    province: str | None = None
    prefecture: str | None = None


def now() -> datetime:
    return datetime.now(UTC)


def cell_name(metric: str, applicant: str | None, basis: str) -> str:
    """metric[/applicant][/cumulative]: the target of an audit row."""
    return "/".join([metric] + ([applicant] if applicant else []) + (["cumulative"] if basis == "cumulative" else []))


def fmt_value(v: float | None) -> str | None:
    return None if v is None else (str(int(v)) if v == int(v) else f"{v:g}")


def _log(
    conn,
    user: str,
    action: str,
    report: Report | None,
    target: str | None,
    old: str | None,
    new: str | None,
    note: str | None = None,
) -> None:
    conn.execute(
        audit_log.insert().values(
            at=now(),
            username=user,
            action=action,
            report_id=report.report_id if report else None,
            file_sha256=report.file_sha256 if report else None,
            target=target,
            old_value=old,
            new_value=new,
            note=note,
        )
    )


def _may_review(user: User | None, report: Report) -> None:
    if user is None or not user.may_review:
        raise PermissionDenied("需要“审核”或“管理”权限才能修改；请先用审核账号登录。")
    if not user.covers(report.province, report.prefecture):
        raise PermissionDenied(
            f"这份报告（{report.province or '未知省份'} {report.prefecture or ''}）不在您负责的地区"
            f"（{user.scope_zh}）内，不能修改。"
        )


# --- imports ----------------------------------------------------------------------------------------------------

IMPORT_ZH = {
    "added": "新增",
    "replaced": "替换",
    "duplicate": "重复",
    "pending": "待确认替换",
    "rejected": "拒绝",
    "failed": "失败",
}


def may_import(user: User | None, report: Report) -> None:
    """An import may add or replace a report only within the user's region (a report whose region could not be
    read only for a user without one). Raises PermissionDenied with the reason."""
    if user is None or not user.may_review:
        raise PermissionDenied("需要“审核”或“管理”权限才能导入报告；请先用审核账号登录。")
    if (user.province or user.prefecture) and not report.province:
        raise PermissionDenied(
            f"未能识别这份报告所属的地区，您的账号限定于{user.scope_zh}，不能导入；请由全部地区的审核员导入。"
        )
    if not user.covers(report.province, report.prefecture):
        place = " ".join(p for p in (report.province, report.prefecture) if p)
        raise PermissionDenied(
            f"这份报告（{report.agency or ''} {report.year or ''}，{place}）不在您负责的地区（{user.scope_zh}）内，"
            "不能导入，未写入任何内容。"
        )


def record_import(engine: sa.Engine, user: User | None, batch: str, files: list[dict], action: str = "import") -> None:
    """One row of the audit log for an import: who, the batch, and each file (name, sha256, outcome, report id).
    `files`: dicts with name, sha256, outcome (a key of IMPORT_ZH), report_id, note. `action`: import |
    import.accept | import.refuse (a replacement accepted or refused by a reviewer of its region)."""
    if user is None or not user.may_review:
        raise PermissionDenied("需要“审核”或“管理”权限才能导入报告。")
    counts: dict[str, int] = {}
    for f in files:
        counts[f["outcome"]] = counts.get(f["outcome"], 0) + 1
    lines = [
        f"{f['name']} sha256={f.get('sha256') or '—'} → {IMPORT_ZH.get(f['outcome'], f['outcome'])}"
        + (f"（{f['report_id']}）" if f.get("report_id") else "")
        + (f"：{f['note']}" if f.get("note") else "")
        for f in files
    ]
    one = files[0] if len(files) == 1 else None
    with engine.begin() as conn:
        conn.execute(
            audit_log.insert().values(
                at=now(),
                username=user.username,
                action=action,
                report_id=one.get("report_id") if one else None,
                file_sha256=one.get("sha256") if one else None,
                target=batch,
                old_value=None,
                new_value="，".join(f"{IMPORT_ZH.get(k, k)} {n}" for k, n in counts.items()),
                note="\n".join(lines),
            )
        )


# --- corrections ---------------------------------------------------------------------------------------------


def parse_value(metric: str, text: str) -> float:
    """A corrected value as typed: a number (full-width digits, thousands separators and a unit allowed)."""
    unit = catalogue()[metric].unit
    value, printed_unit, is_number = parse_cell(str(text or ""))
    if value is None:
        if not str(text or "").strip() or is_number:  # blank, 无, /, — : what a report leaves, not a value
            raise AuditError("请填写更正后的数值（空白、“无”、“/”不是更正值）。")
        raise AuditError(f"“{text}”不是数字：请填写一个数值（如 12 或 3.5）。")
    value = to_unit(value, printed_unit, unit)
    if value < 0 and not metric.endswith(".change"):
        raise AuditError(f"“{text}”是负数：这一项是计数（{unit}），不能为负。")
    return value


def validate_cell(report: Report, metric: str, applicant: str | None, basis: str) -> None:
    """The cell must be one the report's template has."""
    d = catalogue().get(metric)
    template = report.template or "unknown"
    if d is None or template not in d.templates:
        raise AuditError(f"“{metric}”不是{TEMPLATE_ZH.get(template, '这种格式')}报告统计表中的指标，不能更正。")
    by_applicant = template in ("2019", "2021") and d.section.startswith("三")
    if by_applicant and applicant not in APPLICANTS:
        raise AuditError(f"“{d.label_zh}”按申请人分列，请选择申请人列。")
    if not by_applicant and applicant:
        raise AuditError(f"“{d.label_zh}”不按申请人分列。")
    if basis not in ("year", "cumulative") or (basis == "cumulative" and template != "old"):
        raise AuditError("只有旧格式（福建）报告有“历年累计”列。")


def correction_of(conn_or_engine, report: Report, metric: str, applicant: str | None, basis: str) -> dict | None:
    q = sa.select(corrections).where(
        corrections.c.file_sha256 == report.file_sha256,
        corrections.c.metric == metric,
        corrections.c.applicant == (applicant or NO_APPLICANT),
        corrections.c.basis == basis,
    )
    with _conn(conn_or_engine) as conn:
        row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def correct_cell(
    engine: sa.Engine,
    user: User | None,
    report: Report,
    metric: str,
    applicant: str | None,
    basis: str,
    text: str,
    reason: str,
    seen_version: int,
    old_value: float | None = None,
    old_raw: str | None = None,
) -> dict:
    """Correct one cell. `seen_version`: the correction's version when the page showed the cell (0: none yet);
    if someone changed the cell since, the edit is refused as stale. Returns the correction row."""
    _may_review(user, report)
    validate_cell(report, metric, applicant, basis)
    value = parse_value(metric, text)
    reason = (reason or "").strip()
    if not reason:
        raise AuditError("请填写更正理由（例如“报告原文第 3 行为 12，解析漏读”）。")
    key = dict(file_sha256=report.file_sha256, metric=metric, applicant=applicant or NO_APPLICANT, basis=basis)
    target = cell_name(metric, applicant, basis)
    with engine.begin() as conn:
        current = correction_of(conn, report, metric, applicant, basis)
        if (current["version"] if current else 0) != seen_version:
            raise AuditError(_stale(current, "这个单元格"))
        if current is not None and current["withdrawn_at"] is None:
            previous = current["new_value"]
        else:  # a first correction, or one after a withdrawal: what the warehouse holds (as printed)
            previous = old_value if old_value is not None or current is None else current["old_value"]
        values = dict(
            report_id=report.report_id,
            source_file=report.source_file,
            agency=report.agency,
            year=report.year,
            new_value=value,
            reason=reason,
            username=user.username,
            created_at=now(),
            version=seen_version + 1,
            withdrawn_at=None,
            withdrawn_by=None,
            withdraw_reason=None,
        )
        if current is None:
            conn.execute(corrections.insert().values(**key, **values, old_value=old_value, old_raw=old_raw))
        else:
            hit = conn.execute(
                corrections.update()
                .where(corrections.c.id == current["id"], corrections.c.version == seen_version)
                .values(**values)
            )
            if hit.rowcount != 1:
                raise AuditError(_stale(current, "这个单元格"))
        _log(conn, user.username, "correct", report, target, fmt_value(previous), fmt_value(value), reason)
        return dict(correction_of(conn, report, metric, applicant, basis))


def withdraw_correction(
    engine: sa.Engine,
    user: User | None,
    report: Report,
    metric: str,
    applicant: str | None,
    basis: str,
    reason: str,
    seen_version: int,
) -> dict:
    """Withdraw (撤回) a correction: the row stays, marked who withdrew it, when and why, and the next build no
    longer applies it (the cell shows what the report printed again); the audit log gets a new row. A stale page
    (someone changed or withdrew it since) is refused."""
    _may_review(user, report)
    reason = (reason or "").strip()
    if not reason:
        raise AuditError("请填写撤回理由（例如“复核原件，原值无误”）。")
    with engine.begin() as conn:
        current = correction_of(conn, report, metric, applicant, basis)
        if current is None or current["version"] != seen_version:
            raise AuditError(_stale(current, "这个单元格"))
        if current["withdrawn_at"] is not None:
            raise AuditError("这条更正已经撤回。")
        hit = conn.execute(
            corrections.update()
            .where(corrections.c.id == current["id"], corrections.c.version == seen_version)
            .values(withdrawn_at=now(), withdrawn_by=user.username, withdraw_reason=reason, version=seen_version + 1)
        )
        if hit.rowcount != 1:
            raise AuditError(_stale(current, "这个单元格"))
        target = cell_name(metric, applicant, basis)
        _log(conn, user.username, "withdraw", report, target, fmt_value(current["new_value"]), None, reason)
        return dict(correction_of(conn, report, metric, applicant, basis))


def _stale(current: dict | None, what: str) -> str:
    if current is None:
        return f"{what}的更正已被撤销或尚不存在，页面上的内容已过时：请刷新页面后再改。"
    return (
        f"{what}已被 {current['username']} 于 {local_time(current['created_at'])} 修改，页面上的内容已过时："
        "请刷新页面，看过最新内容后再改。"
    )


def corrections_of_report(engine: sa.Engine, file_sha256: str) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                sa.select(corrections)
                .where(corrections.c.file_sha256 == file_sha256)
                .order_by(corrections.c.metric, corrections.c.applicant)
            ).mappings()
        ]


def all_corrections(engine: sa.Engine, withdrawn: bool = False) -> list[dict]:
    """The corrections in force (what a build applies); `withdrawn`: the withdrawn ones as well."""
    q = sa.select(corrections).order_by(corrections.c.id)
    if not withdrawn:
        q = q.where(corrections.c.withdrawn_at.is_(None))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


# --- check dispositions ---------------------------------------------------------------------------------------


def dispose_check(
    engine: sa.Engine,
    user: User | None,
    report: Report,
    rule: str,
    message: str,
    verdict: str,
    note: str,
    seen_version: int,
    failed: set[tuple[str, str]],
) -> dict:
    """Confirm or dismiss a failed check (已核实 / 报告原文如此 / 已更正 / 规则误报（不扣分）) with a note (required:
    for 规则误报, why the rule is wrong here). `failed`: the report's failed checks as (rule, message), as the page
    showed them."""
    _may_review(user, report)
    if (rule, message) not in failed:
        raise AuditError("这项核对不在这份报告当前未通过的核对中（可能已在重建后通过）：请刷新页面。")
    if verdict not in VERDICT_ZH:
        raise AuditError(f"处理结论只能是：{'、'.join(VERDICT_ZH.values())}。")
    note = (note or "").strip()
    if not note:
        raise AuditError("请填写说明（例如核实了哪一页、与谁确认）。")
    q = sa.select(dispositions).where(
        dispositions.c.file_sha256 == report.file_sha256, dispositions.c.rule == rule, dispositions.c.message == message
    )
    with engine.begin() as conn:
        current = conn.execute(q).mappings().first()
        if (current["version"] if current else 0) != seen_version:
            raise AuditError(_stale(current, "这项核对"))
        values = dict(
            report_id=report.report_id,
            verdict=verdict,
            note=note,
            username=user.username,
            created_at=now(),
            version=seen_version + 1,
        )
        if current is None:
            conn.execute(
                dispositions.insert().values(file_sha256=report.file_sha256, rule=rule, message=message, **values)
            )
        else:
            conn.execute(dispositions.update().where(dispositions.c.id == current["id"]).values(**values))
        _log(
            conn,
            user.username,
            "dispose",
            report,
            f"{rule}：{message}",
            VERDICT_ZH[current["verdict"]] if current else None,
            VERDICT_ZH[verdict],
            note,
        )
        return dict(conn.execute(q).mappings().first())


def dispositions_of_report(engine: sa.Engine, file_sha256: str) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(dispositions).where(dispositions.c.file_sha256 == file_sha256)).mappings()
        return {(r["rule"], r["message"]): dict(r) for r in rows}


def all_dispositions(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(dispositions).order_by(dispositions.c.id)).mappings()]


# --- report reviews -------------------------------------------------------------------------------------------


def checks_digest(failed: set[tuple[str, str]] | list[tuple[str, str]]) -> str:
    """A fingerprint of a report's failed checks, (rule, message) pairs in any order."""
    return hashlib.sha256("\n".join(sorted(f"{r}\t{m}" for r, m in failed)).encode("utf-8")).hexdigest()


_UNCHECKED = object()


def mark_reviewed(
    engine: sa.Engine,
    user: User | None,
    report: Report,
    note: str = "",
    failed: set[tuple[str, str]] | None = None,
    seen_at: object = _UNCHECKED,
) -> dict:
    """Mark a report 已审核 (signed by the user, now). `failed`: its failed checks as the reviewer saw them; a
    rebuild that changes them makes the review stale (`review_is_stale`). `seen_at`: when the review the page showed
    was made (None: the page showed none); a review made since is not overwritten unseen."""
    _may_review(user, report)
    q = sa.select(report_reviews).where(report_reviews.c.file_sha256 == report.file_sha256)
    with engine.begin() as conn:
        current = conn.execute(q).mappings().first()
        if seen_at is not _UNCHECKED and (current["created_at"] if current else None) != seen_at:
            raise AuditError(_stale(dict(current) if current else None, "这份报告的审核标记"))
        values = dict(
            report_id=report.report_id,
            note=(note or "").strip(),
            username=user.username,
            created_at=now(),
            checks_digest=None if failed is None else checks_digest(failed),
        )
        if current is None:
            conn.execute(report_reviews.insert().values(file_sha256=report.file_sha256, **values))
        else:
            conn.execute(report_reviews.update().where(report_reviews.c.id == current["id"]).values(**values))
        _log(
            conn,
            user.username,
            "review",
            report,
            "已审核",
            f"{current['username']} {local_time(current['created_at'])}" if current else None,
            f"{user.username} 已审核",
            note,
        )
        return dict(conn.execute(q).mappings().first())


def review_of(engine: sa.Engine, file_sha256: str) -> dict | None:
    with engine.connect() as conn:
        row = (
            conn.execute(sa.select(report_reviews).where(report_reviews.c.file_sha256 == file_sha256))
            .mappings()
            .first()
        )
        return dict(row) if row else None


def review_is_stale(review: dict | None, failed: set[tuple[str, str]]) -> bool:
    """Whether a report marked 已审核 has other failed checks now than when it was reviewed (a rebuild changed
    them): it is then to be reviewed again."""
    return bool(review and review.get("checks_digest") and review["checks_digest"] != checks_digest(failed))


def rule_errors(engine: sa.Engine) -> set[tuple[str, str, str]]:
    """The checks marked 规则误报（不扣分）, as (file_sha256, rule, message): the scorecard leaves them out."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(dispositions.c.file_sha256, dispositions.c.rule, dispositions.c.message).where(
                dispositions.c.verdict == RULE_ERROR
            )
        )
        return {tuple(r) for r in rows}


def all_reviews(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(report_reviews).order_by(report_reviews.c.id)).mappings()]


# --- the audit log ----------------------------------------------------------------------------------------------

ACTION_ZH = {
    "correct": "更正数值",
    "withdraw": "撤回更正",
    "dispose": "处理核对",
    "review": "标记已审核",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "agency.fate": "标记机构撤并",  # audit/fates.py
    "agency.unfate": "取消撤并标记",
    "rubric.update": "修改考核细则",
    "rectify.issue": "下发整改项",  # audit/rectify.py
    "rectify.answered": "登记整改反馈",
    "rectify.returned": "退回整改",
    "rectify.closed": "复核通过",
    "rectify.recheck": "重新核查整改项",
    "import": "导入报告",
    "import.accept": "接受替换",
    "import.refuse": "拒绝替换",
}


def audit_rows(
    engine: sa.Engine,
    username: str | None = None,
    action: str | None = None,
    report_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    report_ids: set[str] | None = None,
) -> list[dict]:
    """The audit log, newest first, filtered. `report_ids`: only rows about these reports (a region's)."""
    q = sa.select(audit_log).order_by(audit_log.c.id.desc())
    for col, v in ((audit_log.c.username, username), (audit_log.c.action, action), (audit_log.c.report_id, report_id)):
        if v:
            q = q.where(col == v)
    if since:
        q = q.where(audit_log.c.at >= since)
    if until:
        q = q.where(audit_log.c.at < until)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(q).mappings()]
    if report_ids is not None:
        rows = [r for r in rows if r["report_id"] in report_ids]
    return rows


def local_time(t: datetime | None) -> str:
    """Beijing time, to the second (SQLite hands back naive UTC)."""
    if t is None:
        return ""
    from zoneinfo import ZoneInfo

    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")


# --- the scorecard's rubric -------------------------------------------------------------------------------------


def save_rubric(
    engine: sa.Engine, actor: User | None, name: str, text: str, note: str, *, check: Callable[[str, str], object]
) -> dict:
    """A new version of the rubric every scorecard uses (管理 only). `check(text, name)` is the scorecard's own
    reading of a rubric (scoring.rubric.parse_rubric), run first: a rubric it refuses (ValueError) is never
    stored. Returns the stored version."""
    if actor is None or not actor.may_administer:
        raise PermissionDenied("需要“管理”权限才能修改考核细则。")
    name, note = (name or "").strip() or "考核细则", (note or "").strip()
    if not note:
        raise AuditError("请填写修改说明（例如“按时发布改为 10 分”）。")
    try:
        check(text or "", name)
    except ValueError as e:
        raise AuditError(f"考核细则有误，未保存：\n{e}") from e
    with engine.begin() as conn:
        latest = conn.execute(sa.select(sa.func.max(rubrics.c.version))).scalar() or 0
        row = dict(name=name, text=text, note=note, username=actor.username, created_at=now(), version=latest + 1)
        conn.execute(rubrics.insert().values(**row))
        _log(
            conn,
            actor.username,
            "rubric.update",
            None,
            name,
            f"第 {latest} 版" if latest else "默认细则",
            f"第 {latest + 1} 版",
            note,
        )
    return row


def current_rubric(engine: sa.Engine | None) -> dict | None:
    """The rubric in force (its newest version), or None: the default file (scoring/default_rubric.toml)."""
    if engine is None:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(rubrics).order_by(rubrics.c.version.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


def rubric_versions(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        q = sa.select(rubrics.c.version, rubrics.c.name, rubrics.c.note, rubrics.c.username, rubrics.c.created_at)
        return [dict(r) for r in conn.execute(q.order_by(rubrics.c.version.desc())).mappings()]


# --- users ------------------------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """bcrypt, as streamlit-authenticator checks it at login."""
    import bcrypt

    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def _region(province, prefecture, known_places) -> tuple[str | None, str | None]:
    try:
        return resolve_region(province, prefecture, known_places)
    except RegionError as e:
        raise AuditError(str(e)) from None


def create_user(
    engine: sa.Engine,
    username: str,
    name: str,
    password: str,
    role: str,
    province: str | None = None,
    prefecture: str | None = None,
    actor: User | None = None,
    by: str | None = None,
    known_places: Iterable[tuple[str | None, str | None]] = (),
) -> User:
    """A new user. `actor`: the 管理 user creating it in the app; `by`: who else did (the command line). The
    region must be a province (and prefecture) of the gazetteer or of `known_places` (the warehouse's own)."""
    if actor is not None and not actor.may_administer:
        raise PermissionDenied("需要“管理”权限才能新建用户。")
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuditError("用户名不能为空、不能含空格，最长 64 个字符。")
    if role not in ROLES:
        raise AuditError(f"角色只能是：{'、'.join(f'{k}（{v}）' for k, v in ROLE_ZH.items())}。")
    if problem := password_problem(password, username):
        raise AuditError(problem)
    province, prefecture = _region(province, prefecture, known_places)
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise AuditError(f"用户名“{username}”已存在。")
        conn.execute(
            users.insert().values(
                username=username,
                name=(name or username).strip(),
                password_hash=hash_password(password),
                role=role,
                province=province or None,
                prefecture=prefecture or None,
                active=True,
                created_at=now(),
            )
        )
        scope = " / ".join(p for p in (province, prefecture) if p) or "全部地区"
        conn.execute(
            audit_log.insert().values(
                at=now(),
                username=actor.username if actor else (by or "命令行"),
                action="user.create",
                target=username,
                old_value=None,
                new_value=f"{ROLE_ZH[role]}（{scope}）",
            )
        )
    return User(username, name or username, role, province or None, prefecture or None)


def update_user(
    engine: sa.Engine,
    actor: User | None,
    username: str,
    role: str,
    province: str | None = None,
    prefecture: str | None = None,
    password: str | None = None,
    known_places: Iterable[tuple[str | None, str | None]] = (),
    seen: dict | None = None,
) -> User:
    """Change a user's role and region (管理 only), and set a new password when one is given. `seen`: the user's
    role, province, prefecture and active as the page showed them; changed since, the edit is refused as stale."""
    if actor is None or not actor.may_administer:
        raise PermissionDenied("需要“管理”权限才能修改用户。")
    if role not in ROLES:
        raise AuditError(f"角色只能是：{'、'.join(f'{k}（{v}）' for k, v in ROLE_ZH.items())}。")
    province, prefecture = _region(province, prefecture, known_places)
    if password and (problem := password_problem(password, username)):
        raise AuditError(problem)
    if username == actor.username and role != ADMIN:
        raise AuditError("不能取消自己的“管理”权限（请由另一位管理员修改）。")
    with engine.begin() as conn:
        r = conn.execute(sa.select(users).where(users.c.username == username)).mappings().first()
        if r is None:
            raise AuditError(f"没有用户“{username}”。")
        if seen is not None and any(seen[k] != r[k] for k in seen):
            raise AuditError(f"用户“{username}”已被他人修改，页面上的内容已过时：请刷新页面，看过最新内容后再改。")
        values = dict(role=role, province=province, prefecture=prefecture)
        if password:  # a new password ends the user's logins: a cookie stolen before it no longer works
            values.update(password_hash=hash_password(password), sessions_since=now())
        conn.execute(users.update().where(users.c.id == r["id"]).values(**values))

        def shown(role, province, prefecture):
            return f"{ROLE_ZH[role]}（{' / '.join(p for p in (province, prefecture) if p) or '全部地区'}）"

        _log(
            conn,
            actor.username,
            "user.update",
            None,
            username,
            shown(r["role"], r["province"], r["prefecture"]),
            shown(role, province, prefecture) + ("，已重设密码" if password else ""),
        )
    return User(username, r["name"], role, province, prefecture)


def set_active(engine: sa.Engine, actor: User, username: str, active: bool) -> None:
    if not actor.may_administer:
        raise PermissionDenied("需要“管理”权限才能停用或启用用户。")
    if username == actor.username and not active:
        raise AuditError("不能停用自己的账号。")
    with engine.begin() as conn:
        hit = conn.execute(
            users.update().where(users.c.username == username).values(active=active, sessions_since=now())
        )
        if hit.rowcount != 1:
            raise AuditError(f"没有用户“{username}”。")
        _log(conn, actor.username, "user.update", None, username, None, "启用" if active else "停用")


def user(engine: sa.Engine, username: str | None) -> User | None:
    """An active user by name (None when unknown or disabled): roles are read afresh on every page."""
    if not username:
        return None
    with engine.connect() as conn:
        r = conn.execute(sa.select(users).where(users.c.username == username, users.c.active)).mappings().first()
    return User(r["username"], r["name"], r["role"], r["province"], r["prefecture"]) if r else None


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                sa.select(
                    users.c.username,
                    users.c.name,
                    users.c.role,
                    users.c.province,
                    users.c.prefecture,
                    users.c.active,
                    users.c.created_at,
                ).order_by(users.c.id)
            ).mappings()
        ]


def has_users(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(users).where(users.c.active)).scalar() > 0


def credentials(engine: sa.Engine) -> dict:
    """The active users in the shape streamlit-authenticator takes (hashed passwords, roles)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users).where(users.c.active)).mappings().all()
    return {
        "usernames": {
            r["username"]: {
                "name": r["name"],
                "password": r["password_hash"],
                "email": "",
                "roles": [r["role"]],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for r in rows
        }
    }


# --- sessions ---------------------------------------------------------------------------------------------------


def check_password(engine: sa.Engine, username: str, password: str) -> User | None:
    """The active user whose password this is, or None (unknown user, disabled, wrong password)."""
    import bcrypt

    with engine.connect() as conn:
        r = (
            conn.execute(sa.select(users).where(users.c.username == (username or ""), users.c.active))
            .mappings()
            .first()
        )
    if r is None or not bcrypt.checkpw((password or "").encode(), r["password_hash"].encode()):
        return None
    return User(r["username"], r["name"], r["role"], r["province"], r["prefecture"])


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive UTC


def session_valid(engine: sa.Engine, username: str | None, issued: float) -> bool:
    """Whether a login of `username` made at `issued` (a Unix time) still counts: the user is active and has not
    logged out, had a new password or been disabled since."""
    if not username:
        return False
    with engine.connect() as conn:
        r = conn.execute(sa.select(users.c.sessions_since).where(users.c.username == username, users.c.active)).first()
    return r is not None and (r[0] is None or issued > _utc(r[0]).timestamp())


def end_sessions(engine: sa.Engine, username: str, conn=None) -> None:
    """End every login of the user made until now (every browser's cookie): a logout, a new password."""
    q = users.update().where(users.c.username == username).values(sessions_since=now())
    if conn is not None:
        conn.execute(q)
        return
    with engine.begin() as c:
        c.execute(q)


class _conn:
    """`with _conn(engine_or_connection) as conn`: a connection either way."""

    def __init__(self, c):
        self.c, self.owned = c, None

    def __enter__(self):
        if isinstance(c := self.c, sa.Engine):
            self.owned = c.connect()
            return self.owned
        return c

    def __exit__(self, *exc):
        if self.owned is not None:
            self.owned.close()
