"""The OCDS tables of the risk database (open-contracting data: imported releases, the office's own processes,
Cardinal's red flags). Registered on the service's one `metadata` (orm.py imports this module), so the migration
check sees them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from services.risk.adapters.orm import metadata

# One import of a JSON-lines file (导入批次): who, when, how many lines, which were rejected.
ocds_import = sa.Table(
    "ocds_import",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("source_name", sa.Text),
    sa.Column("imported_by", sa.Text),
    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("lines", sa.Integer, nullable=False),
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("rejections", JSONB, nullable=False, server_default="[]"),
    sa.Column("partial", sa.Boolean, nullable=False),
)

# One contracting process (采购项目) as an OCDS compiled release: imported (history of other buyers, or the
# office's own past years) or the office's own (folded from its events, `state`). The latest compiled release
# of an ocid replaces the earlier one. `facts` are what the population indicators need (cardinal.Facts).
ocds_process = sa.Table(
    "ocds_process",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("ocid", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("import_id", sa.Uuid),
    sa.Column("unit", sa.Text),
    sa.Column("date", sa.DateTime(timezone=True)),
    sa.Column("buyer_id", sa.Text),
    sa.Column("buyer_name", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("method", sa.Text),
    sa.Column("method_details", sa.Text),
    sa.Column("tender_start", sa.DateTime(timezone=True)),
    sa.Column("tender_end", sa.DateTime(timezone=True)),
    sa.Column("tender_amount", sa.Numeric),
    sa.Column("currency", sa.Text),
    sa.Column("number_of_tenderers", sa.Integer),
    sa.Column("award_total", sa.Numeric),
    sa.Column("contract_total", sa.Numeric),
    sa.Column("paid_total", sa.Numeric),
    sa.Column("suppliers", JSONB, nullable=False, server_default="[]"),
    sa.Column("facts", JSONB),
    sa.Column("release", JSONB, nullable=False),
    sa.Column("state", JSONB),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("source IN ('imported', 'own')", name="ocds_process_source"),
    sa.Index("ocds_process_by_source_date", "org", "source", "date"),
    sa.Index("ocds_process_by_import", "import_id"),
)

# Suppliers' awards (供应商中标历史), one row per (process, supplier) of an active award.
ocds_supplier_award = sa.Table(
    "ocds_supplier_award",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("ocid", sa.Text, primary_key=True),
    sa.Column("supplier_id", sa.Text, primary_key=True),
    sa.Column("supplier_name", sa.Text),
    sa.Column("amount", sa.Numeric),
    sa.Column("currency", sa.Text),
    sa.Index("ocds_supplier_award_by_supplier", "org", "supplier_id"),
)

# Cardinal's results. kind 'process': raised by one process (replaced when the process changes); kind
# 'population': an outlier of the org's population (replaced by each analysis).
ocds_flag = sa.Table(
    "ocds_flag",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("ocid", sa.Text),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("indicator", sa.Text, nullable=False),
    sa.Column("grp", sa.Text, nullable=False),
    sa.Column("subject", sa.Text, nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("evidence", JSONB, nullable=False, server_default="{}"),
    sa.Column("import_id", sa.Uuid),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('process', 'population')", name="ocds_flag_kind"),
    sa.Index("ocds_flag_by_indicator", "org", "indicator", "id"),
    sa.Index("ocds_flag_by_ocid", "org", "ocid"),
    sa.Index("ocds_flag_by_import", "import_id"),
)

# How a later event finds its own process: an award's or a contract's id → the process's ocid.
ocds_own_key = sa.Table(
    "ocds_own_key",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("ocid", sa.Text, nullable=False),
)

# Suppliers' names as registered (供应商库), to name tenderers in the office's own releases.
ocds_supplier_name = sa.Table(
    "ocds_supplier_name",
    metadata,
    sa.Column("supplier_id", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("credit_code", sa.Text),
)

# Cardinal's parameters as effective-dated versions per org (none stored: Cardinal's defaults).
cardinal_parameters = sa.Table(
    "cardinal_parameters",
    metadata,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("parameters", JSONB, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("set_by", sa.Text),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)
