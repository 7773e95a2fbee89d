"""assessments of approval requests (risk.document_assessed, the gate before a decision); the rule book's
parameters as effective-dated data

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_assessment",
        sa.Column("submission_event_id", sa.Uuid(), nullable=False),
        sa.Column("submission_type", sa.Text(), nullable=False),
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("document_type", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Text(), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("warning_ids", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("submission_event_id"),
    )
    op.create_index("risk_assessment_by_document", "risk_assessment", ["document_type", "document_id"])
    op.create_table(
        "risk_rule_parameters",
        sa.Column("org", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("org", "rule", "effective_from"),
    )

    # The split rule now runs inside the assessment's handler: a submission still waiting for a retry (or parked)
    # under the old handler's name is handed to the new one, which judges it and announces its assessment.
    op.execute(
        "UPDATE inbox SET handler = 'assessment.assess_submission' "
        "WHERE handler = 'warnings.on_spend_submitted' AND status <> 'done' AND NOT EXISTS ("
        "SELECT 1 FROM inbox AS newer WHERE newer.event_id = inbox.event_id "
        "AND newer.handler = 'assessment.assess_submission')"
    )


def downgrade() -> None:
    op.drop_table("risk_rule_parameters")
    op.drop_index("risk_assessment_by_document", table_name="risk_assessment")
    op.drop_table("risk_assessment")
