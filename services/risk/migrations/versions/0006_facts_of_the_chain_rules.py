"""facts of the chain rules: awards, contracts' bases, awarded value per unit, year and supplier

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_award",
        sa.Column("award_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("supplier_name", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("award_id"),
    )
    op.create_table(
        "risk_contract",
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("basis_type", sa.Text(), nullable=False),
        sa.Column("award_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("document_type", "document_id"),
    )
    op.create_table(
        "risk_award_tally",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org", "unit", "year", "supplier_id"),
    )


def downgrade() -> None:
    op.drop_table("risk_award_tally")
    op.drop_table("risk_contract")
    op.drop_table("risk_award")
