"""contracts, awards heard, amendments; desk projection

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform import desk_migrations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("contract_no_seq")))
    op.execute(sa.schema.CreateSequence(sa.Sequence("contract_amendment_no_seq")))
    op.create_table(
        "award_fact",
        sa.Column("award_id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("application", JSONB(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("supplier_name", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("pre_commitment_holder", JSONB(), nullable=False),
        sa.Column("heard_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("award_id"),
    )
    op.create_table(
        "contract",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), server_default="", nullable=False),
        sa.Column("award_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("supplier_name", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), server_default="", nullable=False),
        sa.Column("supplier_registrar", sa.Text(), server_default="", nullable=False),
        sa.Column("original_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("settlement_amount", sa.Numeric(precision=15, scale=2), nullable=True),
        sa.Column("cumulative_increase", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("increase_via_procurement", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("warranty_end", sa.Date(), nullable=True),
        sa.Column("milestones", JSONB(), nullable=False),
        sa.Column("drafter", sa.Text(), nullable=False),
        sa.Column("purchaser", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("round", sa.Integer(), server_default="0", nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("flags", JSONB(), server_default="[]", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount > 0", name="contract_amount_positive"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("contract_by_unit", "contract", ["org", "unit", "created_at"], unique=False)
    op.create_index("contract_by_supplier", "contract", ["org", "supplier_id"], unique=False)
    op.create_index("contract_by_award", "contract", ["award_id"], unique=False)
    op.create_table(
        "contract_amendment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("proposer", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("previous_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("milestones", JSONB(), nullable=False),
        sa.Column("via_procurement", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("budget_state", sa.Text(), server_default="none", nullable=False),
        sa.Column("budget_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("contract_amendment_by_contract", "contract_amendment", ["contract_id", "created_at"], unique=False)
    op.create_index(
        "contract_amendment_one_pending",
        "contract_amendment",
        ["contract_id"],
        unique=True,
        postgresql_where=sa.text("status = 'submitted'"),
    )
    op.create_index(
        "contract_amendment_budget_pending",
        "contract_amendment",
        ["created_at"],
        unique=False,
        postgresql_where=sa.text("budget_state = 'pending'"),
    )
    desk_migrations.upgrade_v1()


def downgrade() -> None:
    desk_migrations.downgrade_v1()
    op.drop_table("contract_amendment")
    op.drop_table("contract")
    op.drop_table("award_fact")
    op.execute(sa.schema.DropSequence(sa.Sequence("contract_amendment_no_seq")))
    op.execute(sa.schema.DropSequence(sa.Sequence("contract_no_seq")))
