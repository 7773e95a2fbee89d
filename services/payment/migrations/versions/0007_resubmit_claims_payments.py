"""returned expense claims and payment requests are resubmitted as a new approval round

Revision ID: 0007_resubmit
Revises: 0006_payreq
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_resubmit"
down_revision = "0006_payreq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("expense_claim", sa.Column("round", sa.Integer(), server_default="1", nullable=False))
    op.add_column("payment_request", sa.Column("round", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    op.drop_column("payment_request", "round")
    op.drop_column("expense_claim", "round")
