"""attachments (附件): content-addressed blobs by SHA-256 and their links to documents (ic_platform/attachments.py)

Revision ID: 0004_claims
Revises: 0003_contract
"""

from ic_platform import attachment_migrations

revision = "0004_claims"
down_revision = "0003_contract"
branch_labels = None
depends_on = None


def upgrade() -> None:
    attachment_migrations.upgrade_v1()


def downgrade() -> None:
    attachment_migrations.downgrade_v1()
