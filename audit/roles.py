"""Roles and what each may do; a reviewer may be limited to one province or prefecture."""

from __future__ import annotations

from dataclasses import dataclass

VIEWER, REVIEWER, ADMIN = "viewer", "reviewer", "admin"
ROLE_ZH = {VIEWER: "查看", REVIEWER: "审核", ADMIN: "管理"}
ROLES = tuple(ROLE_ZH)
_RANK = {VIEWER: 0, REVIEWER: 1, ADMIN: 2}


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    province: str | None = None
    prefecture: str | None = None

    @property
    def may_review(self) -> bool:
        """Corrections, dispositions, reviews and imports (审核 and 管理)."""
        return _RANK[self.role] >= _RANK[REVIEWER]

    @property
    def may_administer(self) -> bool:
        """Users and the rubric (管理)."""
        return self.role == ADMIN

    @property
    def scope_zh(self) -> str:
        return " / ".join(p for p in (self.province, self.prefecture) if p) or "全部地区"

    def covers(self, province: str | None, prefecture: str | None) -> bool:
        """Whether a report of this place is within the user's region."""
        if self.province and province != self.province:
            return False
        if self.prefecture and prefecture != self.prefecture:
            return False
        return True
