"""one contract per basis (partial unique indexes) and progress certificates (进度确认)

A contract holds its basis (the award, or the approved matter application) unless it ended unsigned
(withdrawn, rejected, cancelled). Contracts on a matter application get the application's id as a column
(it was only in the `basis` JSON) so the database can hold the rule. A database that already carries two live
contracts on one basis cannot take the index: the upgrade stops and names them, for someone to cancel one.

Revision ID: 0006_basis_progress
Revises: 0005_payreq
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006_basis_progress"
down_revision = "0005_payreq"
branch_labels = None
depends_on = None

# As written here, whatever the code says later (adapters/orm.py's HOLDS_BASIS says the same today).
HOLDS_BASIS = "status NOT IN ('cancelled', 'rejected', 'withdrawn')"


def upgrade() -> None:
    op.add_column("contract", sa.Column("application_id", sa.Text()))
    op.execute(
        "UPDATE contract SET application_id = basis -> 'document' ->> 'id' WHERE award_id IS NULL AND basis IS NOT NULL"
    )
    _refuse_existing_duplicates()
    op.create_index(
        "contract_one_per_award",
        "contract",
        ["award_id"],
        unique=True,
        postgresql_where=sa.text(f"award_id IS NOT NULL AND {HOLDS_BASIS}"),
    )
    op.create_index(
        "contract_one_per_application",
        "contract",
        ["application_id"],
        unique=True,
        postgresql_where=sa.text(f"application_id IS NOT NULL AND {HOLDS_BASIS}"),
    )
    op.create_table(
        "contract_progress",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("percent", sa.Numeric(7, 4), nullable=False),
        sa.Column("previous_percent", sa.Numeric(7, 4)),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("certifier", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False, server_default=""),
        sa.Column("milestones_met", JSONB(), nullable=False, server_default="[]"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name="contract_progress_percent"),
        sa.CheckConstraint(
            "previous_percent IS NULL OR percent >= previous_percent", name="contract_progress_not_decreasing"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("contract_progress_by_contract", "contract_progress", ["contract_id", "certified_on"])


def _refuse_existing_duplicates() -> None:
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT coalesce(award_id::text, application_id) AS basis, string_agg(no, ', ' ORDER BY no) AS nos "
                f"FROM contract WHERE {HOLDS_BASIS} AND (award_id IS NOT NULL OR application_id IS NOT NULL) "
                "GROUP BY award_id, application_id HAVING count(*) > 1"
            )
        )
        .all()
    )
    if rows:
        listed = "; ".join(f"basis {r.basis}: {r.nos}" for r in rows)
        raise RuntimeError(
            "one contract per basis: these bases carry more than one live contract; cancel (作废) or reject all "
            f"but one of each, then migrate again: {listed}"
        )


def downgrade() -> None:
    op.drop_index("contract_progress_by_contract", table_name="contract_progress")
    op.drop_table("contract_progress")
    op.drop_index("contract_one_per_application", table_name="contract")
    op.drop_index("contract_one_per_award", table_name="contract")
    op.drop_column("contract", "application_id")
