"""matter applications: reservations counted (a withdrawn or refused one reserves again), whether approval has a
route for it, the over-budget override its reservation may use; cancelled and closed are statuses (text)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("matter_application", sa.Column("reservation", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("matter_application", sa.Column("routed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("matter_application", sa.Column("override_id", sa.Text(), nullable=True))
    # Every application that got past its reservation was sent into approval.
    op.execute("UPDATE matter_application SET routed = true WHERE status NOT IN ('reserving', 'refused')")
    op.create_check_constraint("matter_application_reservation_positive", "matter_application", "reservation >= 1")


def downgrade() -> None:
    op.drop_constraint("matter_application_reservation_positive", "matter_application")
    op.drop_column("matter_application", "override_id")
    op.drop_column("matter_application", "routed")
    op.drop_column("matter_application", "reservation")
