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

# Refresh tokens by their SHA-256 (domain/sessions.py): a family per sign-in, only the newest usable.
refresh_token = sa.Table(
    "refresh_token",
    metadata,
    sa.Column("digest", sa.Text, primary_key=True),
    sa.Column("family", sa.Text, nullable=False),
    sa.Column("username", sa.Text, nullable=False),
    sa.Column("org", sa.Text, nullable=False),
    sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("rotated_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    sa.Index("refresh_token_by_family", "family"),
    sa.Index("refresh_token_by_username", "username"),
)

# Failed sign-ins per username (any username, account or not) and the lockout they caused.
sign_in_attempt = sa.Table(
    "sign_in_attempt",
    metadata,
    sa.Column("username", sa.Text, primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
)

platform = platform_tables(metadata)
