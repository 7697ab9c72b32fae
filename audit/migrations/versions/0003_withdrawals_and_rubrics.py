"""corrections can be withdrawn (who, when, why: the row stays); the scorecard's rubric, versioned

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("corrections") as t:
        t.add_column(sa.Column("withdrawn_at", NOW))
        t.add_column(sa.Column("withdrawn_by", sa.String(64)))
        t.add_column(sa.Column("withdraw_reason", sa.Text))
    op.create_table(
        "rubrics",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False, unique=True),  # 1, 2, …: the newest is in force
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("text", sa.Text, nullable=False),  # the rubric's TOML, as scoring/rubric.py reads it
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rubrics")
    with op.batch_alter_table("corrections") as t:
        t.drop_column("withdraw_reason")
        t.drop_column("withdrawn_by")
        t.drop_column("withdrawn_at")
