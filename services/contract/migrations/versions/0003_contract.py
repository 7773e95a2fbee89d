"""execution report: milestones as rows, unit names; contracts on a matter application

Revision ID: 0003_contract
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_contract"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A contract on an approved matter application (no procurement) has no award: its basis is kept as data.
    op.alter_column("contract", "award_id", existing_type=sa.Uuid(), nullable=True)
    op.add_column("contract", sa.Column("basis", JSONB(), nullable=True))
    op.create_check_constraint("contract_basis_present", "contract", "award_id IS NOT NULL OR basis IS NOT NULL")
    op.create_index("contract_by_org_status", "contract", ["org", "status"])
    op.create_table(
        "contract_milestone",
        sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(15, 2), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=True),
        sa.Column("payment_days", sa.Integer(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("contract_id", "no"),
    )
    op.create_table(
        "org_unit",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("org", "code"),
    )
    # The milestones of contracts drafted before this revision, as rows (the report reads rows, not JSON).
    op.execute(
        """
        INSERT INTO contract_milestone (contract_id, no, name, condition, amount, planned_date, payment_days)
        SELECT c.id, (m->>'no')::int, m->>'name', m->>'condition', (m->>'amount')::numeric,
               (m->>'planned_date')::date, (m->>'payment_days')::int
        FROM contract c, jsonb_array_elements(c.milestones) m
        """
    )


def downgrade() -> None:
    op.drop_table("org_unit")
    op.drop_table("contract_milestone")
    op.drop_index("contract_by_org_status", table_name="contract")
    op.drop_constraint("contract_basis_present", "contract")
    op.drop_column("contract", "basis")
    op.alter_column("contract", "award_id", existing_type=sa.Uuid(), nullable=False)
