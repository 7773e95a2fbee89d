"""The risk database's tables (SQLAlchemy Core)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.desk import desk_tables
from ic_platform.storage import platform_tables

metadata = sa.MetaData()

# The dossier: one row per event about a document, whoever produced it. A projection, rebuilt by replaying
# events, so it holds what the event said (payload) as well as the sentence people read (summary).
dossier_entry = sa.Table(
    "dossier_entry",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    # The inbox already applies an event once; this makes a second filing impossible even if it did not.
    sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text),
    sa.Column("producer", sa.Text, nullable=False),
    sa.Column("correlation_id", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("dossier_entry_by_document", "document_type", "document_id", "occurred_at", "id"),
    sa.Index("dossier_entry_by_story", "org", "correlation_id"),
)

# Documents that belong together. Stored in both directions, so a dossier finds its links with one lookup
# on its own key; the first evidence found is kept (event_id, reason), later evidence adds nothing.
document_link = sa.Table(
    "document_link",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("linked_type", sa.Text, nullable=False),
    sa.Column("linked_id", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("event_id", sa.Uuid, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("reason IN ('named', 'same_story')", name="document_link_reason"),
    sa.CheckConstraint("(document_type, document_id) <> (linked_type, linked_id)", name="document_link_not_self"),
    sa.UniqueConstraint("document_type", "document_id", "linked_type", "linked_id", name="document_link_once"),
)

# ── risk warnings (风险预警), see domain/rules.py ──
# One warning per (document, rule): a rule holding again for the same document raises nothing new.
risk_warning = sa.Table(
    "risk_warning",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("evidence", JSONB, nullable=False, server_default="{}"),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("severity IN ('low', 'medium', 'high')", name="risk_warning_severity"),
    sa.UniqueConstraint("document_type", "document_id", "rule", name="risk_warning_once"),
)

# The facts the rules look back on. Spending documents as submitted (the split-purchase rule's history)...
risk_spend = sa.Table(
    "risk_spend",
    metadata,
    sa.Column("document_type", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("document_no", sa.Text),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("risk_spend_by_line", "org", "unit", "budget_line_id", "submitted_at"),
)

# The split rule's running aggregate per unit and budget line (domain/rules.py, SplitTally): judging a new
# spend reads this row, not the window's history. Its policy columns say what it was counted under.
risk_split_tally = sa.Table(
    "risk_split_tally",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("budget_line_id", sa.Text, primary_key=True),
    sa.Column("since", sa.DateTime(timezone=True)),
    sa.Column("total", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("oldest", sa.DateTime(timezone=True)),
    sa.Column("newest", sa.DateTime(timezone=True)),
    sa.Column("policy_threshold", sa.Text),
    sa.Column("policy_min_part", sa.Text),
    sa.Column("policy_window_s", sa.Float),
)

# ...and the budget moves and threshold crossings of one story (correlation id): a crossing names no document,
# the move that caused it does, and either may be heard first.
risk_budget_signal = sa.Table(
    "risk_budget_signal",
    metadata,
    sa.Column("event_id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("correlation_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text),
    sa.Column("document_id", sa.Text),
    sa.Column("document_no", sa.Text),
    sa.Column("payload", JSONB, nullable=False),
    sa.CheckConstraint("kind IN ('move', 'crossing')", name="risk_budget_signal_kind"),
    sa.CheckConstraint("(kind = 'move') = (document_id IS NOT NULL)", name="risk_budget_signal_document"),
    sa.Index("risk_budget_signal_by_story", "correlation_id", "budget_line_id"),
)

# Each approval request risk assessed (service_layer/assessment.py): one row per submission event, so a
# submission is announced as assessed once, whichever handler name or replica heard it.
risk_assessment = sa.Table(
    "risk_assessment",
    metadata,
    sa.Column("submission_event_id", sa.Uuid, primary_key=True),
    sa.Column("submission_type", sa.Text, nullable=False),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("rules", JSONB, nullable=False, server_default="[]"),
    sa.Column("warning_ids", JSONB, nullable=False, server_default="[]"),
    sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("risk_assessment_by_document", "document_type", "document_id"),
)

# The rule book's parameters as effective-dated data (domain/rule_book.py): a version per (org, rule, day it
# takes effect), complete (every parameter of the rule). Before a rule's first version, its defaults apply.
risk_rule_parameters = sa.Table(
    "risk_rule_parameters",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("rule", sa.Text, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("parameters", JSONB, nullable=False),
    sa.Column("set_by", sa.Text),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# ── facts of the chain rules (domain/chain.py), one row per key, kept as events are heard ──
# Each award as procurement.award_decided announced it.
risk_award = sa.Table(
    "risk_award",
    metadata,
    sa.Column("award_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("supplier_name", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("notice_date", sa.Date),
)
# Each contract's basis as contract.drafted announced it (the submission does not repeat it).
risk_contract = sa.Table(
    "risk_contract",
    metadata,
    sa.Column("document_type", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("basis_type", sa.Text, nullable=False),
    sa.Column("award_id", sa.Text),
)
# Awarded value per (unit, year, supplier); supplier_id '' is the unit's total for the year.
risk_award_tally = sa.Table(
    "risk_award_tally",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("supplier_id", sa.Text, primary_key=True),
    sa.Column("total", sa.Numeric(18, 2), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)

platform = platform_tables(metadata)
# Who owns each document and whose desk it is (or was) on: the data-scope rule for dossiers and warnings.
desk = desk_tables(metadata)

# The OCDS tables live in their own module (adapters/ocds_tables.py) on this metadata.
from services.risk.adapters import ocds_tables as _ocds_tables  # noqa: E402, F401
