"""The desk projection's migration (ic_platform/desk.py), written once: each service that keeps desks calls
`upgrade_v1` from a one-line migration of its own."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def upgrade_v1() -> None:
    """desk_task, desk_delegation and desk_document, as in ic_platform/desk.py."""
    op.create_table(
        "desk_delegation",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("principal", sa.Text(), nullable=False),
        sa.Column("delegate", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("delegation_id"),
    )
    op.create_index("desk_delegation_by_delegate", "desk_delegation", ["org", "delegate"], unique=False)
    op.create_table(
        "desk_document",
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("initiator", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("document_type", "document_id"),
    )
    op.create_table(
        "desk_task",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=True),
        sa.Column("assignee", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("desk_task_by_assignee", "desk_task", ["org", "assignee"], unique=False)
    op.create_index("desk_task_by_document", "desk_task", ["document_type", "document_id"], unique=False)


def downgrade_v1() -> None:
    for table in ("desk_task", "desk_document", "desk_delegation"):
        op.drop_table(table)
