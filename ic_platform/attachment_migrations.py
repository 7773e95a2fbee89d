"""The attachment store's migration (ic_platform/attachments.py), written once: each service that keeps
attachments of its documents calls `upgrade_v1` (and `downgrade_v1`) from a one-line migration of its own."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def upgrade_v1() -> None:
    """attachment_blob (content by SHA-256) and attachment (its links to documents)."""
    op.create_table(
        "attachment_blob",
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("octet_length(content) = size", name="attachment_blob_content_size"),
        sa.CheckConstraint("size > 0 AND size <= 10485760", name="attachment_blob_size"),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("uploaded_by", sa.Text(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["attachment_blob.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_type", "document_id", "sha256", name="attachment_once_per_document"),
    )


def downgrade_v1() -> None:
    op.drop_table("attachment")
    op.drop_table("attachment_blob")
