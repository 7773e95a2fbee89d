"""The payment (支出) database's tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.attachments import attachment_tables
from ic_platform.desk import desk_tables
from ic_platform.storage import platform_tables

metadata = sa.MetaData()

# Numbers people see (SQ-2026-000001) come from a sequence: gaps are fine, duplicates are not.
matter_application_no = sa.Sequence("matter_application_no_seq", metadata=metadata)

matter_application = sa.Table(
    "matter_application",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("purpose", sa.Text, nullable=False, server_default=""),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("applicant", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("major_matter", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("reservation", sa.Integer, nullable=False, server_default="1"),
    sa.Column("routed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("override_id", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="matter_application_amount_positive"),
    sa.CheckConstraint("reservation >= 1", name="matter_application_reservation_positive"),
    sa.Index("matter_application_by_applicant", "applicant", "created_at"),
    sa.Index("matter_application_reserving", "updated_at", postgresql_where=sa.text("status = 'reserving'")),
)

# Invoices used by documents (发票登记簿): the primary key is the normalised invoice key (domain/invoices.py), so
# the database itself refuses a second use, whatever the race between two documents (expense claims and payment
# requests alike). A released invoice (its document cancelled or rejected) leaves this table for
# `invoice_release`, and may be used again.
invoice_use = sa.Table(
    "invoice_use",
    metadata,
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("number", sa.Text, nullable=False),
    sa.Column("code", sa.Text),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("issuer_credit_code", sa.Text, nullable=False),
    sa.Column("issuer_name", sa.Text),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("tax", sa.Numeric(15, 2), nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.PrimaryKeyConstraint("key", name="invoice_use_key_unique"),
    sa.CheckConstraint("kind IN ('digital', 'legacy')", name="invoice_use_kind"),
    sa.CheckConstraint("amount > 0 AND tax >= 0 AND tax < amount", name="invoice_use_amounts"),
    sa.Index("invoice_use_by_document", "document_type", "document_id"),
)

# Past uses given back (the document cancelled or rejected): who held the invoice, until when, why.
invoice_release = sa.Table(
    "invoice_release",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text, nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("released_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Index("invoice_release_by_key", "key"),
)

# Expense claims (报销单). Numbers BX-2026-000001 from a sequence. The kind's detail (trips, guests, items) is
# stored as given; `flags` are the rules a policy let through (standards, transport class) for risk.
expense_claim_no = sa.Sequence("expense_claim_no_seq", metadata=metadata)

expense_claim = sa.Table(
    "expense_claim",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("claimant", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("detail", JSONB, nullable=False),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("matter_application.id")),
    sa.Column("application_no", sa.Text),
    sa.Column("release_on_approval", sa.Numeric(15, 2), nullable=False, server_default="0"),
    sa.Column("flags", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("invoices", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("settled", sa.Boolean, nullable=False, server_default=sa.false()),
    # The approval round: a returned claim, corrected and resubmitted, is the next (budget steps are named by it).
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="expense_claim_amount_positive"),
    sa.CheckConstraint("release_on_approval >= 0", name="expense_claim_release_not_negative"),
    sa.CheckConstraint("kind IN ('travel', 'meeting', 'training', 'reception', 'other')", name="expense_claim_kind"),
    sa.Index("expense_claim_by_claimant", "claimant", "created_at"),
    sa.Index("expense_claim_by_application", "application_id"),
    sa.Index("expense_claim_reserving", "updated_at", postgresql_where=sa.text("status = 'reserving'")),
    sa.Index(
        "expense_claim_unsettled",
        "updated_at",
        postgresql_where=sa.text("status = 'approved' AND NOT settled"),
    ),
)
# One live claim per application, by the database: a second one racing the first fails here.
sa.Index(
    "expense_claim_one_live_per_application",
    expense_claim.c.application_id,
    unique=True,
    postgresql_where=sa.text("application_id IS NOT NULL AND status NOT IN ('rejected', 'cancelled', 'refused')"),
)

# 附件 of payment's documents (ic_platform/attachments.py): matter applications, expense claims, payments.
attachments = attachment_tables(metadata)

platform = platform_tables(metadata)
# Whose desk each application is (or was) on, from approval's events: the data-scope rule's last clause.
desk = desk_tables(metadata)

# Payment requests (付款申请) and their execution (支付). Numbers FK-2026-000001 from a sequence.
payment_request_no = sa.Sequence("payment_request_no_seq", metadata=metadata)

payment_request = sa.Table(
    "payment_request",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("requester", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("basis", sa.Text, nullable=False),  # contract_milestone | expense_claim | matter_application
    sa.Column("basis_id", sa.Text, nullable=False),
    sa.Column("basis_no", sa.Text, nullable=False),
    sa.Column("contract_id", sa.Text),
    sa.Column("milestone_no", sa.Integer),
    sa.Column("supplier_id", sa.Text),
    sa.Column("payee", JSONB, nullable=False),
    sa.Column("invoices", JSONB, nullable=False, server_default="[]"),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("approvers", JSONB, nullable=False, server_default="[]"),
    # The reservation against the contract: held until executed (and while returned), or given back (a timer asks
    # the contract service) once the request is rejected or withdrawn; a resubmission reserves afresh.
    sa.Column("reservation", sa.Text, nullable=False, server_default="none"),  # none | held | releasing | released
    sa.Column("executed_on", sa.Date),
    sa.Column("reference", sa.Text),
    sa.Column("executor", sa.Text),
    sa.Column("fiscal_year", sa.Integer),
    sa.Column("economic_class", sa.Text),
    # The approval round: a returned request, corrected and resubmitted through the gate again, is the next.
    sa.Column("round", sa.Integer, nullable=False, server_default="1"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="payment_request_amount_positive"),
    sa.Index("payment_request_by_unit", "org", "unit", "created_at"),
    sa.Index("payment_request_by_basis", "basis", "basis_id"),
    sa.Index("payment_request_releasing", "updated_at", postgresql_where=sa.text("reservation = 'releasing'")),
)
