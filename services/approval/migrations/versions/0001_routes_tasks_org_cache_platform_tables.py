"""routes, tasks, org cache, platform tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ic_platform import platform_migrations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    platform_migrations.upgrade_v1()
    op.create_table(
        "approval_route",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("document_no", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("initiator", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("definition_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), server_default="in_progress", nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(status = 'in_progress') = (current_step IS NOT NULL)", name="approval_route_current"),
        sa.CheckConstraint("status IN ('in_progress', 'approved', 'rejected')", name="approval_route_status"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_type", "document_id", name="approval_route_once"),
    )
    op.create_table(
        "org_unit",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("leader_in_charge", sa.Text(), nullable=True),
        sa.Column("responsible_for", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("org", "code"),
    )
    op.create_table(
        "org_user",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("org", "username"),
    )
    op.create_index("org_user_by_unit", "org_user", ["org", "unit"], unique=False)
    op.create_table(
        "approval_step",
        sa.Column("route_id", sa.BigInteger(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("approver_role", sa.Text(), nullable=False),
        sa.Column("assignee", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("step_no >= 1", name="approval_step_no_positive"),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["approval_route.id"],
        ),
        sa.PrimaryKeyConstraint("route_id", "step_no"),
    )
    op.create_table(
        "approval_task",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("route_id", sa.BigInteger(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="approval_task_decided_at"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="approval_task_status"),
        sa.ForeignKeyConstraint(
            ["route_id", "step_no"], ["approval_step.route_id", "approval_step.step_no"], name="approval_task_step"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("approval_task_by_decider", "approval_task", ["decided_by", "decided_at"], unique=False)
    op.create_index(
        "approval_task_inbox",
        "approval_task",
        ["assignee", "created_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "approval_task_one_pending",
        "approval_task",
        ["route_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )
