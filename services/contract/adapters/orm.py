"""The contract database's tables (SQLAlchemy Core): the awards heard from procurement, contracts with their
payment terms, amendments; and the shared mechanics' tables (outbox, inbox, idempotency) and desks."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.attachments import attachment_tables
from ic_platform.desk import desk_tables
from ic_platform.storage import platform_tables
from services.contract.domain.contract import FREES_BASIS

metadata = sa.MetaData()

# A contract holds its basis unless it ended unsigned (the domain's FREES_BASIS): one live contract per award,
# one per matter application, held by the database so two racing registrations cannot both pass.
HOLDS_BASIS = "status NOT IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(FREES_BASIS)))

# Numbers people see (HT-2026-000001, BG-2026-000001) come from sequences: gaps are fine, duplicates are not.
contract_no = sa.Sequence("contract_no_seq", metadata=metadata)
amendment_no = sa.Sequence("contract_amendment_no_seq", metadata=metadata)

# A cache of procurement.award_decided: a contract is drafted against it without waiting on procurement.
award_fact = sa.Table(
    "award_fact",
    metadata,
    sa.Column("award_id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("application", JSONB, nullable=False),  # the procurement application (document ref)
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("supplier_name", sa.Text, nullable=False),
    sa.Column("credit_code", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("notice_date", sa.Date, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("pre_commitment_holder", JSONB, nullable=False),
    sa.Column("heard_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

contract = sa.Table(
    "contract",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("scope", sa.Text, nullable=False, server_default=""),
    sa.Column("award_id", sa.Uuid),  # null when the basis is an approved matter application (`basis`)
    sa.Column("basis", JSONB),  # ApplicationFacts of a contract that needed no procurement
    sa.Column("application_id", sa.Text),  # that matter application's id (basis.document.id), for the one-per rule
    sa.Column("supplier_id", sa.Text, nullable=False),
    sa.Column("supplier_name", sa.Text, nullable=False),
    sa.Column("credit_code", sa.Text, nullable=False, server_default=""),
    sa.Column("supplier_registrar", sa.Text, nullable=False, server_default=""),
    sa.Column("original_amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("settlement_amount", sa.Numeric(15, 2)),
    sa.Column("cumulative_increase", sa.Numeric(15, 2), nullable=False, server_default="0"),
    sa.Column("increase_via_procurement", sa.Numeric(15, 2), nullable=False, server_default="0"),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("warranty_end", sa.Date),
    sa.Column("milestones", JSONB, nullable=False),  # the terms in force (resolved amounts, shares kept)
    sa.Column("drafter", sa.Text, nullable=False),
    sa.Column("purchaser", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("round", sa.Integer, nullable=False, server_default="0"),
    sa.Column("signed_on", sa.Date),
    sa.Column("flags", JSONB, nullable=False, server_default="[]"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="contract_amount_positive"),
    sa.CheckConstraint("award_id IS NOT NULL OR basis IS NOT NULL", name="contract_basis_present"),
    sa.Index("contract_by_unit", "org", "unit", "created_at"),
    sa.Index("contract_by_org_status", "org", "status"),
    sa.Index("contract_by_supplier", "org", "supplier_id"),
    sa.Index("contract_by_award", "award_id"),
    # One basis, one contract (the domain's basis_already_contracted).
    sa.Index(
        "contract_one_per_award",
        "award_id",
        unique=True,
        postgresql_where=sa.text(f"award_id IS NOT NULL AND {HOLDS_BASIS}"),
    ),
    sa.Index(
        "contract_one_per_application",
        "application_id",
        unique=True,
        postgresql_where=sa.text(f"application_id IS NOT NULL AND {HOLDS_BASIS}"),
    ),
)
# An amendment whose increase a new procurement's award covers (via_procurement) uses that award for good once
# approved, while in approval too; a rejected one gives it back.
AMENDMENT_USES_AWARD = ("submitted", "approved")
BASIS_INDEXES = ("contract_one_per_award", "contract_one_per_application")

contract_amendment = sa.Table(
    "contract_amendment",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), nullable=False),
    sa.Column("proposer", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("requested_on", sa.Date, nullable=False),
    sa.Column("previous_amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("scope", sa.Text),
    sa.Column("milestones", JSONB, nullable=False),
    sa.Column("via_procurement", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("decided_on", sa.Date),
    # The budget move an approved amendment owes (commit an increase, relieve a decrease): `pending` until the
    # budget has answered (a timer settles it; the budget is idempotent on the amendment's step).
    sa.Column("budget_state", sa.Text, nullable=False, server_default="none"),
    sa.Column("budget_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("contract_amendment_by_contract", "contract_id", "created_at"),
    # One amendment in approval per contract at a time (the domain's amendment_pending, held by the database).
    sa.Index(
        "contract_amendment_one_pending",
        "contract_id",
        unique=True,
        postgresql_where=sa.text("status = 'submitted'"),
    ),
    sa.Index("contract_amendment_budget_pending", "created_at", postgresql_where=sa.text("budget_state = 'pending'")),
    # One amendment per covering award (the contract's side of the rule is contract_one_per_award; across the
    # two tables, the repository's advisory lock per basis).
    sa.Index(
        "contract_amendment_one_per_award",
        "via_procurement",
        unique=True,
        postgresql_where=sa.text("via_procurement IS NOT NULL AND status IN ('submitted', 'approved')"),
    ),
)

# The terms in force as rows (kept with `contract.milestones`): the execution report aggregates them in SQL.
# `met_on` is the day an on_acceptance / on_progress condition was met, fed by acceptances and progress
# certificates (issue 12); on_signing and after_warranty follow from the contract's own dates.
contract_milestone = sa.Table(
    "contract_milestone",
    metadata,
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), primary_key=True),
    sa.Column("no", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("condition", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("planned_date", sa.Date),
    sa.Column("payment_days", sa.Integer),  # null: the policy's default
    sa.Column("met_on", sa.Date),
)

# Each contract's running figures for the execution report (adapters/execution_sql.py `refresh`): what its
# milestones and payment ledger make of it as recorded now, rewritten in the transaction of every fact that
# changes them, so the report reads one row per contract, not every milestone. Sums are money; the dates and
# days are what the day asked is compared with (see execution_sql's docstring).
contract_running = sa.Table(
    "contract_running",
    metadata,
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), primary_key=True),
    sa.Column("paid", sa.Numeric(15, 2), nullable=False),  # payments made (status paid)
    sa.Column("reserved", sa.Numeric(15, 2), nullable=False),  # payments in approval (status reserved)
    sa.Column("payable_met", sa.Numeric(15, 2), nullable=False),  # Σ unpaid of met milestones but retention
    sa.Column("retention_unpaid", sa.Numeric(15, 2), nullable=False),  # payable once the warranty has ended
    sa.Column("unfinished", sa.Boolean, nullable=False),  # a milestone but retention unpaid (lapsed once past end)
    sa.Column("next_no", sa.Integer),  # the first milestone with something unpaid
    sa.Column("due_first", sa.Date),  # first due day of a met, unpaid milestone with its own payment days
    sa.Column("met_first", sa.Date),  # first met day of a met, unpaid milestone on the default payment days
    sa.Column("retention_days", sa.Integer),  # fewest own payment days of unpaid retention
    sa.Column("retention_default", sa.Boolean, nullable=False),  # unpaid retention on the default days
    sa.Column("planned_first", sa.Date),  # first planned day of an unmet milestone but retention
    sa.Column("retention_planned", sa.Date),  # first planned day of a retention milestone
    sa.Column("facts_until", sa.Date),  # the latest fact (signing, condition met, payment): valid from this day
    sa.Index("contract_running_by_facts_until", "facts_until"),  # the report's one probe: any fact after as_of?
)

# The organisation's unit names, from `org.unit_registered`: reports show names beside codes.
org_unit = sa.Table(
    "org_unit",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
)
# 附件 of contract's documents (ic_platform/attachments.py), read under the document's own data scope.
attachments = attachment_tables(metadata)

# Acceptances (验收) of a milestone or of a delivery: recorded once each, never edited (a later one supersedes).
contract_acceptance = sa.Table(
    "contract_acceptance",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), nullable=False),
    sa.Column("milestone_no", sa.Integer),
    sa.Column("delivery", sa.Text),
    sa.Column("result", sa.Text, nullable=False),
    sa.Column("accepted_on", sa.Date, nullable=False),
    sa.Column("members", JSONB, nullable=False),
    sa.Column("acceptor", sa.Text, nullable=False),
    sa.Column("findings", sa.Text, nullable=False, server_default=""),
    sa.Column("amount", sa.Numeric(15, 2)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("result in ('passed', 'failed', 'passed_with_remarks')", name="contract_acceptance_result"),
    sa.CheckConstraint("milestone_no is not null or delivery is not null", name="contract_acceptance_subject"),
    sa.Index("contract_acceptance_by_contract", "contract_id", "accepted_on"),
)

# Progress certificates (进度确认) of contracts paid by progress: recorded once each, never edited; each one's
# percentage at least the one before (the contract row's lock orders them; the CHECK holds it in any case).
contract_progress = sa.Table(
    "contract_progress",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), nullable=False),
    sa.Column("percent", sa.Numeric(7, 4), nullable=False),
    sa.Column("previous_percent", sa.Numeric(7, 4)),
    sa.Column("certified_on", sa.Date, nullable=False),
    sa.Column("certifier", sa.Text, nullable=False),
    sa.Column("remarks", sa.Text, nullable=False, server_default=""),
    sa.Column("milestones_met", JSONB, nullable=False, server_default="[]"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("percent > 0 AND percent <= 100", name="contract_progress_percent"),
    sa.CheckConstraint(
        "previous_percent IS NULL OR percent >= previous_percent", name="contract_progress_not_decreasing"
    ),
    sa.Index("contract_progress_by_contract", "contract_id", "certified_on"),
)

# The payment ledger against a contract: a payment request reserves (占用) its amount here before approval,
# under the contract row's lock, so cumulative payments never pass the contract amount however many requests
# race; execution settles it (paid), a rejection releases it.
contract_payment = sa.Table(
    "contract_payment",
    metadata,
    sa.Column("payment_id", sa.Uuid, primary_key=True),
    sa.Column("payment_no", sa.Text, nullable=False),
    sa.Column("contract_id", sa.Uuid, sa.ForeignKey("contract.id"), nullable=False),
    sa.Column("milestone_no", sa.Integer),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # reserved | paid | released
    sa.Column("reserved_on", sa.Date, nullable=False),
    sa.Column("paid_on", sa.Date),
    sa.Column("reference", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="contract_payment_amount_positive"),
    sa.CheckConstraint("status in ('reserved', 'paid', 'released')", name="contract_payment_status"),
    sa.Index("contract_payment_by_contract", "contract_id"),
)

platform = platform_tables(metadata)
# Whose desk each contract is (or was) on, from approval's events: the data-scope rule's last clause.
desk = desk_tables(metadata)
