"""The budget database's tables (SQLAlchemy Core)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.desk import desk_tables
from ic_platform.storage import platform_tables

metadata = sa.MetaData()
MONEY = sa.Numeric(15, 2)

budget_line = sa.Table(
    "budget_line",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("functional_class", sa.Text, nullable=False),
    sa.Column("functional_class_name", sa.Text, nullable=False, server_default=""),
    sa.Column("economic_class", sa.Text, nullable=False),
    sa.Column("economic_class_name", sa.Text, nullable=False, server_default=""),
    sa.Column("project", sa.Text),
    sa.Column("expenditure_kind", sa.Text, nullable=False),
    sa.Column("fund_source", sa.Text, nullable=False),
    sa.Column("source_kind", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("control_mode", sa.Text, nullable=False, server_default="block"),
    sa.Column("tolerance", MONEY, nullable=False, server_default="0"),
    # Tolerance as a percentage of the amount; when set it is used instead of the amount above.
    sa.Column("tolerance_rate", sa.Numeric(5, 2)),
    # 指标分解: the line this one was split from; the parent's amount was reduced by this line's.
    sa.Column("parent_id", sa.Text, sa.ForeignKey("budget_line.id")),
    sa.Column("pre_committed", MONEY, nullable=False, server_default="0"),
    sa.Column("committed", MONEY, nullable=False, server_default="0"),
    sa.Column("actual", MONEY, nullable=False, server_default="0"),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    # 超预算审批: room over `amount` granted to single documents by approved overrides (see LEDGER.md).
    sa.Column("overrun_allowance", MONEY, nullable=False, server_default="0"),
    # 结转: the line of the closed year whose open commitments this line took over.
    sa.Column("carried_from", sa.Text, sa.ForeignKey("budget_line.id"), unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint(
        "amount >= 0 AND pre_committed >= 0 AND committed >= 0 AND actual >= 0 AND overrun_allowance >= 0",
        name="budget_line_non_negative",
    ),
    # The last word on overspending, whatever the code above it does. Only an approved override (超预算审批)
    # widens it, by raising overrun_allowance in the same transaction as the move it allows.
    sa.CheckConstraint(
        "control_mode <> 'block' OR amount + overrun_allowance - pre_committed - committed - actual >= 0",
        name="budget_line_block_no_overspend",
    ),
    sa.CheckConstraint("expenditure_kind IN ('basic', 'project')", name="budget_line_expenditure_kind"),
    sa.CheckConstraint(
        "tolerance >= 0 AND (tolerance_rate IS NULL OR tolerance_rate BETWEEN 0 AND 100)",
        name="budget_line_tolerance_range",
    ),
    sa.Index("budget_line_by_unit", "org", "fiscal_year", "unit"),
    sa.Index("budget_line_by_parent", "parent_id"),
)

budget_move = sa.Table(
    "budget_move",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("budget_line_id", sa.Text, sa.ForeignKey("budget_line.id"), nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("step", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("actor", sa.Text),
    sa.Column("correlation_id", sa.Text),
    sa.Column("override_no", sa.Text),  # the approved override (超预算审批) that allowed this move, if any
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount >= 0", name="budget_move_amount_non_negative"),
    # A document's step moves money on a line once, however often it is asked.
    sa.UniqueConstraint("budget_line_id", "document_type", "document_id", "step", name="budget_move_once"),
    sa.Index("budget_move_by_document", "document_type", "document_id"),
)

# The execution report's monthly projection: each line's net change per stage per month (month of the move,
# Asia/Shanghai), kept in the move's own transaction, so the trend never scans the ledger.
budget_line_month = sa.Table(
    "budget_line_month",
    metadata,
    sa.Column("budget_line_id", sa.Text, sa.ForeignKey("budget_line.id"), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("pre_committed", MONEY, nullable=False, server_default="0"),
    sa.Column("committed", MONEY, nullable=False, server_default="0"),
    sa.Column("actual", MONEY, nullable=False, server_default="0"),
)

# 变更记录: every change to a line (created, decomposed, control mode, amount adjusted…), append-only: the
# migration adds a trigger that refuses UPDATE and DELETE. `kind` is free text so new kinds need no migration.
budget_line_change = sa.Table(
    "budget_line_change",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("budget_line_id", sa.Text, sa.ForeignKey("budget_line.id"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("actor", sa.Text),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("reason", sa.Text),
    sa.Column("before", JSONB),
    sa.Column("after", JSONB),
    sa.Column("document_type", sa.Text),
    sa.Column("document_id", sa.Text),
    sa.Column("document_no", sa.Text),
    sa.Column("correlation_id", sa.Text),
    sa.Index("budget_line_change_by_line", "budget_line_id", "id"),
)

# 控制方式 set for an economic class (a code prefix) of a year: applied to the class's lines when it is set, and
# to lines created in the class later (by create_line or the import) that name no control mode of their own.
budget_control_policy = sa.Table(
    "budget_control_policy",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("economic_class", sa.Text, primary_key=True),  # a prefix: 302 covers 30201, 30211, …
    sa.Column("control_mode", sa.Text, nullable=False),
    sa.Column("tolerance", MONEY, nullable=False, server_default="0"),
    sa.Column("tolerance_rate", sa.Numeric(5, 2)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("set_by", sa.Text),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# The budget service's copy of the organisation's units, from `org.unit_registered`: decomposition and import
# refuse a unit code nobody registered, without asking the org service at run time.
org_unit = sa.Table(
    "org_unit",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    # When the org service announced this version: a late, older event must not overwrite a newer one.
    sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)

# ── budget control documents: adjustments (预算调整), overrides (超预算审批), year close (决算与结转) ──
# Their numbers come from sequences: gaps are fine, duplicates are not.
budget_adjustment_no = sa.Sequence("budget_adjustment_no_seq", metadata=metadata)
budget_override_no = sa.Sequence("budget_override_no_seq", metadata=metadata)
fiscal_year_reopen_no = sa.Sequence("fiscal_year_reopen_no_seq", metadata=metadata)

_TIMES = ("created_at", "updated_at")


def _times() -> list[sa.Column]:
    return [
        sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()) for name in _TIMES
    ]


budget_adjustment = sa.Table(
    "budget_adjustment",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("from_line_id", sa.Text, sa.ForeignKey("budget_line.id")),
    sa.Column("to_line_id", sa.Text, sa.ForeignKey("budget_line.id"), nullable=False),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("fund_source", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("initiator", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("amounts", sa.JSON),  # the lines' amounts before and after, once applied
    *_times(),
    sa.CheckConstraint("amount > 0", name="budget_adjustment_amount_positive"),
    sa.CheckConstraint("kind IN ('transfer', 'supplementary')", name="budget_adjustment_kind"),
    sa.CheckConstraint(
        "kind <> 'transfer' OR (from_line_id IS NOT NULL AND from_line_id <> to_line_id)",
        name="budget_adjustment_transfer_lines",
    ),
    sa.Index("budget_adjustment_by_initiator", "org", "initiator", "created_at"),
    sa.Index("budget_adjustment_by_year", "org", "fiscal_year", "status"),
)

budget_override = sa.Table(
    "budget_override",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("budget_line_id", sa.Text, sa.ForeignKey("budget_line.id"), nullable=False),
    sa.Column("document_type", sa.Text, nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("document_no", sa.Text),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("initiator", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("used_amount", MONEY),
    sa.Column("used_step", sa.Text),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    *_times(),
    sa.CheckConstraint("amount > 0", name="budget_override_amount_positive"),
    sa.Index("budget_override_by_document", "document_type", "document_id"),
)

fiscal_year_state = sa.Table(
    "fiscal_year_state",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("closes", sa.Integer, nullable=False, server_default="0"),  # how often it was closed
    sa.Column("reason", sa.Text),
    sa.Column("closed_by", sa.Text),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("reopened_at", sa.DateTime(timezone=True)),
    sa.Column("summary", sa.JSON),
)

fiscal_year_reopen = sa.Table(
    "fiscal_year_reopen",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("no", sa.Text, nullable=False, unique=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("fiscal_year", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("initiator", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("status_reason", sa.Text),
    *_times(),
)

# 支出标准: one keyed rate row per version; versions of a code follow each other without gaps or overlaps
# (services/budget/domain/standards.py). Limits are JSON (money as two-place strings), as their fields differ
# by kind.
expenditure_standard = sa.Table(
    "expenditure_standard",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("key", JSONB, nullable=False),
    sa.Column("key_text", sa.Text, nullable=False),
    sa.Column("limits", JSONB, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("effective_from", sa.Date, nullable=False),
    sa.Column("effective_to", sa.Date),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('travel', 'meeting', 'training', 'reception')", name="expenditure_standard_kind"),
    sa.CheckConstraint("action IN ('block', 'flag')", name="expenditure_standard_action"),
    sa.CheckConstraint("version >= 1", name="expenditure_standard_version_positive"),
    sa.CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="expenditure_standard_period"),
    sa.UniqueConstraint("org", "code", "version", name="expenditure_standard_version_once"),
    sa.Index("expenditure_standard_by_key", "org", "kind", "key_text", "effective_from"),
)

# 三公经费 annual caps; unit '' is the whole organisation. A reserve on a line of the category locks its cap
# rows (before the line row: one lock order for everyone) and checks the category's consumption.
three_public_cap = sa.Table(
    "three_public_cap",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("category", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True, server_default=""),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("updated_by", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount >= 0", name="three_public_cap_non_negative"),
    sa.CheckConstraint(
        "category IN ('overseas_trips', 'official_vehicles', 'official_reception')", name="three_public_cap_category"
    ),
)

platform = platform_tables(metadata)
# Whose desk each budget document is (or was) on, from approval's events: the data-scope rule's last clause.
desk = desk_tables(metadata)
