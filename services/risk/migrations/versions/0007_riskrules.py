"""splitting and thresholds: parts per scope and day buckets (the split rules across all lines, by class,
category and supplier, heard in any order), the strongest method per need; the old per-line tally goes

Revision ID: 0007_riskrules
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_riskrules"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_split_part",
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("document_type", "document_id", "scope"),
    )
    op.create_index("risk_split_part_by_day", "risk_split_part", ["org", "unit", "scope", "day", "at"])
    op.create_table(
        "risk_split_bucket",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("band", sa.Text(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "scope", "band", "day"),
    )
    op.create_table(
        "risk_split_band",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("band", sa.Text(), nullable=False),
        sa.Column("low", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("high", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "scope", "band"),
    )
    op.create_table(
        "risk_need_method",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("need", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("org", "need"),
    )
    # The matter applications heard so far become parts of their unit's all-lines scope (buckets are counted
    # from them on first use); the per-line tally is no longer read.
    op.execute(
        """
        INSERT INTO risk_split_part (document_type, document_id, scope, document_no, org, unit, day, at, amount,
                                     title, budget_line_id)
        SELECT document_type, document_id, 'unit', document_no, org, unit,
               (submitted_at AT TIME ZONE 'Asia/Shanghai')::date, submitted_at, amount, title, budget_line_id
        FROM risk_spend
        """
    )
    op.drop_table("risk_split_tally")
    op.drop_index("risk_spend_by_line", table_name="risk_spend")
    op.drop_table("risk_spend")


def downgrade() -> None:
    # The per-line tally is not restored: the split rule of this revision no longer reads it.
    for table in ("risk_need_method", "risk_split_band", "risk_split_bucket", "risk_split_part"):
        op.drop_table(table)
