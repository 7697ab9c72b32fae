"""the roster (机构名录) of the agencies expected to report, and the reviewers' report-to-agency matches (待匹配)

Revision ID: 0005
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "roster_agencies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.String(255), nullable=False, unique=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("aliases", sa.Text, nullable=False, server_default=""),
        sa.Column("level", sa.String(16)),
        sa.Column("kind", sa.String(16)),
        sa.Column("region_code", sa.String(12)),
        sa.Column("province", sa.String(64)),
        sa.Column("prefecture", sa.String(64)),
        sa.Column("county", sa.String(64)),
        sa.Column("township", sa.String(64)),
        sa.Column("parent", sa.String(255)),
        sa.Column("url", sa.Text),
        sa.Column("deadline", sa.String(16), nullable=False),
        sa.Column("from_year", sa.Integer),
        sa.Column("to_year", sa.Integer),
        sa.Column("merged_into", sa.String(255)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("roster_version", sa.Integer, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
        sa.CheckConstraint("deadline IN ('government', 'department')", name="ck_roster_deadline"),
    )
    op.create_table(
        "roster_matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("source_file", sa.Text),
        sa.Column("title_agency", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("agency_id", sa.String(255), nullable=False),
        sa.Column("agency", sa.String(255), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("created_at", NOW, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("roster_matches")
    op.drop_table("roster_agencies")
