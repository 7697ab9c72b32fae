"""sessions a user can end (users.sessions_since); the cookie key out of the database; the audit log refuses
REPLACE (SQLite) and TRUNCATE (PostgreSQL) too

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as t:
        # a login made before this time no longer counts (logout, a new password, a disabled account)
        t.add_column(sa.Column("sessions_since", sa.DateTime(timezone=True)))
    # the key that signed login cookies lived here, readable by whoever reads the database: it moves to a file of
    # its own (audit/secret.py); dropping it ends every login signed with it
    op.execute("DELETE FROM settings WHERE key = 'cookie_key'")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        # INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger: refuse any insert of an
        # id already there (a plain INSERT of one fails anyway)
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
    with op.batch_alter_table("users") as t:
        t.drop_column("sessions_since")
