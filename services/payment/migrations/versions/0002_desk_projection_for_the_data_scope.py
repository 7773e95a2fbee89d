"""desk projection for the data scope

Revision ID: 0002
Revises: 0001
"""

from ic_platform import desk_migrations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    desk_migrations.upgrade_v1()


def downgrade() -> None:
    desk_migrations.downgrade_v1()
