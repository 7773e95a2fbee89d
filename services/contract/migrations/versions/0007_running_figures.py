"""running figures per contract for the execution report (contract_running), backfilled

The report read every milestone row on each call (40,000 for 10,000 contracts); each contract now keeps its
running figures, rewritten with every fact that changes them. Existing contracts get theirs here, from their
milestones and payment ledger, with the statement the service uses (adapters/execution_sql.py `REFRESH`) as it
reads today.

Revision ID: 0007_running_figures
Revises: 0006_basis_progress
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_running_figures"
down_revision = "0006_basis_progress"
branch_labels = None
depends_on = None

# As written here, whatever the code says later.
BACKFILL = """
WITH m AS (
    SELECT ms.contract_id, ms.no, ms.condition, ms.planned_date, ms.payment_days,
           ms.amount - coalesce(mp.paid, 0) AS unpaid,
           CASE ms.condition WHEN 'on_signing' THEN c.signed_on WHEN 'after_warranty' THEN NULL
                ELSE ms.met_on END AS met_on,
           ms.condition = 'after_warranty' AS retention
    FROM contract c
    JOIN contract_milestone ms ON ms.contract_id = c.id
    LEFT JOIN (SELECT p.contract_id, p.milestone_no, sum(p.amount) AS paid FROM contract_payment p
               JOIN contract c ON c.id = p.contract_id
               WHERE p.status = 'paid' AND TRUE GROUP BY p.contract_id, p.milestone_no) mp
           ON mp.contract_id = ms.contract_id AND mp.milestone_no = ms.no
    WHERE TRUE
), per_m AS (
    SELECT contract_id,
           sum(unpaid) FILTER (WHERE NOT retention AND met_on IS NOT NULL AND unpaid > 0) AS payable_met,
           sum(unpaid) FILTER (WHERE retention AND unpaid > 0) AS retention_unpaid,
           bool_or(unpaid > 0) FILTER (WHERE NOT retention) AS unfinished,
           min(no) FILTER (WHERE unpaid > 0) AS next_no,
           min(met_on + payment_days) FILTER (WHERE NOT retention AND unpaid > 0 AND payment_days IS NOT NULL)
               AS due_first,
           min(met_on) FILTER (WHERE NOT retention AND unpaid > 0 AND payment_days IS NULL) AS met_first,
           min(payment_days) FILTER (WHERE retention AND unpaid > 0) AS retention_days,
           bool_or(payment_days IS NULL) FILTER (WHERE retention AND unpaid > 0) AS retention_default,
           min(planned_date) FILTER (WHERE NOT retention AND met_on IS NULL) AS planned_first,
           min(planned_date) FILTER (WHERE retention) AS retention_planned,
           max(met_on) AS met_last
    FROM m GROUP BY contract_id
), per_p AS (
    SELECT p.contract_id, sum(p.amount) FILTER (WHERE p.status = 'paid') AS paid,
           sum(p.amount) FILTER (WHERE p.status = 'reserved') AS reserved,
           max(p.paid_on) FILTER (WHERE p.status = 'paid') AS paid_last
    FROM contract_payment p JOIN contract c ON c.id = p.contract_id
    WHERE TRUE GROUP BY p.contract_id
)
INSERT INTO contract_running (contract_id, paid, reserved, payable_met, retention_unpaid, unfinished, next_no,
                              due_first, met_first, retention_days, retention_default, planned_first,
                              retention_planned, facts_until)
SELECT c.id, coalesce(pp.paid, 0), coalesce(pp.reserved, 0), coalesce(pm.payable_met, 0),
       coalesce(pm.retention_unpaid, 0), coalesce(pm.unfinished, false), pm.next_no, pm.due_first, pm.met_first,
       pm.retention_days, coalesce(pm.retention_default, false), pm.planned_first, pm.retention_planned,
       greatest(c.signed_on, pm.met_last, pp.paid_last)
FROM contract c
LEFT JOIN per_m pm ON pm.contract_id = c.id
LEFT JOIN per_p pp ON pp.contract_id = c.id
WHERE TRUE
ON CONFLICT (contract_id) DO UPDATE SET
    paid = EXCLUDED.paid, reserved = EXCLUDED.reserved, payable_met = EXCLUDED.payable_met,
    retention_unpaid = EXCLUDED.retention_unpaid, unfinished = EXCLUDED.unfinished, next_no = EXCLUDED.next_no,
    due_first = EXCLUDED.due_first, met_first = EXCLUDED.met_first, retention_days = EXCLUDED.retention_days,
    retention_default = EXCLUDED.retention_default, planned_first = EXCLUDED.planned_first,
    retention_planned = EXCLUDED.retention_planned, facts_until = EXCLUDED.facts_until
"""


def upgrade() -> None:
    op.create_table(
        "contract_running",
        sa.Column("contract_id", sa.Uuid(), sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("paid", sa.Numeric(15, 2), nullable=False),
        sa.Column("reserved", sa.Numeric(15, 2), nullable=False),
        sa.Column("payable_met", sa.Numeric(15, 2), nullable=False),
        sa.Column("retention_unpaid", sa.Numeric(15, 2), nullable=False),
        sa.Column("unfinished", sa.Boolean(), nullable=False),
        sa.Column("next_no", sa.Integer()),
        sa.Column("due_first", sa.Date()),
        sa.Column("met_first", sa.Date()),
        sa.Column("retention_days", sa.Integer()),
        sa.Column("retention_default", sa.Boolean(), nullable=False),
        sa.Column("planned_first", sa.Date()),
        sa.Column("retention_planned", sa.Date()),
        sa.Column("facts_until", sa.Date()),
        sa.PrimaryKeyConstraint("contract_id"),
    )
    op.create_index("contract_running_by_facts_until", "contract_running", ["facts_until"])
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("contract_running_by_facts_until", table_name="contract_running")
    op.drop_table("contract_running")
