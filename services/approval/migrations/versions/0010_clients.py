"""organisation administration: approval's copy of a person says whether they are still active

A deactivated person (org.user_deactivated) is never chosen for a step, a reassignment or a delegation.

Revision ID: 0010_clients
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_clients"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("org_user", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    op.drop_column("org_user", "active")
