"""agency fates: an agency marked abolished (撤销) or merged (合并) in a year, for 缺报

Revision ID: 0002_agency_fates
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_fates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=False, unique=True),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("province", sa.String(64)),
        sa.Column("prefecture", sa.String(64)),
        sa.Column("fate", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("successor_id", sa.String(64)),
        sa.Column("successor", sa.Text),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("fate IN ('abolished', 'merged')", name="ck_agency_fates_fate"),
        sa.CheckConstraint("fate <> 'merged' OR successor_id IS NOT NULL", name="ck_agency_fates_successor"),
    )


def downgrade() -> None:
    op.drop_table("agency_fates")
