"""The audit database's tables (SQLAlchemy Core). Created and changed only by the migrations in migrations/versions/."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
NO_APPLICANT = ""  # the applicant of a cell outside section 三 (NULL in the warehouse; '' here, so keys are unique)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("password_hash", sa.String(128), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # viewer | reviewer | admin
    sa.Column("province", sa.String(64)),  # a reviewer limited to one province …
    sa.Column("prefecture", sa.String(64)),  # … or one prefecture
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sessions_since", sa.DateTime(timezone=True)),  # logins made before it no longer count
)

corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("report_id", sa.String(32), nullable=False),
    sa.Column("source_file", sa.Text),
    sa.Column("agency", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("metric", sa.String(96), nullable=False),
    sa.Column("applicant", sa.String(32), nullable=False),
    sa.Column("basis", sa.String(16), nullable=False),
    sa.Column("old_value", sa.Float),  # what the warehouse held when first corrected
    sa.Column("old_raw", sa.Text),  # what the report printed
    sa.Column("new_value", sa.Float, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),  # +1 on every change: a stale edit is refused
    # withdrawn (撤回): kept, no longer applied by a build; a new correction of the cell puts it in force again
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawn_by", sa.String(64)),
    sa.Column("withdraw_reason", sa.Text),
    sa.UniqueConstraint("file_sha256", "metric", "applicant", "basis", name="uq_corrections_cell"),
)

dispositions = sa.Table(
    "dispositions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_sha256", sa.String(64), nullable=False),
    sa.Column("report_id", sa.String(32), nullable=False),
    sa.Column("rule", sa.String(96), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),  # verified | as_printed | corrected | rule_error
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("file_sha256", "rule", "message", name="uq_dispositions_check"),
)

report_reviews = sa.Table(
    "report_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("report_id", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # the report's failed checks when it was reviewed (a digest of their rules and messages); a rebuild that
    # changes them flags the review for renewal (null: reviewed before this was kept)
    sa.Column("checks_digest", sa.String(64)),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("report_id", sa.String(32)),
    sa.Column("file_sha256", sa.String(64)),
    sa.Column("target", sa.Text),  # the cell, the check or the user acted on
    sa.Column("old_value", sa.Text),
    sa.Column("new_value", sa.Text),
    sa.Column("note", sa.Text),
)

rubrics = sa.Table(
    "rubrics",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, unique=True),  # the newest version is in force
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("text", sa.Text, nullable=False),  # TOML, as scoring/rubric.py reads it
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
