"""matter applications, platform tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from ic_platform import platform_migrations

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    platform_migrations.upgrade_v1()
    op.execute(sa.schema.CreateSequence(sa.Sequence("matter_application_no_seq")))
    op.create_table(
        "matter_application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("no", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), server_default="", nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("budget_line_id", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("major_matter", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount > 0", name="matter_application_amount_positive"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("no"),
    )
    op.create_index("matter_application_by_applicant", "matter_application", ["applicant", "created_at"], unique=False)
    op.create_index(
        "matter_application_reserving",
        "matter_application",
        ["updated_at"],
        unique=False,
        postgresql_where=sa.text("status = 'reserving'"),
    )
