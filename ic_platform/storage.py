"""Tables every service database has for the shared mechanics: outbox, inbox (with its dead letters) and
idempotency keys. Services add these to their own metadata; migrations are generated from it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB


def platform_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Index("outbox_unpublished", "id", postgresql_where=sa.text("published_at IS NULL")),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        # pending → done, or pending → dead after the last retry; ops replay dead back to pending.
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_error", sa.Text),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("processed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('pending', 'done', 'dead')", name="inbox_status"),
        sa.Index("inbox_due", "next_attempt_at", postgresql_where=sa.text("status = 'pending'")),
        sa.Index("inbox_dead", "received_at", postgresql_where=sa.text("status = 'dead'")),
    )
    idempotency = sa.Table(
        "idempotency_key",
        metadata,
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("request_hash", sa.Text, nullable=False),
        sa.Column("response", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    return {"outbox": outbox, "inbox": inbox, "idempotency_key": idempotency}
