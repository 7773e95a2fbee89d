"""The org database's tables."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from ic_platform.storage import platform_tables

metadata = sa.MetaData()

org_unit = sa.Table(
    "org_unit",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("leader_in_charge", sa.Text),
    sa.Column("responsible_for", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('office', 'community')", name="org_unit_kind"),
)

org_user = sa.Table(
    "org_user",
    metadata,
    sa.Column("username", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("full_name", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, sa.ForeignKey("org_unit.code"), nullable=False),
    sa.Column("roles", ARRAY(sa.Text), nullable=False),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("org_user_by_unit", "unit"),
)

# Deciding bodies (党工委、主任办公会): who takes collective decisions, and how many must attend.
deciding_body = sa.Table(
    "deciding_body",
    metadata,
    sa.Column("code", sa.Text, primary_key=True),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("members", ARRAY(sa.Text), nullable=False),
    sa.Column("quorum", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("quorum >= 3 AND quorum <= cardinality(members)", name="deciding_body_quorum"),
)

platform = platform_tables(metadata)
