"""segregation-of-duties refusals heard from the services (`<service>.segregation_refused`), for the scorecards

Revision ID: 0010_sod_refusals
Revises: 0009_ocds
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_sod_refusals"
down_revision = "0009_ocds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_sod_refusal",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("risk_sod_refusal_by_time", "risk_sod_refusal", ["org", "at"])


def downgrade() -> None:
    op.drop_table("risk_sod_refusal")
