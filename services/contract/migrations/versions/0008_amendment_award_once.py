"""an award covers at most one amendment's increase (partial unique index)

An amendment whose increase beyond the 10 % a new procurement's award covers (`via_procurement`) uses that
award while submitted and once approved. A database that already carries two such amendments on one award
cannot take the index: the upgrade stops and names them.

Revision ID: 0008_amendment_award_once
Revises: 0007_running_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_amendment_award_once"
down_revision = "0007_running_figures"
branch_labels = None
depends_on = None

USES_AWARD = "via_procurement IS NOT NULL AND status IN ('submitted', 'approved')"


def upgrade() -> None:
    rows = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT via_procurement, string_agg(no, ', ' ORDER BY no) AS nos FROM contract_amendment "
                f"WHERE {USES_AWARD} GROUP BY via_procurement HAVING count(*) > 1"
            )
        )
        .all()
    )
    if rows:
        listed = "; ".join(f"award {r.via_procurement}: {r.nos}" for r in rows)
        raise RuntimeError(f"one amendment per covering award: reject all but one of each, then migrate: {listed}")
    op.create_index(
        "contract_amendment_one_per_award",
        "contract_amendment",
        ["via_procurement"],
        unique=True,
        postgresql_where=sa.text(USES_AWARD),
    )


def downgrade() -> None:
    op.drop_index("contract_amendment_one_per_award", table_name="contract_amendment")
