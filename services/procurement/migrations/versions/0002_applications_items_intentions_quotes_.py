"""applications items intentions quotes tenders bids awards suppliers policy desk

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ic_platform import desk_migrations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    desk_migrations.upgrade_v1()
    op.execute(sa.schema.CreateSequence(sa.Sequence("procurement_application_no_seq")))
    op.create_table(
        "procurement_application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("purchaser", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("form", sa.Text(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("extra_approval", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("major_matter", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("round", sa.Integer(), server_default="0", nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("matter_application_id", sa.Text(), nullable=True),
        sa.Column("matter_application_no", sa.Text(), nullable=True),
        sa.Column("matter_amount", sa.Numeric(precision=15, scale=2), nullable=True),
        sa.Column("requirement", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("method_change", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("award_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount > 0", name="procurement_application_amount_positive"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("procurement_application_by_org", "procurement_application", ["org", "created_at"], unique=False)
    op.create_index(
        "procurement_application_by_unit", "procurement_application", ["org", "unit", "created_at"], unique=False
    )
    op.create_index(
        "procurement_application_one_per_matter",
        "procurement_application",
        ["matter_application_id"],
        unique=True,
        postgresql_where=sa.text(
            "matter_application_id IS NOT NULL AND status NOT IN ('rejected', 'refused', 'cancelled')"
        ),
    )
    op.create_index(
        "procurement_application_reserving",
        "procurement_application",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text("status = 'reserving'"),
    )
    op.create_table(
        "procurement_catalogue",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("min_amount", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("org", "code", "effective_from"),
    )
    op.create_table(
        "procurement_settings",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("intention_notice_days", sa.Integer(), nullable=False),
        sa.Column("intention_short_notice", sa.Text(), nullable=False),
        sa.Column("market_research_from", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("min_quotes", sa.Integer(), nullable=False),
        sa.Column("major_matter_from", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("org", "effective_from"),
    )
    op.create_table(
        "procurement_thresholds",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("decentralised", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("open_tender", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("demo", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("org", "category", "effective_from"),
    )
    op.create_table(
        "supplier",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("legal_representative", sa.Text(), nullable=False),
        sa.Column("registrar", sa.Text(), nullable=False),
        sa.Column("sme", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org", "credit_code", name="supplier_credit_code_once"),
    )
    op.create_index("supplier_by_name", "supplier", ["org", "name"], unique=False)
    op.create_table(
        "procurement_award",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_name", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("budget_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("flags", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["procurement_application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
    )
    op.create_index("procurement_award_by_notice", "procurement_award", ["org", "notice_date"], unique=False)
    op.create_index("procurement_award_by_unit", "procurement_award", ["org", "unit", "notice_date"], unique=False)
    op.create_table(
        "procurement_intention",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("expected_start", sa.Date(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("published_where", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["procurement_application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
    )
    op.create_table(
        "procurement_item",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("measure", sa.Text(), server_default="", nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("catalogue_code", sa.Text(), nullable=True),
        sa.Column("specification", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["procurement_application.id"],
        ),
        sa.PrimaryKeyConstraint("application_id", "line_no"),
    )
    op.create_table(
        "procurement_quote",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("quoted_on", sa.Date(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("chosen", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["procurement_application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id", "supplier_id", name="procurement_quote_one_per_supplier"),
    )
    op.create_table(
        "procurement_tender",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submission_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("budget_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("evaluation_method", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.Column("award_id", sa.Uuid(), nullable=True),
        sa.Column("flags", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["procurement_application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("procurement_tender_by_application", "procurement_tender", ["application_id"], unique=False)
    op.create_table(
        "supplier_bank_account",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("bank_name", sa.Text(), nullable=False),
        sa.Column("account_name", sa.Text(), nullable=False),
        sa.Column("account_no", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
        ),
        sa.PrimaryKeyConstraint("supplier_id", "position"),
    )
    op.create_table(
        "supplier_bank_account_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("changed_by", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("supplier_id", "seq", name="supplier_bank_account_change_once"),
    )
    op.create_table(
        "supplier_status_period",
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("standing", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_by", sa.Text(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
        ),
        sa.PrimaryKeyConstraint("supplier_id", "seq"),
    )
    op.create_table(
        "procurement_bid",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tender_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("score", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["procurement_tender.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "procurement_bid_one_per_supplier",
        "procurement_bid",
        ["tender_id", "supplier_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'late'"),
    )
