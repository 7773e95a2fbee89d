"""the supervision desk: warnings worked as cases, approval tasks and units for scorecards, the project projection

Revision ID: 0008_riskwork
Revises: 0007_riskrules
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_riskwork"
down_revision = "0007_riskrules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_warning_case",
        sa.Column("warning_id", sa.BigInteger(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("acknowledged_by", sa.Text(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_comment", sa.Text(), nullable=True),
        sa.Column("task_id", sa.Text(), nullable=True),
        sa.Column("dismissed_by", sa.Text(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissal_reason", sa.Text(), nullable=True),
        sa.Column("confirmed_by", sa.Text(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("responsible_unit", sa.Text(), nullable=True),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'acknowledged', 'dismissed', 'confirmed', 'rectified')",
            name="risk_warning_case_status",
        ),
        sa.PrimaryKeyConstraint("warning_id"),
    )
    op.create_index("risk_warning_case_by_status", "risk_warning_case", ["org", "status"])
    op.create_table(
        "risk_task",
        sa.Column("task_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("step_no", sa.Integer(), nullable=True),
        sa.Column("step_name", sa.Text(), nullable=True),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("overdue_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_id"),
    )
    op.create_index("risk_task_by_document", "risk_task", ["document_type", "document_id"])
    op.create_index("risk_task_by_assigned", "risk_task", ["org", "assigned_at"])
    op.create_table(
        "risk_unit",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("org", "code"),
    )
    op.create_table(
        "risk_project_node",
        sa.Column("node_type", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("project", sa.Text(), nullable=False),
        sa.Column("no", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("state", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heard_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("node_type", "node_id"),
    )
    op.create_index("risk_project_node_by_project", "risk_project_node", ["project"])
    op.create_table(
        "risk_project_link",
        sa.Column("parent_type", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Text(), nullable=False),
        sa.Column("child_type", sa.Text(), nullable=False),
        sa.Column("child_id", sa.Text(), nullable=False),
        sa.Column("relation", sa.Text(), nullable=False),
        sa.Column("project", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("parent_type", "parent_id", "child_type", "child_id"),
    )
    op.create_index("risk_project_link_by_project", "risk_project_link", ["project"])
    op.create_table(
        "risk_project_line",
        sa.Column("node_type", sa.Text(), nullable=False),
        sa.Column("node_id", sa.Text(), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("project", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("node_type", "node_id", "budget_line_id"),
    )
    op.create_index("risk_project_line_by_project", "risk_project_line", ["project"])


def downgrade() -> None:
    for table in ("risk_project_line", "risk_project_link", "risk_project_node", "risk_unit", "risk_task"):
        op.drop_table(table)
    op.drop_table("risk_warning_case")
