"""The supervision desk's tables (issue 13 §3, §4): warnings worked as cases, the approval tasks and units risk
keeps for scorecards, and the project projection. In the risk database's one `metadata` (adapters/orm.py
imports this module), migration 0007."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from services.risk.adapters.orm import metadata

# How each warning is handled (domain/workflow.py). No row: the warning is open and nobody has touched it.
risk_warning_case = sa.Table(
    "risk_warning_case",
    metadata,
    sa.Column("warning_id", sa.BigInteger, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("acknowledged_by", sa.Text),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.Column("acknowledged_comment", sa.Text),
    sa.Column("task_id", sa.Text),
    sa.Column("dismissed_by", sa.Text),
    sa.Column("dismissed_at", sa.DateTime(timezone=True)),
    sa.Column("dismissal_reason", sa.Text),
    sa.Column("confirmed_by", sa.Text),
    sa.Column("confirmed_at", sa.DateTime(timezone=True)),
    sa.Column("due_date", sa.Date),
    sa.Column("responsible_unit", sa.Text),
    sa.Column("finding", sa.Text),
    sa.Column("closed_by", sa.Text),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("closing_note", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint(
        "status IN ('open', 'acknowledged', 'dismissed', 'confirmed', 'rectified')", name="risk_warning_case_status"
    ),
    sa.Index("risk_warning_case_by_status", "org", "status"),
)

# Approval's tasks as its events tell them (step_assigned, step_decided, returned, task_overdue): cycle times
# per step and overdue tasks for the scorecards. The document's unit is its owner's (desk_document).
risk_task = sa.Table(
    "risk_task",
    metadata,
    sa.Column("task_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("step_no", sa.Integer),
    sa.Column("step_name", sa.Text),
    sa.Column("assignee", sa.Text),
    sa.Column("assigned_at", sa.DateTime(timezone=True)),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decision", sa.Text),
    sa.Column("overdue_at", sa.DateTime(timezone=True)),
    sa.Index("risk_task_by_document", "document_type", "document_id"),
    sa.Index("risk_task_by_assigned", "org", "assigned_at"),
)

# Units as org announces them: names beside codes in the scorecards.
risk_unit = sa.Table(
    "risk_unit",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text),
)

# Segregation-of-duties refusals heard from the services that refuse them (`<service>.segregation_refused`),
# counted per unit of the person refused in the scorecards. Migration 0010.
risk_sod_refusal = sa.Table(
    "risk_sod_refusal",
    metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text),
    sa.Column("person", sa.Text, nullable=False),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("service", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("risk_sod_refusal_by_time", "org", "at"),
)

# ── the project projection (domain/project.py) ──
# Each document (or sub-document: award, bid, acceptance...) of a project. `project` is the label of its
# connected set (relabelled when two sets are linked); `heard_at` is the newest event's time (null: only named).
risk_project_node = sa.Table(
    "risk_project_node",
    metadata,
    sa.Column("node_type", sa.Text, primary_key=True),
    sa.Column("node_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("project", sa.Text, nullable=False),
    sa.Column("no", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("unit", sa.Text),
    sa.Column("amount", sa.Numeric(18, 2)),
    sa.Column("state", sa.Text),
    sa.Column("details", JSONB, nullable=False, server_default="{}"),
    sa.Column("first_at", sa.DateTime(timezone=True)),
    sa.Column("heard_at", sa.DateTime(timezone=True)),
    sa.Index("risk_project_node_by_project", "project"),
)
risk_project_link = sa.Table(
    "risk_project_link",
    metadata,
    sa.Column("parent_type", sa.Text, primary_key=True),
    sa.Column("parent_id", sa.Text, primary_key=True),
    sa.Column("child_type", sa.Text, primary_key=True),
    sa.Column("child_id", sa.Text, primary_key=True),
    sa.Column("relation", sa.Text, nullable=False),
    sa.Column("project", sa.Text, nullable=False),
    sa.Index("risk_project_link_by_project", "project"),
)
risk_project_line = sa.Table(
    "risk_project_line",
    metadata,
    sa.Column("node_type", sa.Text, primary_key=True),
    sa.Column("node_id", sa.Text, primary_key=True),
    sa.Column("budget_line_id", sa.Text, primary_key=True),
    sa.Column("project", sa.Text, nullable=False),
    sa.Index("risk_project_line_by_project", "project"),
)
