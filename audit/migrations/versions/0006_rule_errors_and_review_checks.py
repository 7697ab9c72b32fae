"""a fourth check disposition, 规则误报（不扣分） (rule_error: the rule is wrong here, the scorecard does not deduct);
a review remembers the failed checks it saw (checks_digest), so a rebuild that changes them asks for review again

Revision ID: 0006
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VERDICTS = "verdict IN ('verified', 'as_printed', 'corrected', 'rule_error')"
OLD_VERDICTS = "verdict IN ('verified', 'as_printed', 'corrected')"


def upgrade() -> None:
    with op.batch_alter_table("dispositions") as t:
        t.drop_constraint("ck_dispositions_verdict", type_="check")
        t.create_check_constraint("ck_dispositions_verdict", VERDICTS)
    with op.batch_alter_table("report_reviews") as t:
        t.add_column(sa.Column("checks_digest", sa.String(64)))


def downgrade() -> None:
    op.execute("DELETE FROM dispositions WHERE verdict = 'rule_error'")
    with op.batch_alter_table("report_reviews") as t:
        t.drop_column("checks_digest")
    with op.batch_alter_table("dispositions") as t:
        t.drop_constraint("ck_dispositions_verdict", type_="check")
        t.create_check_constraint("ck_dispositions_verdict", OLD_VERDICTS)
