"""budget lines, commitment ledger, platform tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from ic_platform import platform_migrations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    platform_migrations.upgrade_v1()
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("functional_class", sa.Text(), nullable=False),
        sa.Column("functional_class_name", sa.Text(), server_default="", nullable=False),
        sa.Column("economic_class", sa.Text(), nullable=False),
        sa.Column("economic_class_name", sa.Text(), server_default="", nullable=False),
        sa.Column("project", sa.Text(), nullable=True),
        sa.Column("expenditure_kind", sa.Text(), nullable=False),
        sa.Column("fund_source", sa.Text(), nullable=False),
        sa.Column("source_kind", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("control_mode", sa.Text(), server_default="block", nullable=False),
        sa.Column("tolerance", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("pre_committed", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("committed", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("actual", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("closed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "control_mode <> 'block' OR amount - pre_committed - committed - actual >= 0",
            name="budget_line_block_no_overspend",
        ),
        sa.CheckConstraint("expenditure_kind IN ('basic', 'project')", name="budget_line_expenditure_kind"),
        sa.CheckConstraint(
            "amount >= 0 AND pre_committed >= 0 AND committed >= 0 AND actual >= 0", name="budget_line_non_negative"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("budget_line_by_unit", "budget_line", ["org", "fiscal_year", "unit"], unique=False)
    op.create_table(
        "budget_move",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("step", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount >= 0", name="budget_move_amount_non_negative"),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["budget_line.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("budget_line_id", "document_type", "document_id", "step", name="budget_move_once"),
    )
    op.create_index("budget_move_by_document", "budget_move", ["document_type", "document_id"], unique=False)
