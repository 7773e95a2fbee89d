"""The risk database's tables (SQLAlchemy Core)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

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

# The facts the rules look back on: the split rules' parts and day buckets are further down (splitting).

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

# ── splitting and thresholds (domain/splitting.py) ──
# Every spending document heard, once per scope it counts in (unit, class:…, procurement, category:…,
# supplier:…), whatever its amount: the parts the buckets are counted from, and the evidence's list.
risk_split_part = sa.Table(
    "risk_split_part",
    metadata,
    sa.Column("document_type", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("scope", sa.Text, primary_key=True),
    sa.Column("document_no", sa.Text),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("budget_line_id", sa.Text),
    sa.Index("risk_split_part_by_day", "org", "unit", "scope", "day", "at"),
)
# Running sums per (unit, scope, band of amounts counted, office day): what a judgement reads.
risk_split_bucket = sa.Table(
    "risk_split_bucket",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("scope", sa.Text, primary_key=True),
    sa.Column("band", sa.Text, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("total", sa.Numeric(18, 2), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)
# The bands whose buckets exist for a (unit, scope): a band not yet counted is counted once from the parts.
risk_split_band = sa.Table(
    "risk_split_band",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("scope", sa.Text, primary_key=True),
    sa.Column("band", sa.Text, primary_key=True),
    sa.Column("low", sa.Numeric(18, 2), nullable=False),
    sa.Column("high", sa.Numeric(18, 2), nullable=False),
)
# The strongest procurement method seen per need (method downgrade).
risk_need_method = sa.Table(
    "risk_need_method",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("need", sa.Text, primary_key=True),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
)

# ── payments against the chain (domain/payments.py), one row per key ──
# Each contract's terms as contract.drafted/signed/amended/terminated said, and what was paid on it.
risk_pay_contract = sa.Table(
    "risk_pay_contract",
    metadata,
    sa.Column("contract_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("original_amount", sa.Numeric(18, 2), nullable=False),
    sa.Column("signed_on", sa.Date),
    sa.Column("start_date", sa.Date),
    sa.Column("end_date", sa.Date),
    sa.Column("milestones", JSONB, nullable=False, server_default="{}"),
    sa.Column("amendments", sa.Integer, nullable=False, server_default="0"),
    sa.Column("paid", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
)
# The latest acceptance per (contract, milestone); milestone 0 is "the contract" (any passed acceptance).
risk_pay_acceptance = sa.Table(
    "risk_pay_acceptance",
    metadata,
    sa.Column("contract_id", sa.Text, primary_key=True),
    sa.Column("milestone_no", sa.Integer, primary_key=True),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("accepted_on", sa.Date, nullable=False),
)
# Suppliers' registered credit codes, and the latest change that gave each account to a supplier.
risk_supplier = sa.Table(
    "risk_supplier",
    metadata,
    sa.Column("supplier_id", sa.Text, primary_key=True),
    sa.Column("credit_code", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
)
risk_supplier_account = sa.Table(
    "risk_supplier_account",
    metadata,
    sa.Column("supplier_id", sa.Text, primary_key=True),
    sa.Column("account_no", sa.Text, primary_key=True),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)
# The first payment per (supplier, normalised invoice, amount): a second one is a duplicate.
risk_invoice_use = sa.Table(
    "risk_invoice_use",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("supplier_key", sa.Text, primary_key=True),
    sa.Column("invoice_key", sa.Text, primary_key=True),
    sa.Column("amount", sa.Numeric(18, 2), primary_key=True),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("on", sa.Date, nullable=False),
)
# Payments per (supplier, amount, day): the near-duplicate rule reads those of the same supplier and amount
# within its days (an indexed range), never the supplier's history.
risk_payment_seen = sa.Table(
    "risk_payment_seen",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("supplier_key", sa.Text, primary_key=True),
    sa.Column("amount", sa.Numeric(18, 2), primary_key=True),
    sa.Column("on", sa.Date, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("invoice_numbers", JSONB, nullable=False, server_default="[]"),
)
# Matter applications' amounts (a claim is compared with its application).
risk_application_amount = sa.Table(
    "risk_application_amount",
    metadata,
    sa.Column("application_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("amount", sa.Numeric(18, 2), nullable=False),
)
# ── suppliers and contracts (domain/suppliers.py) ──
# Procurement applications per (unit, year, method); method '' is all of them. Each document counted once.
risk_method_year = sa.Table(
    "risk_method_year",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("method", sa.Text, primary_key=True),
    sa.Column("total", sa.Numeric(18, 2), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)
risk_method_counted = sa.Table(
    "risk_method_counted",
    metadata,
    sa.Column("document_type", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
)
# ── behaviour (domain/behaviour.py) ──
# Executed payments per paying unit, year and month; and the unit-year's first-digit counts (Benford).
risk_unit_month = sa.Table(
    "risk_unit_month",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("month", sa.Integer, primary_key=True),
    sa.Column("total", sa.Numeric(18, 2), nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)
risk_benford = sa.Table(
    "risk_benford",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("counts", ARRAY(sa.Integer), nullable=False),
    sa.Column("warned", sa.Boolean, nullable=False, server_default=sa.false()),
)
# What is counted once per key (an executed payment in the running sums): (purpose, key).
risk_once = sa.Table(
    "risk_once",
    metadata,
    sa.Column("purpose", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
)

platform = platform_tables(metadata)
# Who owns each document and whose desk it is (or was) on: the data-scope rule for dossiers and warnings.
desk = desk_tables(metadata)

# The supervision desk's tables join this metadata (warnings as cases, tasks, units, projects).
# The OCDS tables live in their own module (adapters/ocds_tables.py) on this metadata.
from services.risk.adapters import ocds_tables as _ocds_tables  # noqa: E402, F401
from services.risk.adapters import supervision_orm  # noqa: E402,F401
