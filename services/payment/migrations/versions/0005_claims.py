"""expense claims (报销单: detail, flags, invoices; one live claim per application) and attachments (附件,
content-addressed: attachment_blob by SHA-256, attachment links per document)

Revision ID: 0005_claims
Revises: 0004_claims
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ic_platform import attachment_migrations

revision = "0005_claims"
down_revision = "0004_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("expense_claim_no_seq")))
    attachment_migrations.upgrade_v1()
    op.create_table(
        "expense_claim",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("claimant", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("application_no", sa.Text(), nullable=True),
        sa.Column("release_on_approval", sa.Numeric(precision=15, scale=2), server_default="0", nullable=False),
        sa.Column(
            "flags", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column(
            "invoices", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("settled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "kind IN ('travel', 'meeting', 'training', 'reception', 'other')", name="expense_claim_kind"
        ),
        sa.CheckConstraint("amount > 0", name="expense_claim_amount_positive"),
        sa.CheckConstraint("release_on_approval >= 0", name="expense_claim_release_not_negative"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["matter_application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("expense_claim_by_application", "expense_claim", ["application_id"], unique=False)
    op.create_index("expense_claim_by_claimant", "expense_claim", ["claimant", "created_at"], unique=False)
    op.create_index(
        "expense_claim_one_live_per_application",
        "expense_claim",
        ["application_id"],
        unique=True,
        postgresql_where=sa.text("application_id IS NOT NULL AND status NOT IN ('rejected', 'cancelled', 'refused')"),
    )
    op.create_index(
        "expense_claim_reserving",
        "expense_claim",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text("status = 'reserving'"),
    )
    op.create_index(
        "expense_claim_unsettled",
        "expense_claim",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text("status = 'approved' AND NOT settled"),
    )


def downgrade() -> None:
    op.drop_table("expense_claim")
    attachment_migrations.downgrade_v1()
    op.execute(sa.schema.DropSequence(sa.Sequence("expense_claim_no_seq")))
