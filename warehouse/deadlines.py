"""The deadline of an agency's annual report: 《政府信息公开条例》 第四十九条 (reports for 2019 on: 政府部门 by
1月31日, 人民政府 by 3月31日 of the following year), the 2008 条例 before (3月31日 for everyone), or a date the
supervisor's rubric sets. The scorecard's timeliness indicator (scoring/) and the roster's coverage (etl/roster/)
judge by the same rule."""

from __future__ import annotations

from datetime import date


def deadline_for(year: int, kind: str | None, params: dict) -> tuple[date, str]:
    """The publication deadline of the report for `year`, and where it comes from."""
    by_year = params.get("deadline_by_year") or {}
    if str(year) in by_year:
        return date.fromisoformat(by_year[str(year)]), "考核方指定期限"
    if params.get("deadline_override"):
        return date.fromisoformat(params["deadline_override"]), "考核方指定期限"
    if year >= params.get("new_rule_from_year", 2019):
        if kind == "department":
            mmdd, basis = params.get("department_deadline", "01-31"), "《条例》第四十九条（政府部门）"
        else:
            mmdd, basis = params.get("government_deadline", "03-31"), "《条例》第四十九条（人民政府）"
    else:
        mmdd, basis = params.get("old_deadline", "03-31"), "原《条例》（2008年施行）"
    m, d = (int(x) for x in mmdd.split("-"))
    return date(year + 1, m, d), basis
