"""acceptances (验收) and the payment ledger against contracts

Revision ID: 0005_payreq
Revises: 0004_claims
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005_payreq"
down_revision = "0004_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_acceptance",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("milestone_no", sa.Integer()),
        sa.Column("delivery", sa.Text()),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("members", JSONB(), nullable=False),
        sa.Column("acceptor", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False, server_default=""),
        sa.Column("amount", sa.Numeric(15, 2)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("result in ('passed', 'failed', 'passed_with_remarks')", name="contract_acceptance_result"),
        sa.CheckConstraint("milestone_no is not null or delivery is not null", name="contract_acceptance_subject"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("contract_acceptance_by_contract", "contract_acceptance", ["contract_id", "accepted_on"])
    op.create_table(
        "contract_payment",
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("payment_no", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("milestone_no", sa.Integer()),
        sa.Column("amount", sa.Numeric(15, 2), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("reserved_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date()),
        sa.Column("reference", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="contract_payment_amount_positive"),
        sa.CheckConstraint("status in ('reserved', 'paid', 'released')", name="contract_payment_status"),
        sa.PrimaryKeyConstraint("payment_id"),
    )
    op.create_index("contract_payment_by_contract", "contract_payment", ["contract_id"])


def downgrade() -> None:
    op.drop_table("contract_payment")
    op.drop_table("contract_acceptance")
