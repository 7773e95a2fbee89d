"""payment requests (付款申请) and their execution (支付)

Revision ID: 0006_payreq
Revises: 0005_claims
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006_payreq"
down_revision = "0005_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("payment_request_no_seq")))
    op.create_table(
        "payment_request",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("requester", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(15, 2), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("basis_id", sa.Text(), nullable=False),
        sa.Column("basis_no", sa.Text(), nullable=False),
        sa.Column("contract_id", sa.Text()),
        sa.Column("milestone_no", sa.Integer()),
        sa.Column("supplier_id", sa.Text()),
        sa.Column("payee", JSONB(), nullable=False),
        sa.Column("invoices", JSONB(), nullable=False, server_default="[]"),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text()),
        sa.Column("approvers", JSONB(), nullable=False, server_default="[]"),
        sa.Column("reservation", sa.Text(), nullable=False, server_default="none"),
        sa.Column("executed_on", sa.Date()),
        sa.Column("reference", sa.Text()),
        sa.Column("executor", sa.Text()),
        sa.Column("fiscal_year", sa.Integer()),
        sa.Column("economic_class", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount > 0", name="payment_request_amount_positive"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("payment_request_by_unit", "payment_request", ["org", "unit", "created_at"])
    op.create_index("payment_request_by_basis", "payment_request", ["basis", "basis_id"])
    op.create_index(
        "payment_request_releasing",
        "payment_request",
        ["updated_at"],
        postgresql_where=sa.text("reservation = 'releasing'"),
    )


def downgrade() -> None:
    op.drop_table("payment_request")
    op.execute(sa.schema.DropSequence(sa.Sequence("payment_request_no_seq")))
