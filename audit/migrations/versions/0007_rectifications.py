"""整改: a problem named in a 通报 issued to its unit as an item with a deadline and a requirement, followed through
待整改 → 已反馈 → 已复核 (or 退回), and re-checked against each new build

Revision ID: 0007
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NOW = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("agency", sa.Text, nullable=False),
        sa.Column("province", sa.String(64)),
        sa.Column("prefecture", sa.String(64)),
        sa.Column("year", sa.Integer, nullable=False),  # the report year the problem is about
        sa.Column("kind", sa.String(16), nullable=False),  # warehouse/vocabulary.csv problem_kind
        sa.Column("problem_key", sa.String(96), nullable=False),  # the rule id, 'late', 'missing', the indicator
        sa.Column("problem", sa.Text, nullable=False),  # the evidence when issued
        sa.Column("report_id", sa.String(32)),
        sa.Column("requirement", sa.Text, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),  # open | answered | returned | closed
        sa.Column("feedback", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("review_note", sa.Text),  # why it was returned, or the closing note
        sa.Column("recheck", sa.String(16)),  # fixed | persists: what the latest build found
        sa.Column("recheck_build", sa.String(64)),  # the warehouse version it was re-checked against
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("issued_at", NOW, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_at", NOW, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),  # +1 on every step: a stale step is refused
        sa.UniqueConstraint("agency_id", "year", "kind", "problem_key", name="uq_rectifications_problem"),
        sa.CheckConstraint("state IN ('open', 'answered', 'returned', 'closed')", name="ck_rectifications_state"),
    )
    op.create_index("ix_rectifications_agency", "rectifications", ["agency_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_rectifications_agency", "rectifications")
    op.drop_table("rectifications")
