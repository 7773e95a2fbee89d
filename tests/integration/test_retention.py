"""Retention deletes exactly what may go, on a real PostgreSQL database with the platform tables."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ic_platform import retention
from ic_platform.config import settings
from ic_platform.db import drop_database, ensure_database, make_engine
from ic_platform.storage import platform_tables

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
POLICY = retention.RetentionPolicy(outbox=timedelta(days=7), inbox=timedelta(days=30), idempotency=timedelta(days=7))


@pytest.fixture()
def engine():
    url = f"{settings().pg_server_url.rstrip('/')}/ic_t_retention_{uuid.uuid4().hex[:8]}"
    ensure_database(url)
    engine = make_engine(url, pool_size=2)
    meta = sa.MetaData()
    platform_tables(meta)
    meta.create_all(engine)
    yield engine
    engine.dispose()
    drop_database(url)


def _outbox(conn, *, age_days: float, published: bool) -> int:
    at = NOW - timedelta(days=age_days)
    return conn.execute(
        sa.text(
            "INSERT INTO outbox (event_id, type, envelope, created_at, published_at) "
            "VALUES (:id, 't.x', '{}', :at, :published) RETURNING id"
        ),
        {"id": uuid.uuid4(), "at": at, "published": at if published else None},
    ).scalar_one()


def _inbox(conn, *, age_days: float, status: str) -> str:
    event_id, at = uuid.uuid4(), NOW - timedelta(days=age_days)
    conn.execute(
        sa.text(
            "INSERT INTO inbox (event_id, handler, type, envelope, status, received_at, processed_at) "
            "VALUES (:id, 'h', 't.x', :env, :status, :at, :processed)"
        ),
        {
            "id": event_id,
            "env": json.dumps({}),
            "status": status,
            "at": at,
            "processed": at if status == "done" else None,
        },
    )
    return str(event_id)


def _key(conn, *, age_days: float) -> str:
    key = uuid.uuid4().hex
    conn.execute(
        sa.text(
            "INSERT INTO idempotency_key (scope, key, request_hash, response, created_at) "
            "VALUES ('s', :key, 'h', '{}', :at)"
        ),
        {"key": key, "at": NOW - timedelta(days=age_days)},
    )
    return key


def _remaining(engine, table: str, column: str) -> set[str]:
    with engine.connect() as conn:
        return {str(v) for v in conn.execute(sa.text(f"SELECT {column} FROM {table}")).scalars()}


def test_prunes_only_finished_rows_older_than_their_window(engine):
    with engine.begin() as conn:
        old_published = _outbox(conn, age_days=8, published=True)
        new_published = _outbox(conn, age_days=6, published=True)
        old_unpublished = _outbox(conn, age_days=40, published=False)  # never confirmed: must stay
        old_done = _inbox(conn, age_days=31, status="done")
        new_done = _inbox(conn, age_days=29, status="done")
        old_dead = _inbox(conn, age_days=90, status="dead")  # ops decide about dead letters
        old_pending = _inbox(conn, age_days=90, status="pending")
        old_key, new_key = _key(conn, age_days=8), _key(conn, age_days=1)

    deleted = retention.prune(engine, "test", POLICY, now=NOW)

    assert deleted == {"outbox": 1, "inbox": 1, "idempotency_key": 1}
    assert _remaining(engine, "outbox", "id") == {str(new_published), str(old_unpublished)}
    assert str(old_published) not in _remaining(engine, "outbox", "id")
    assert _remaining(engine, "inbox", "event_id") == {new_done, old_dead, old_pending}
    assert old_done not in _remaining(engine, "inbox", "event_id")
    assert _remaining(engine, "idempotency_key", "key") == {new_key}
    assert old_key not in _remaining(engine, "idempotency_key", "key")
    assert retention.prune(engine, "test", POLICY, now=NOW) == {"outbox": 0, "inbox": 0, "idempotency_key": 0}


def test_prunes_in_batches_until_nothing_expired_is_left(engine, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 7)
    with engine.begin() as conn:
        for _ in range(23):
            _outbox(conn, age_days=10, published=True)
            _inbox(conn, age_days=40, status="done")
        keep = _outbox(conn, age_days=1, published=True)

    deleted = retention.prune(engine, "test", POLICY, now=NOW)

    assert deleted == {"outbox": 23, "inbox": 23, "idempotency_key": 0}
    assert _remaining(engine, "outbox", "id") == {str(keep)}
    assert _remaining(engine, "inbox", "event_id") == set()
