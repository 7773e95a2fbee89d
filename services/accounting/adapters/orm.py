"""The accounting database's tables (SQLAlchemy Core): the chart of accounts, periods (with each month's voucher
counter), vouchers and their journal lines (append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, see
migration 0002), what is owed per contract milestone (payables), and the platform's tables."""

from __future__ import annotations

import sqlalchemy as sa

from ic_platform.storage import platform_tables

metadata = sa.MetaData()

account = sa.Table(
    "account",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("normal_side", sa.Text, nullable=False),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
)

# One row per (org, month) once anything is posted into it or it is closed. `last_seq` is the month's voucher
# counter: the posting transaction locks the row (UPDATE … RETURNING), so numbers are gapless and in commit order.
accounting_period = sa.Table(
    "accounting_period",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("last_seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("status", sa.Text, nullable=False, server_default="open"),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("closed_by", sa.Text),
    sa.CheckConstraint("status IN ('open', 'closed')", name="accounting_period_status"),
)

voucher = sa.Table(
    "voucher",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("no", sa.Text, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("voucher_date", sa.Date, nullable=False),
    sa.Column("business_date", sa.Date, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("source_type", sa.Text, nullable=False),
    sa.Column("source_id", sa.Text, nullable=False),
    sa.Column("source_no", sa.Text, nullable=False, server_default=""),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text),
    sa.Column("fiscal_year", sa.Integer),
    sa.Column("amount", sa.Numeric(15, 2), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("contract_id", sa.Text),  # the contract milestone whose payable it moves, if any
    sa.Column("milestone_no", sa.Integer),
    sa.Column("reverses", sa.Uuid, sa.ForeignKey("voucher.id")),
    sa.Column("posted_by", sa.Text, nullable=False),
    sa.Column("event_id", sa.Text),  # the event it was posted from (none for a reversal made by a person)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.ForeignKeyConstraint(["org", "period"], ["accounting_period.org", "accounting_period.period"]),
    sa.CheckConstraint("amount > 0", name="voucher_amount_positive"),
    sa.CheckConstraint("kind IN ('accrual', 'payment', 'reversal')", name="voucher_kind"),
    sa.UniqueConstraint("org", "no", name="voucher_no_unique"),
    sa.UniqueConstraint("org", "period", "seq", name="voucher_seq_unique"),
    # One voucher per kind and source: an accrual per acceptance, a payment per payment request, a reversal per
    # voucher (the inbox already applies an event once; this holds it in the database too).
    sa.UniqueConstraint("org", "kind", "source_type", "source_id", name="voucher_one_per_source"),
    sa.Index("voucher_by_period", "org", "period", "seq"),
)

journal_line = sa.Table(
    "journal_line",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("voucher_id", sa.Uuid, sa.ForeignKey("voucher.id"), nullable=False),
    sa.Column("line_no", sa.SmallInteger, nullable=False),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("account_code", sa.Text, sa.ForeignKey("account.code"), nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("debit", sa.Numeric(15, 2), nullable=False),
    sa.Column("credit", sa.Numeric(15, 2), nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text),
    sa.Column("fiscal_year", sa.Integer),
    sa.CheckConstraint(
        "debit >= 0 AND credit >= 0 AND (debit > 0) <> (credit > 0)", name="journal_line_one_side_positive"
    ),
    sa.UniqueConstraint("voucher_id", "line_no", name="journal_line_no_unique"),
    # The trial balance reads (org, period, account) with the amounts from the index alone.
    sa.Index("journal_line_by_period", "org", "period", "account_code", postgresql_include=["debit", "credit"]),
    sa.Index("journal_line_by_account", "org", "account_code", "period", "id", postgresql_include=["debit", "credit"]),
    # The reconciliation: budgetary expenditure per budget line and fiscal year.
    sa.Index(
        "journal_line_expenditure",
        "org",
        "fiscal_year",
        "budget_line_id",
        postgresql_include=["debit", "credit", "unit"],
        postgresql_where=sa.text("basis = 'budgetary' AND account_code IN ('7101', '7201')"),
    ),
)

# Each month's turnover per account and unit, added to in the posting transaction (amounts only grow: a
# reversal posts the other side, never a negative): the trial balance reads these sums, not a year of lines.
# Grow-only in the database (trigger, migration 0002); the journal stays the record it is derived from.
account_period_total = sa.Table(
    "account_period_total",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("account_code", sa.Text, sa.ForeignKey("account.code"), primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True),
    sa.Column("debit", sa.Numeric(18, 2), nullable=False, server_default="0"),
    sa.Column("credit", sa.Numeric(18, 2), nullable=False, server_default="0"),
)

# What the office owes per contract milestone (accrued on acceptance, settled by payments): a projection kept
# beside the journal so a payment knows how much of it settles a payable. Not part of the journal.
payable = sa.Table(
    "payable",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("contract_id", sa.Text, primary_key=True),
    sa.Column("milestone_no", sa.Integer, primary_key=True),  # 0 when the event names no milestone
    sa.Column("accrued", sa.Numeric(15, 2), nullable=False, server_default="0"),
    sa.Column("paid", sa.Numeric(15, 2), nullable=False, server_default="0"),
    sa.Column("settled", sa.Numeric(15, 2), nullable=False, server_default="0"),
)

platform = platform_tables(metadata)
