"""The approval database's tables (SQLAlchemy Core)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from ic_platform.attachments import attachment_tables
from ic_platform.storage import platform_tables

metadata = sa.MetaData()
MONEY = sa.Numeric(15, 2)


def _now(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=sa.func.now())


# ── the org cache: the org service owns these facts; we keep the last version it announced ──
org_unit = sa.Table(
    "org_unit",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("leader_in_charge", sa.Text),
    sa.Column("responsible_for", ARRAY(sa.Text), nullable=False, server_default="{}"),
    # When the org service announced this version: a late, older event must not overwrite a newer one.
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    _now("updated_at"),
)

org_user = sa.Table(
    "org_user",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("username", sa.Text, primary_key=True),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("roles", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    _now("updated_at"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),  # org.user_deactivated
    sa.Index("org_user_by_unit", "org", "unit"),
)

# Deciding bodies (党工委、主任办公会): members and quorum, for checking a collective decision's meeting.
org_deciding_body = sa.Table(
    "org_deciding_body",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("members", ARRAY(sa.Text), nullable=False),
    sa.Column("quorum", sa.Integer, nullable=False),
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    _now("updated_at"),
)

# ── routes, their frozen steps, and the tasks people act on ──
approval_route = sa.Table(
    "approval_route",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("initiator", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("definition_version", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="in_progress"),
    sa.Column("current_step", sa.Integer),
    # 1 for the first submission; a resubmission after a return draws the route again as the next round.
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    _now("created_at"),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    # What routing knew beyond the amount: the spending's category, and whether (and why) it is 三重一大.
    sa.Column("economic_class", sa.Text),
    sa.Column("major_matter", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("major_reasons", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.CheckConstraint(
        "status IN ('in_progress', 'approved', 'rejected', 'returned', 'withdrawn')", name="approval_route_status"
    ),
    sa.CheckConstraint("(status = 'in_progress') = (current_step IS NOT NULL)", name="approval_route_current"),
    # One route per document, however often its submission is heard.
    sa.UniqueConstraint("document_type", "document_id", name="approval_route_once"),
    sa.Index("approval_route_by_initiator", "org", "initiator", "created_at"),  # my submissions
)

approval_step = sa.Table(
    "approval_step",
    metadata,
    sa.Column("route_id", sa.BigInteger, sa.ForeignKey("approval_route.id"), primary_key=True),
    # Each round keeps its own frozen steps, so earlier rounds stay visible after a resubmission.
    sa.Column("round", sa.Integer, primary_key=True, server_default="1"),
    sa.Column("step_no", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("approver_role", sa.Text, nullable=False),
    sa.Column("assignee", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    # single | countersign (会签) | any_one (或签) | collective (集体决策); a parallel step's other assignees
    sa.Column("kind", sa.Text, nullable=False, server_default="single"),
    sa.Column("co_assignees", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.CheckConstraint("step_no >= 1", name="approval_step_no_positive"),
)

approval_task = sa.Table(
    "approval_task",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("route_id", sa.BigInteger, nullable=False),
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    sa.Column("step_no", sa.Integer, nullable=False),
    sa.Column("assignee", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False, server_default="pending"),
    sa.Column("decided_by", sa.Text),
    sa.Column("acting_for", sa.Text),  # 代理: decided_by acted for this user (the assignee)
    sa.Column("comment", sa.Text),
    _now("created_at"),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(
        ["route_id", "round", "step_no"],
        ["approval_step.route_id", "approval_step.round", "approval_step.step_no"],
        name="approval_task_step",
    ),
    sa.CheckConstraint(
        "status IN ('pending', 'approved', 'rejected', 'returned', 'returned_to_step', 'reassigned',"
        " 'withdrawn', 'skipped')",
        name="approval_task_status",
    ),
    sa.CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="approval_task_decided_at"),
    # The last word against two decisions both advancing a route: it holds one pending task per person at most
    # (a parallel step has one per assignee, and nobody holds two steps of a document).
    sa.Index(
        "approval_task_one_pending", "route_id", "assignee", unique=True, postgresql_where=sa.text("status = 'pending'")
    ),
    sa.Index("approval_task_inbox", "assignee", "created_at", postgresql_where=sa.text("status = 'pending'")),
    sa.Index("approval_task_by_decider", "decided_by", "decided_at"),
)

# ── collective decisions (集体决策): the meeting that completed a collective-decision step's task ──
approval_meeting = sa.Table(
    "approval_meeting",
    metadata,
    sa.Column("task_id", sa.Uuid, sa.ForeignKey("approval_task.id"), primary_key=True),
    sa.Column("route_id", sa.BigInteger, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("step_no", sa.Integer, nullable=False),
    sa.Column("meeting_date", sa.Date, nullable=False),
    sa.Column("attendees", ARRAY(sa.Text), nullable=False),
    sa.Column("decision", sa.Text, nullable=False),
    sa.Column("minutes", sa.Text, nullable=False),
    sa.Column("attachment", sa.Text),  # a reference to the signed minutes in the document store
    sa.Column("recorded_by", sa.Text, nullable=False),
    _now("recorded_at"),
    sa.CheckConstraint("decision IN ('approve', 'reject')", name="approval_meeting_decision"),
    sa.CheckConstraint("cardinality(attendees) >= 3", name="approval_meeting_quorum"),
    sa.Index("approval_meeting_by_route", "route_id"),
)

# ── 三重一大 by rule: effective-dated rules that make a matter major (domain/major_matter.py) ──
approval_major_matter_rule = sa.Table(
    "approval_major_matter_rule",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("effective_to", sa.Date),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("document_types", ARRAY(sa.Text), nullable=False),
    sa.Column("amount_at_least", MONEY),
    sa.Column("economic_classes", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("set_by", sa.Text),
    _now("updated_at"),
    sa.CheckConstraint(
        "amount_at_least IS NOT NULL OR cardinality(economic_classes) > 0", name="approval_major_matter_rule_condition"
    ),
    sa.CheckConstraint(
        "effective_to IS NULL OR effective_to > effective_from", name="approval_major_matter_rule_period"
    ),
)

# ── delegation during absence (代理): kept forever, a revoked one included (the history) ──
approval_delegation = sa.Table(
    "approval_delegation",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("principal", sa.Text, nullable=False),
    sa.Column("delegate", sa.Text, nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    _now("created_at"),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_by", sa.Text),
    sa.CheckConstraint("ends_at > starts_at", name="approval_delegation_period"),
    sa.CheckConstraint("principal <> delegate", name="approval_delegation_not_self"),
    sa.Index("approval_delegation_by_principal", "org", "principal", "starts_at"),
    sa.Index("approval_delegation_by_delegate", "org", "delegate", "ends_at"),
)

platform = platform_tables(metadata)

# ── the trail (过程留痕): an append-only hash chain of every approval action, see domain/trail.py ──
audit_trail = sa.Table(
    "audit_trail",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),  # the order of appending, office-wide
    sa.Column("seq", sa.BigInteger, nullable=False),  # the position in its document's chain
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("actor", sa.Text),
    sa.Column("acting_for", sa.Text),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("task_id", sa.Text),
    sa.Column("assignee", sa.Text),
    sa.Column("from_step", sa.Integer),
    sa.Column("to_step", sa.Integer),
    sa.Column("amount", MONEY),
    sa.Column("comment", sa.Text),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("client_ip", sa.Text),
    sa.Column("user_agent", sa.Text),
    sa.Column("trace_id", sa.Text),
    sa.Column("prev_hash", sa.Text, nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
    sa.CheckConstraint("seq >= 1", name="audit_trail_seq_positive"),
    sa.Index("audit_trail_by_document", "document_type", "document_id", "seq", unique=True),
)

# Each document chain's head, one row per chain ("<document type>/<document id>"): appends lock it (an upsert),
# so a chain never forks and its seq has no gaps; actions on different documents never wait for each other.
# `sealed_seq` is the head as last sealed: heads with seq > sealed_seq go into the next seal.
audit_trail_head = sa.Table(
    "audit_trail_head",
    metadata,
    sa.Column("chain", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
    sa.Column("sealed_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("audit_trail_head_unsealed", "chain", postgresql_where=sa.text("seq > sealed_seq")),
)

# Seals (domain/seals.py): the heads that moved, sealed in a Merkle root; a chain of seals, each anchored
# outside the database. Append-only like the trail itself.
audit_trail_seal = sa.Table(
    "audit_trail_seal",
    metadata,
    sa.Column("seal_no", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("prev_hash", sa.Text, nullable=False),
    sa.Column("root", sa.Text, nullable=False),
    sa.Column("leaves", sa.Integer, nullable=False),
    sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
)
audit_trail_seal_leaf = sa.Table(
    "audit_trail_seal_leaf",
    metadata,
    sa.Column("seal_no", sa.BigInteger, primary_key=True),
    sa.Column("chain", sa.Text, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.Text, nullable=False),
    sa.Index("audit_trail_seal_leaf_by_chain", "chain", "seal_no"),
)


# ── approval-watch: risk warnings, due times, notifications (service_layer/warnings.py, deadlines.py,
# notifications.py). Kept apart from the task tables so that each concern can grow on its own. ──
# The risk service's warnings about documents in approval, as `risk.warning_raised` announced them.
approval_risk_warning = sa.Table(
    "approval_risk_warning",
    metadata,
    sa.Column("warning_id", sa.BigInteger, primary_key=True, autoincrement=False),  # the risk service's id
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("evidence", JSONB, nullable=False, server_default="{}"),
    sa.Column("raised_at", sa.DateTime(timezone=True)),
    _now("received_at"),
    sa.CheckConstraint("severity IN ('low', 'medium', 'high')", name="approval_risk_warning_severity"),
    sa.Index("approval_risk_warning_by_document", "document_type", "document_id"),
)

# An approver's acknowledgement of a warning (知悉并说明), per task: each step's approver answers for themself.
approval_warning_ack = sa.Table(
    "approval_warning_ack",
    metadata,
    sa.Column("warning_id", sa.BigInteger, primary_key=True),
    sa.Column("task_id", sa.Uuid, primary_key=True),
    sa.Column("acknowledged_by", sa.Text, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    _now("acknowledged_at"),
    sa.CheckConstraint("length(comment) > 0", name="approval_warning_ack_comment"),
)

# Risk's assessment of each submission (送审风险评估, risk.document_assessed), keyed by the approval request
# event it assessed. `round` is set when that event opened a round here: the round's decisions wait until
# `received_at` is set. Either side may come first (expected_at or received_at), and either may be heard
# by any replica: both write with an upsert on the key.
approval_risk_assessment = sa.Table(
    "approval_risk_assessment",
    metadata,
    sa.Column("submission_event_id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("round", sa.Integer),
    sa.Column("expected_at", sa.DateTime(timezone=True)),
    sa.Column("assessed_at", sa.DateTime(timezone=True)),
    sa.Column("received_at", sa.DateTime(timezone=True)),
    sa.Column("warning_count", sa.Integer),
    sa.Index(
        "approval_risk_assessment_by_round",
        "document_type",
        "document_id",
        "round",
        unique=True,
        postgresql_where=sa.text("round IS NOT NULL"),
    ),
)

# Each task's due time (办理时限), and when it was reminded and escalated: each at most once.
approval_task_deadline = sa.Table(
    "approval_task_deadline",
    metadata,
    sa.Column("task_id", sa.Uuid, primary_key=True),
    sa.Column("route_id", sa.BigInteger, nullable=False),
    sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reminded_at", sa.DateTime(timezone=True)),
    sa.Column("escalated_at", sa.DateTime(timezone=True)),
    sa.Column("escalated_to", sa.Text),
    sa.CheckConstraint("due_at >= assigned_at", name="approval_task_deadline_after_assignment"),
    sa.Index("approval_task_deadline_to_remind", "due_at", postgresql_where=sa.text("reminded_at IS NULL")),
    sa.Index(
        "approval_task_deadline_to_escalate",
        "due_at",
        postgresql_where=sa.text("reminded_at IS NOT NULL AND escalated_at IS NULL"),
    ),
)

# What a person is told (通知): only the person the event concerns, one row per (event, recipient).
approval_notification = sa.Table(
    "approval_notification",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("task_id", sa.Uuid),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    _now("created_at"),
    sa.Column("read_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("event_id", "recipient", name="approval_notification_once"),
    sa.Index("approval_notification_inbox", "org", "recipient", "id"),
)

# The parties a document names (不相容岗位): role → person, as its latest submission said.
approval_document_party = sa.Table(
    "approval_document_party",
    metadata,
    sa.Column("document_type", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, primary_key=True),
    sa.Column("username", sa.Text, nullable=False),
    sa.Column("org", sa.Text, nullable=False),
)

# 附件 of meeting records (会议纪要扫描件; service_layer/meeting_files.py), as every document-owning service keeps them.
attachments = attachment_tables(metadata)
