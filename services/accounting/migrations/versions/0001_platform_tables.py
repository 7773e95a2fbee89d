"""platform tables

Revision ID: 0001
Revises:
"""

from ic_platform import platform_migrations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    platform_migrations.upgrade_v1()
