"""The budget database's tables (SQLAlchemy Core)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ic_platform.storage import platform_tables

metadata = sa.MetaData()
MONEY = sa.Numeric(15, 2)

budget_line = sa.Table(
    "budget_line", metadata,
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
    sa.Column("pre_committed", MONEY, nullable=False, server_default="0"),
    sa.Column("committed", MONEY, nullable=False, server_default="0"),
    sa.Column("actual", MONEY, nullable=False, server_default="0"),
    sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount >= 0 AND pre_committed >= 0 AND committed >= 0 AND actual >= 0",
                       name="budget_line_non_negative"),
    # The last word on overspending, whatever the code above it does.
    sa.CheckConstraint("control_mode <> 'block' OR amount - pre_committed - committed - actual >= 0",
                       name="budget_line_block_no_overspend"),
    sa.CheckConstraint("expenditure_kind IN ('basic', 'project')", name="budget_line_expenditure_kind"),
    sa.Index("budget_line_by_unit", "org", "fiscal_year", "unit"),
)

budget_move = sa.Table(
    "budget_move", metadata,
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount >= 0", name="budget_move_amount_non_negative"),
    # A document's step moves money on a line once, however often it is asked.
    sa.UniqueConstraint("budget_line_id", "document_type", "document_id", "step", name="budget_move_once"),
    sa.Index("budget_move_by_document", "document_type", "document_id"),
)

# The execution report's monthly projection: each line's net change per stage per month (month of the move,
# Asia/Shanghai), kept in the move's own transaction, so the trend never scans the ledger.
budget_line_month = sa.Table(
    "budget_line_month", metadata,
    sa.Column("budget_line_id", sa.Text, sa.ForeignKey("budget_line.id"), primary_key=True),
    sa.Column("month", sa.Date, primary_key=True),
    sa.Column("pre_committed", MONEY, nullable=False, server_default="0"),
    sa.Column("committed", MONEY, nullable=False, server_default="0"),
    sa.Column("actual", MONEY, nullable=False, server_default="0"),
)

# 支出标准: one keyed rate row per version; versions of a code follow each other without gaps or overlaps
# (services/budget/domain/standards.py). Limits are JSON (money as two-place strings), as their fields differ
# by kind.
expenditure_standard = sa.Table(
    "expenditure_standard", metadata,
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
    sa.CheckConstraint("effective_to IS NULL OR effective_to >= effective_from",
                       name="expenditure_standard_period"),
    sa.UniqueConstraint("org", "code", "version", name="expenditure_standard_version_once"),
    sa.Index("expenditure_standard_by_key", "org", "kind", "key_text", "effective_from"),
)

# 三公经费 annual caps; unit '' is the whole organisation. A reserve on a line of the category locks its cap
# rows (before the line row: one lock order for everyone) and checks the category's consumption.
three_public_cap = sa.Table(
    "three_public_cap", metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("fiscal_year", sa.Integer, primary_key=True),
    sa.Column("category", sa.Text, primary_key=True),
    sa.Column("unit", sa.Text, primary_key=True, server_default=""),
    sa.Column("amount", MONEY, nullable=False),
    sa.Column("updated_by", sa.Text),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("amount >= 0", name="three_public_cap_non_negative"),
    sa.CheckConstraint("category IN ('overseas_trips', 'official_vehicles', 'official_reception')",
                       name="three_public_cap_category"),
)

platform = platform_tables(metadata)
