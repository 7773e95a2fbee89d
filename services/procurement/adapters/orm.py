"""The procurement database's tables (SQLAlchemy Core): applications and their items, intentions, quotes,
tenders and bids, awards, the supplier registry, and the effective-dated policy (thresholds, catalogue,
settings) the method is determined by."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.attachments import attachment_tables
from ic_platform.desk import desk_tables
from ic_platform.storage import platform_tables

metadata = sa.MetaData()

MONEY = sa.Numeric(15, 2)
# An application no longer holding its matter application: another may be made from it.
ENDED = "status NOT IN ('rejected', 'refused', 'cancelled')"
ONE_PER_MATTER = "procurement_application_one_per_matter"

# Numbers people see (CG-2026-000001) come from a sequence: gaps are fine, duplicates are not.
procurement_application_no = sa.Sequence("procurement_application_no_seq", metadata=metadata)


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


procurement_application = sa.Table(
    "procurement_application",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("applicant", sa.Text, nullable=False),
    sa.Column("purchaser", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("form", sa.Text),
    sa.Column("justification", sa.Text),
    sa.Column("extra_approval", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("major_matter", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("round", sa.Integer, nullable=False, server_default="0"),
    sa.Column("budget_line_id", sa.Text, nullable=False),
    sa.Column("matter_application_id", sa.Text),
    sa.Column("matter_application_no", sa.Text),
    sa.Column("matter_amount", MONEY),
    sa.Column("requirement", JSONB),
    sa.Column("submitted_on", sa.Date),
    sa.Column("approved_on", sa.Date),
    sa.Column("method_change", JSONB),
    sa.Column("award_id", sa.Uuid),
    _created(),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount > 0", name="procurement_application_amount_positive"),
    sa.Index("procurement_application_by_org", "org", "created_at"),
    sa.Index("procurement_application_by_unit", "org", "unit", "created_at"),
    # One matter application funds at most one live procurement application (its pre-commitment, once).
    sa.Index(
        ONE_PER_MATTER,
        "matter_application_id",
        unique=True,
        postgresql_where=sa.text(f"matter_application_id IS NOT NULL AND {ENDED}"),
    ),
    sa.Index("procurement_application_reserving", "updated_at", postgresql_where=sa.text("status = 'reserving'")),
)

procurement_item = sa.Table(
    "procurement_item",
    metadata,
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("procurement_application.id"), primary_key=True),
    sa.Column("line_no", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("quantity", sa.Numeric(15, 3), nullable=False),
    sa.Column("measure", sa.Text, nullable=False, server_default=""),  # 计量单位 (the domain's Item.unit)
    sa.Column("unit_price", MONEY, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("catalogue_code", sa.Text),
    sa.Column("specification", sa.Text, nullable=False, server_default=""),
)

procurement_intention = sa.Table(
    "procurement_intention",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("procurement_application.id"), nullable=False, unique=True),
    sa.Column("published_on", sa.Date, nullable=False),
    sa.Column("expected_start", sa.Date),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("published_where", sa.Text, nullable=False),
    _created(),
)

procurement_quote = sa.Table(
    "procurement_quote",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("procurement_application.id"), nullable=False),
    sa.Column("supplier_id", sa.Uuid, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("quoted_on", sa.Date, nullable=False),
    sa.Column("evidence", JSONB, nullable=False, server_default="[]"),
    sa.Column("chosen", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("application_id", "supplier_id", name="procurement_quote_one_per_supplier"),
)

procurement_tender = sa.Table(
    "procurement_tender",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("procurement_application.id"), nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submission_deadline", sa.DateTime(timezone=True), nullable=False),
    sa.Column("budget_amount", MONEY, nullable=False),
    sa.Column("evaluation_method", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("evaluated_on", sa.Date),
    sa.Column("award_id", sa.Uuid),
    sa.Column("flags", JSONB, nullable=False, server_default="[]"),
    _created(),
    sa.Index("procurement_tender_by_application", "application_id"),
)

procurement_bid = sa.Table(
    "procurement_bid",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("tender_id", sa.Uuid, sa.ForeignKey("procurement_tender.id"), nullable=False),
    sa.Column("supplier_id", sa.Uuid, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("score", sa.Numeric(7, 2)),
    sa.Column("rank", sa.Integer),
    sa.Index(
        "procurement_bid_one_per_supplier",
        "tender_id",
        "supplier_id",
        unique=True,
        postgresql_where=sa.text("status <> 'late'"),
    ),
)

procurement_award = sa.Table(
    "procurement_award",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("application_id", sa.Uuid, sa.ForeignKey("procurement_application.id"), nullable=False, unique=True),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("supplier_id", sa.Uuid, nullable=False),
    sa.Column("supplier_name", sa.Text, nullable=False),
    sa.Column("credit_code", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("budget_amount", MONEY, nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("decided_on", sa.Date, nullable=False),
    sa.Column("notice_date", sa.Date, nullable=False),
    sa.Column("tender_id", sa.Uuid),
    sa.Column("justification", sa.Text),
    sa.Column("flags", JSONB, nullable=False, server_default="[]"),
    # The contract signed on the award (heard from contract.signed): the purchase is contracted.
    sa.Column("contract", JSONB),
    sa.Column("contracted_on", sa.Date),
    _created(),
    # The supplier analysis (供应商信息表) reads awards by notice date, office-wide or per unit.
    sa.Index("procurement_award_by_notice", "org", "notice_date"),
    sa.Index("procurement_award_by_unit", "org", "unit", "notice_date"),
)

supplier = sa.Table(
    "supplier",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("credit_code", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("legal_representative", sa.Text, nullable=False),
    sa.Column("registrar", sa.Text, nullable=False),
    sa.Column("sme", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("org", "credit_code", name="supplier_credit_code_once"),
    sa.Index("supplier_by_name", "org", "name"),
)

supplier_bank_account = sa.Table(
    "supplier_bank_account",
    metadata,
    sa.Column("supplier_id", sa.Uuid, sa.ForeignKey("supplier.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("bank_name", sa.Text, nullable=False),
    sa.Column("account_name", sa.Text, nullable=False),
    sa.Column("account_no", sa.Text, nullable=False),
)

# Append-only: who changed which account, when and why (a change shortly before a payment is a risk signal).
supplier_bank_account_change = sa.Table(
    "supplier_bank_account_change",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("supplier_id", sa.Uuid, sa.ForeignKey("supplier.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("change", sa.Text, nullable=False),
    sa.Column("before", JSONB),
    sa.Column("after", JSONB),
    sa.Column("changed_by", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.UniqueConstraint("supplier_id", "seq", name="supplier_bank_account_change_once"),
)

# Suspensions and blacklistings: never deleted; lifting one ends it and records who and why.
supplier_status_period = sa.Table(
    "supplier_status_period",
    metadata,
    sa.Column("supplier_id", sa.Uuid, sa.ForeignKey("supplier.id"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("standing", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("lifted_by", sa.Text),
    sa.Column("lifted_at", sa.DateTime(timezone=True)),
    sa.Column("lift_reason", sa.Text),
)

# ── the policy, as effective-dated data (`demo` marks values that are not the office's real standard) ──
procurement_thresholds = sa.Table(
    "procurement_thresholds",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("category", sa.Text, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("effective_to", sa.Date),
    sa.Column("decentralised", MONEY, nullable=False),  # 分散采购限额标准
    sa.Column("open_tender", MONEY, nullable=False),  # 公开招标数额标准
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
)

procurement_catalogue = sa.Table(
    "procurement_catalogue",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),  # 品目编码
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("effective_to", sa.Date),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("min_amount", MONEY, nullable=False, server_default="0"),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
)

procurement_settings = sa.Table(
    "procurement_settings",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("intention_notice_days", sa.Integer, nullable=False),
    sa.Column("intention_short_notice", sa.Text, nullable=False),  # refuse / flag
    sa.Column("market_research_from", MONEY, nullable=False),
    sa.Column("min_quotes", sa.Integer, nullable=False),
    sa.Column("major_matter_from", MONEY, nullable=False),
    sa.Column("demo", sa.Boolean, nullable=False, server_default=sa.false()),
)

# 附件 of procurement's documents (ic_platform/attachments.py), read under the document's own data scope.
attachments = attachment_tables(metadata)

platform = platform_tables(metadata)
# Whose desk each application is (or was) on, from approval's events: the data-scope rule's last clause.
desk = desk_tables(metadata)
