"""attachments (附件) of meeting records: content-addressed blobs by SHA-256 and their links (ic_platform/attachments.py)

Revision ID: 0011_meeting_attachments
Revises: 0010_clients
"""

from ic_platform import attachment_migrations

revision = "0011_meeting_attachments"
down_revision = "0010_clients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    attachment_migrations.upgrade_v1()


def downgrade() -> None:
    attachment_migrations.downgrade_v1()
