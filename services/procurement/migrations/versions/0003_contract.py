"""awards: the contract signed on them (heard from contract.signed)

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
    op.add_column("procurement_award", sa.Column("contract", JSONB(), nullable=True))
    op.add_column("procurement_award", sa.Column("contracted_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("procurement_award", "contracted_on")
    op.drop_column("procurement_award", "contract")
