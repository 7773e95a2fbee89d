"""risk assessment per round: decisions wait for risk.document_assessed

Rounds opened before this migration have no row and are not held (nothing will assess them again).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_risk_assessment",
        sa.Column("submission_event_id", sa.Uuid(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=True),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warning_count", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("submission_event_id"),
    )
    op.create_index(
        "approval_risk_assessment_by_round",
        "approval_risk_assessment",
        ["document_type", "document_id", "round"],
        unique=True,
        postgresql_where=sa.text("round IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "approval_risk_assessment_by_round",
        table_name="approval_risk_assessment",
        postgresql_where=sa.text("round IS NOT NULL"),
    )
    op.drop_table("approval_risk_assessment")
