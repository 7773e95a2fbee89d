"""splitting and thresholds: parts per scope and day buckets (the split rules across all lines, by class,
category and supplier, heard in any order), the strongest method per need; the old per-line tally goes

Revision ID: 0007_riskrules
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

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
    op.create_table(
        "risk_pay_contract",
        sa.Column("contract_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("original_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("milestones", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("amendments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("paid", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False),
        sa.Column("closed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    op.create_table(
        "risk_pay_acceptance",
        sa.Column("contract_id", sa.Text(), nullable=False),
        sa.Column("milestone_no", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "milestone_no"),
    )
    op.create_table(
        "risk_supplier",
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )
    op.create_table(
        "risk_supplier_account",
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("account_no", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id", "account_no"),
    )
    op.create_table(
        "risk_invoice_use",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("supplier_key", sa.Text(), nullable=False),
        sa.Column("invoice_key", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("org", "supplier_key", "invoice_key", "amount"),
    )
    op.create_table(
        "risk_payment_seen",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("supplier_key", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("invoice_numbers", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("org", "supplier_key", "amount", "on", "document_id"),
    )
    op.create_table(
        "risk_application_amount",
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("application_id"),
    )
    op.create_table(
        "risk_method_year",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "year", "method"),
    )
    op.create_table(
        "risk_method_counted",
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("document_type", "document_id"),
    )
    op.create_table(
        "risk_unit_month",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "year", "month"),
    )
    op.create_table(
        "risk_benford",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("counts", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("warned", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "year"),
    )
    op.create_table(
        "risk_once",
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("purpose", "key"),
    )
    # The matter applications heard so far become parts of their line's scope and their unit's all-lines scope
    # (buckets are counted from them on first use); the per-line tally is no longer read.
    for scope in ("'line:' || budget_line_id", "'unit'"):
        op.execute(
            f"""
            INSERT INTO risk_split_part (document_type, document_id, scope, document_no, org, unit, day, at, amount,
                                         title, budget_line_id)
            SELECT document_type, document_id, {scope}, document_no, org, unit,
                   (submitted_at AT TIME ZONE 'Asia/Shanghai')::date, submitted_at, amount, title, budget_line_id
            FROM risk_spend
            """
        )
    op.drop_table("risk_split_tally")
    op.drop_index("risk_spend_by_line", table_name="risk_spend")
    op.drop_table("risk_spend")


def downgrade() -> None:
    # The per-line tally is not restored: the split rule of this revision no longer reads it.
    for table in (
        "risk_once",
        "risk_benford",
        "risk_unit_month",
        "risk_method_counted",
        "risk_method_year",
        "risk_application_amount",
        "risk_payment_seen",
        "risk_invoice_use",
        "risk_supplier_account",
        "risk_supplier",
        "risk_pay_acceptance",
        "risk_pay_contract",
        "risk_need_method",
        "risk_split_band",
        "risk_split_bucket",
        "risk_split_part",
    ):
        op.drop_table(table)
