"""users, corrections, dispositions, report reviews, the append-only audit log, settings

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("province", sa.String(64)),
        sa.Column("prefecture", sa.String(64)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", NOW, nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'reviewer', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("source_file", sa.Text),
        sa.Column("agency", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("metric", sa.String(96), nullable=False),
        sa.Column("applicant", sa.String(32), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("old_value", sa.Float),
        sa.Column("old_raw", sa.Text),
        sa.Column("new_value", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("file_sha256", "metric", "applicant", "basis", name="uq_corrections_cell"),
    )
    op.create_index("ix_corrections_report", "corrections", ["report_id"])
    op.create_table(
        "dispositions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("rule", sa.String(96), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.UniqueConstraint("file_sha256", "rule", "message", name="uq_dispositions_check"),
        sa.CheckConstraint("verdict IN ('verified', 'as_printed', 'corrected')", name="ck_dispositions_verdict"),
    )
    op.create_index("ix_dispositions_report", "dispositions", ["report_id"])
    op.create_table(
        "report_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", NOW, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("report_id", sa.String(32)),
        sa.Column("file_sha256", sa.String(64)),
        sa.Column("target", sa.Text),
        sa.Column("old_value", sa.Text),
        sa.Column("new_value", sa.Text),
        sa.Column("note", sa.Text),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # the audit log is append-only: the database itself refuses to change or delete a row
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""")
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for t in ("settings", "audit_log", "report_reviews", "dispositions", "corrections", "users"):
        op.drop_table(t)
