"""Retention of the shared mechanics' rows: published outbox rows, finished inbox rows and old idempotency keys
are deleted once they can no longer matter; dead letters are never deleted here (ops replay or keep them).

Why these windows are safe:
- outbox: a published row is only history; the event itself lives on in the consumers' inboxes and the risk
  service's dossier. Unpublished rows are never touched.
- inbox: a `done` row is the guard against a second delivery of the same event. Redeliveries come from the
  broker (an unacked message) or from a producer's relay republishing an unconfirmed row, within minutes; the
  default keeps the guard for 30 days, far beyond any queue's life.
- idempotency keys: a client retries within minutes or hours; a week is generous.

Deletes run in small batches, each its own short transaction, so pruning never holds locks that the hot path
waits on."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ic_platform import metrics
from ic_platform.config import settings

log = logging.getLogger(__name__)

BATCH = 1000


@dataclass(frozen=True)
class RetentionPolicy:
    outbox: timedelta = timedelta(days=7)
    inbox: timedelta = timedelta(days=30)
    idempotency: timedelta = timedelta(days=7)
    interval_s: float = 3600.0

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        cfg = settings()
        return cls(
            outbox=timedelta(days=cfg.retain_outbox_days),
            inbox=timedelta(days=cfg.retain_inbox_days),
            idempotency=timedelta(days=cfg.retain_idempotency_days),
            interval_s=cfg.retention_interval_s,
        )


# Each table's expired rows, one batch at a time, chosen by the row's own key (an index-driven delete).
_DELETE_BATCH = {
    "outbox": "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL "
    "AND published_at < :cutoff ORDER BY id LIMIT :batch)",
    "inbox": "DELETE FROM inbox WHERE (event_id, handler) IN (SELECT event_id, handler FROM inbox "
    "WHERE status = 'done' AND processed_at < :cutoff LIMIT :batch)",
    "idempotency_key": "DELETE FROM idempotency_key WHERE (scope, key) IN (SELECT scope, key FROM idempotency_key "
    "WHERE created_at < :cutoff LIMIT :batch)",
}


def prune(engine: Engine, service: str, policy: RetentionPolicy, now: datetime | None = None) -> dict[str, int]:
    """Delete what the policy lets go; the number of rows deleted per table."""
    now = now or datetime.now(UTC)
    cutoffs = {"outbox": now - policy.outbox, "inbox": now - policy.inbox, "idempotency_key": now - policy.idempotency}
    deleted: dict[str, int] = {}
    for table, statement in _DELETE_BATCH.items():
        total = 0
        while True:
            with engine.begin() as conn:
                count = conn.execute(sa.text(statement), {"cutoff": cutoffs[table], "batch": BATCH}).rowcount
            total += count
            if count < BATCH:
                break
        deleted[table] = total
        if total:
            metrics.retention_pruned.labels(service, table).inc(total)
    return deleted


def prune_once(engine: Engine, service: str, policy: RetentionPolicy) -> dict[str, int] | None:
    """One round, by one replica at a time (a session advisory lock); None when another replica is pruning."""
    with engine.connect() as conn:
        key = {"k": f"retention:{service}"}
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(hashtext(:k))"), key).scalar():
            return None
        conn.commit()
        try:
            return prune(engine, service, policy)
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:k))"), key)
            conn.commit()


def run_forever(engine: Engine, service: str, policy: RetentionPolicy, stop: threading.Event) -> None:
    """Prune now and then every interval until stopped; a failed round is logged and tried again next time."""
    if stop.wait(min(60.0, policy.interval_s)):  # the first round after a minute: let startup settle
        return
    while not stop.is_set():
        try:
            counts = prune_once(engine, service, policy) or {}
            if any(counts.values()):
                log.info("retention pruned %s", counts)
        except Exception:  # noqa: BLE001 - retention must never take the service down
            log.exception("retention round failed; trying again in %.0f s", policy.interval_s)
        stop.wait(policy.interval_s)
