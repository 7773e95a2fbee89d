"""OCDS: imported releases, own processes, Cardinal flags and parameters

Revision ID: 0009_ocds
Revises: 0008_riskwork
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_ocds"
down_revision = "0008_riskwork"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cardinal_parameters",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("org", "effective_from"),
    )
    op.create_table(
        "ocds_flag",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("ocid", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("grp", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("kind IN ('process', 'population')", name="ocds_flag_kind"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ocds_flag_by_import", "ocds_flag", ["import_id"], unique=False)
    op.create_index("ocds_flag_by_indicator", "ocds_flag", ["org", "indicator", "id"], unique=False)
    op.create_index("ocds_flag_by_ocid", "ocds_flag", ["org", "ocid"], unique=False)
    op.create_table(
        "ocds_import",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=True),
        sa.Column("imported_by", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("rejections", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "ocds_own_key",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("ocid", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "ocds_process",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("ocid", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Uuid(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("buyer_id", sa.Text(), nullable=True),
        sa.Column("buyer_name", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("method", sa.Text(), nullable=True),
        sa.Column("method_details", sa.Text(), nullable=True),
        sa.Column("tender_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tender_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tender_amount", sa.Numeric(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.Column("number_of_tenderers", sa.Integer(), nullable=True),
        sa.Column("award_total", sa.Numeric(), nullable=True),
        sa.Column("contract_total", sa.Numeric(), nullable=True),
        sa.Column("paid_total", sa.Numeric(), nullable=True),
        sa.Column("suppliers", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("facts", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("release", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("source IN ('imported', 'own')", name="ocds_process_source"),
        sa.PrimaryKeyConstraint("org", "ocid"),
    )
    op.create_index("ocds_process_by_import", "ocds_process", ["import_id"], unique=False)
    op.create_index("ocds_process_by_source_date", "ocds_process", ["org", "source", "date"], unique=False)
    op.create_table(
        "ocds_supplier_award",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("ocid", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("supplier_name", sa.Text(), nullable=True),
        sa.Column("amount", sa.Numeric(), nullable=True),
        sa.Column("currency", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("org", "ocid", "supplier_id"),
    )
    op.create_index("ocds_supplier_award_by_supplier", "ocds_supplier_award", ["org", "supplier_id"], unique=False)
    op.create_table(
        "ocds_supplier_name",
        sa.Column("supplier_id", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("supplier_id"),
    )


def downgrade() -> None:
    for table in (
        "ocds_supplier_name",
        "ocds_supplier_award",
        "ocds_process",
        "ocds_own_key",
        "ocds_import",
        "ocds_flag",
        "cardinal_parameters",
    ):
        op.drop_table(table)
