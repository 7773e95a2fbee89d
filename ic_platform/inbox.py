"""The inbox: how a service hears events exactly once, retries failures with backoff, and parks the rest.

A message is acked only after its inbox row is committed, so a crash before that means redelivery, and
redelivery of a stored event is a no-op (primary key: event id + handler). The handler's work and the row's
`done` mark commit in one transaction. A failing handler is retried from the database with exponential
backoff, never by requeueing the message (nameko would ack it and lose it, or requeue it in a hot loop)."""

from __future__ import annotations

import functools
import json
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Engine

from ic_platform import messagebus, metrics, tracing
from ic_platform.config import settings
from ic_platform.envelope import Envelope
from ic_platform.storage import platform_tables
from ic_platform.uow import UnitOfWork

log = logging.getLogger(__name__)
INBOX = platform_tables(sa.MetaData())["inbox"]

Handler = Callable[[Envelope, UnitOfWork], None]
UNREADABLE = "(unreadable)"  # the handler name under which unreadable messages are parked


class _HandlerFailed(Exception):
    """A handler failed inside the shared transaction of an event's handlers."""


class FaultInjected(RuntimeError):
    """Raised only by the test-only fault switches below."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def delay(self, attempts: int) -> float:
        return min(self.max_delay_s, self.base_delay_s * 2 ** max(attempts - 1, 0))

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(
            max_attempts=settings().inbox_max_attempts,
            base_delay_s=settings().inbox_base_delay_s,
            max_delay_s=settings().inbox_max_delay_s,
        )


_STORE_DONE = sa.text(
    "INSERT INTO inbox (event_id, handler, type, envelope, status, attempts, processed_at)"
    " SELECT CAST(:event_id AS uuid), handler, :type, CAST(:envelope AS jsonb), 'done', 1, now()"
    " FROM unnest(CAST(:handlers AS text[])) AS handler"
    " ON CONFLICT DO NOTHING RETURNING handler"
)


class Inbox:
    def __init__(
        self,
        service: str,
        engine: Engine,
        handlers: dict[str, list[Handler]],
        uow_factory: Callable[[], UnitOfWork],
        policy: RetryPolicy | None = None,
    ):
        self.service = service
        self.engine = engine
        self.handlers = handlers
        self.uow_factory = uow_factory
        self.policy = policy or RetryPolicy.from_settings()
        self._by_name = {handler_name(h): h for hs in handlers.values() for h in hs}
        # The types that may concern none of the handlers (each has a `hears` filter): only these are looked at.
        self.filtered = frozenset(t for t in handlers if t != "*" and all(_filtered(h) for h in self.handlers_for(t)))
        self._faults = _Faults.from_settings()
        self._wake = threading.Event()
        self._next_retry = float("inf")  # monotonic time of the earliest retry this process scheduled
        self._sampled_at = 0.0

    def handlers_for(self, type_: str) -> list[Handler]:
        return self.handlers.get(type_, []) + self.handlers.get("*", [])

    def hearing(self, envelope: Envelope) -> list[str]:
        """The names of the handlers this event concerns (see `hearing()` below)."""
        return list(
            dict.fromkeys(
                handler_name(h) for h in self.handlers_for(envelope.type) if not _filtered(h) or h.hears(envelope)
            )
        )

    def receive(self, data: dict[str, Any]) -> int:
        """Store the event for each interested handler and apply it. Returns rows newly stored.
        Raising here means the message is not acked (the caller requeues it after a pause)."""
        try:
            envelope = Envelope.from_dict(data)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Redelivering what can never be read would loop forever: park it for ops instead.
            self._park_unreadable(data, exc)
            return 0
        names = self.hearing(envelope)
        if not names:
            return 0  # nobody here acts on it: acked without a transaction
        try:
            stored = self._apply_all(envelope, data, names)
        except _HandlerFailed:
            # One handler failed, so nothing of the shared transaction stands: each handler on its own now,
            # so the others are applied and only the failing one waits for a retry.
            stored = sum(self._apply_first_time(envelope, data, name) for name in names)
        self._faults.maybe_crash_before_ack()
        return stored

    def _apply_all(self, envelope: Envelope, data: dict[str, Any], names: list[str]) -> int:
        """The common case, in one transaction: the inbox rows (as done) of every interested handler and all
        their work commit together. A redelivery stores no row, so no handler runs twice."""
        with self.uow_factory() as uow:
            new = self._store_done(uow, envelope, data, names)
            for name in names:
                if name not in new:
                    metrics.events_consumed.labels(self.service, name, "duplicate").inc()
                    continue
                try:
                    self._faults.maybe_fail(0)
                    self._by_name[name](envelope, uow)
                except Exception as exc:  # noqa: BLE001 - the transaction is dropped; see receive()
                    raise _HandlerFailed(name) from exc
            uow.commit()
        for name in new:
            metrics.events_consumed.labels(self.service, name, "applied").inc()
        return len(new)

    def _store_done(self, uow: UnitOfWork, envelope: Envelope, data: dict[str, Any], names: list[str]) -> set[str]:
        """One row per interested handler, stored as done; the handlers whose row is new (a redelivery stores
        none). One fixed statement with the envelope serialised once: built per event with SQLAlchemy, with the
        envelope bound once per handler, it cost risk (a dozen handlers) 2.4 ms of CPU per event, this 0.3 ms."""
        stored = uow.conn.execute(
            _STORE_DONE,
            {
                "event_id": str(envelope.event_id),
                "type": envelope.type,
                "envelope": json.dumps(data, ensure_ascii=False),
                "handlers": names,
            },
        )
        return set(stored.scalars())

    def _apply_first_time(self, envelope: Envelope, data: dict[str, Any], name: str) -> int:
        """One handler in its own transaction: the inbox row (as done) and the handler's work commit together.
        If the handler fails, the row is stored as pending instead, for the retry loop. If even that cannot
        be stored, the error propagates and the message is not acked."""
        try:
            with self.uow_factory() as uow:
                if not self._store_done(uow, envelope, data, [name]):
                    metrics.events_consumed.labels(self.service, name, "duplicate").inc()
                    return 0
                self._faults.maybe_fail(0)
                self._by_name[name](envelope, uow)
                uow.commit()
            metrics.events_consumed.labels(self.service, name, "applied").inc()
            return 1
        except Exception as exc:  # noqa: BLE001 - the handler failed: keep the event for a retry
            delay = self.policy.delay(1)
            with self.engine.begin() as conn:
                conn.execute(
                    pg_insert(INBOX)
                    .values(
                        event_id=envelope.event_id,
                        handler=name,
                        type=envelope.type,
                        envelope=data,
                        attempts=1,
                        status="dead" if self.policy.max_attempts <= 1 else "pending",
                        last_error=f"{type(exc).__name__}: {exc}"[:2000],
                        next_attempt_at=sa.func.now() + timedelta(seconds=delay),
                    )
                    .on_conflict_do_nothing()
                )
            self._retry_in(delay)
            metrics.events_retried.labels(self.service, name).inc()
            log.warning(
                "event %s failed in %s (attempt 1), retry in %.1fs: %s",
                envelope.event_id,
                name,
                delay,
                exc,
                extra={"event_id": envelope.event_id, "handler": name},
            )
            return 1

    def _park_unreadable(self, data: Any, exc: Exception) -> None:
        body = data if isinstance(data, dict) else {"body": repr(data)}
        try:
            event_id = uuid.UUID(str(body.get("event_id")))
        except ValueError:
            event_id = uuid.uuid5(uuid.NAMESPACE_OID, json.dumps(body, sort_keys=True, default=str))
        with self.engine.begin() as conn:
            conn.execute(
                pg_insert(INBOX)
                .values(
                    event_id=event_id,
                    handler=UNREADABLE,
                    type=str(body.get("type", "?"))[:200],
                    envelope=body,
                    status="dead",
                    last_error=f"unreadable envelope: {type(exc).__name__}: {exc}"[:2000],
                )
                .on_conflict_do_nothing()
            )
        metrics.events_dead_lettered.labels(self.service, UNREADABLE).inc()
        log.error("unreadable event parked: %s", exc)

    def process(self, event_id: str, name: str) -> str | None:
        """Apply one stored event with one handler. Returns its status afterwards, None if not ours now."""
        try:
            with self.uow_factory() as uow:
                row = uow.conn.execute(
                    sa.select(INBOX.c.envelope, INBOX.c.attempts)
                    .where(INBOX.c.event_id == event_id, INBOX.c.handler == name, INBOX.c.status == "pending")
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    return None  # done already, dead, or another worker holds it right now
                self._faults.maybe_fail(row.attempts)
                # A retry runs outside the consumer's span: continue the event's own trace instead.
                with tracing.span(
                    f"{self.service} handle {row.envelope.get('type')}", traceparent=row.envelope.get("traceparent")
                ):
                    self._by_name[name](Envelope.from_dict(row.envelope), uow)
                uow.conn.execute(
                    sa.update(INBOX)
                    .where(INBOX.c.event_id == event_id, INBOX.c.handler == name)
                    .values(status="done", processed_at=sa.func.now(), attempts=INBOX.c.attempts + 1, last_error=None)
                )
                uow.commit()
            metrics.events_consumed.labels(self.service, name, "applied").inc()
            return "done"
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
            return self._record_failure(event_id, name, exc)

    def _record_failure(self, event_id: str, name: str, exc: Exception) -> str:
        with self.engine.begin() as conn:
            attempts = (
                conn.execute(
                    sa.select(INBOX.c.attempts).where(INBOX.c.event_id == event_id, INBOX.c.handler == name)
                ).scalar_one()
                + 1
            )
            dead = attempts >= self.policy.max_attempts
            delay = self.policy.delay(attempts) * random.uniform(0.8, 1.2)
            conn.execute(
                sa.update(INBOX)
                .where(INBOX.c.event_id == event_id, INBOX.c.handler == name)
                .values(
                    attempts=attempts,
                    last_error=f"{type(exc).__name__}: {exc}"[:2000],
                    status="dead" if dead else "pending",
                    next_attempt_at=sa.func.now() + timedelta(seconds=delay),
                )
            )
        if dead:
            metrics.events_dead_lettered.labels(self.service, name).inc()
            log.error(
                "event %s parked after %d attempts in %s: %s",
                event_id,
                attempts,
                name,
                exc,
                extra={"event_id": event_id, "handler": name},
            )
            return "dead"
        self._retry_in(delay)
        metrics.events_retried.labels(self.service, name).inc()
        log.warning(
            "event %s failed in %s (attempt %d), retry in %.1fs: %s",
            event_id,
            name,
            attempts,
            delay,
            exc,
            extra={"event_id": event_id, "handler": name},
        )
        return "pending"

    def retry_due(self, limit: int = 100) -> int:
        """Process rows whose retry time has come (or whose receiver died). Returns how many were tried.
        Any replica may take any row: `process` locks it (skipping rows another holds) and re-checks it."""
        with self.engine.connect() as conn:
            due = conn.execute(
                sa.select(INBOX.c.event_id, INBOX.c.handler)
                .where(INBOX.c.status == "pending", INBOX.c.next_attempt_at <= sa.func.now())
                .order_by(INBOX.c.next_attempt_at)
                .limit(limit)
            ).all()
        for row in due:
            self.process(str(row.event_id), row.handler)
        return len(due)

    def wake(self) -> None:
        self._wake.set()

    def _retry_in(self, seconds: float) -> None:
        """A retry this process scheduled: the loop wakes for it instead of polling often."""
        self._next_retry = min(self._next_retry, time.monotonic() + seconds)
        self._wake.set()

    def run_forever(self, stop: threading.Event, poll_interval: float | None = None) -> None:
        """Retries when they fall due. The loop sleeps until the earliest retry this process scheduled, and
        at most `poll_interval` (IC_INBOX_POLL_S, 5 s): the safety net for rows another replica scheduled
        before it died. Idle, that is one indexed query per interval."""
        interval = poll_interval if poll_interval is not None else settings().inbox_poll_s
        while not stop.is_set():
            self._next_retry = float("inf")
            try:
                while self.retry_due() and not stop.is_set():
                    pass  # a full batch may leave more due
                self._maybe_sample()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("inbox retry loop cannot reach the database: %s", exc)
            self._wake.clear()  # before reading _next_retry: a retry scheduled from now on wakes the wait below
            wait = min(interval, max(self._next_retry - time.monotonic(), 0.0))
            if wait > 0:
                self._wake.wait(wait)

    # ── dead letters, for ops ──
    def dead_letters(self, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        with self.engine.connect() as conn:
            total = conn.execute(
                sa.select(sa.func.count()).select_from(INBOX).where(INBOX.c.status == "dead")
            ).scalar_one()
            rows = conn.execute(
                sa.select(
                    INBOX.c.event_id,
                    INBOX.c.handler,
                    INBOX.c.type,
                    INBOX.c.attempts,
                    INBOX.c.last_error,
                    INBOX.c.received_at,
                    INBOX.c.envelope,
                )
                .where(INBOX.c.status == "dead")
                .order_by(INBOX.c.received_at)
                .limit(limit)
                .offset(offset)
            ).all()
        items = [
            dict(
                event_id=str(r.event_id),
                handler=r.handler,
                type=r.type,
                attempts=r.attempts,
                last_error=r.last_error,
                received_at=r.received_at.isoformat(),
                envelope=r.envelope,
            )
            for r in rows
        ]
        return {"total": total, "items": items, "limit": limit, "offset": offset}

    def replay(self, event_id: str | None = None, handler: str | None = None) -> int:
        """Send dead letters back for a fresh round of attempts (all of them when no id is given)."""
        cond = [INBOX.c.status == "dead", INBOX.c.handler != UNREADABLE]
        if event_id:
            cond.append(INBOX.c.event_id == event_id)
        if handler:
            cond.append(INBOX.c.handler == handler)
        with self.engine.begin() as conn:
            count = conn.execute(
                sa.update(INBOX).where(*cond).values(status="pending", attempts=0, next_attempt_at=sa.func.now())
            ).rowcount
        metrics.events_replayed.labels(self.service).inc(count)
        return count

    def _maybe_sample(self, every_s: float = 15.0) -> None:
        now = time.monotonic()
        if now - self._sampled_at < every_s:
            return
        self._sampled_at = now
        with self.engine.connect() as conn:
            # Two counts, each answered from its partial index; done rows are never scanned.
            pending, dead = conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM inbox WHERE status = 'pending'),"
                    " (SELECT count(*) FROM inbox WHERE status = 'dead')"
                )
            ).one()
        metrics.inbox_pending.labels(self.service).set(pending)
        metrics.inbox_dead.labels(self.service).set(dead)


def handler_name(handler: Handler) -> str:
    return messagebus.name_of(handler)  # `module.qualname`, or the name it kept when it moved


def _filtered(handler: Handler) -> bool:
    return getattr(handler, "hears", None) is not None


def hearing(handler: Handler, hears: Callable[[Envelope], bool]) -> Handler:
    """The handler, for only the events `hears` accepts: the inbox stores no row and opens no transaction for
    an event none of a service's handlers hears. A handler that would look at the event and do nothing (the
    desk's, for another service's documents) is cheaper refused here. The name stays the handler's own, so its
    inbox rows and dead letters keep their names."""

    @functools.wraps(handler)
    def heard(event: Envelope, uow: UnitOfWork) -> None:
        handler(event, uow)

    heard.hears = hears
    return heard


@dataclass(frozen=True)
class _Faults:
    """Test-only switches (off unless the environment sets them), used by the reliability tests to crash a
    consumer between its commit and its ack, and to make a handler fail its first N attempts."""

    crash_probability: float = 0.0
    fail_first_attempts: int = 0

    @classmethod
    def from_settings(cls) -> _Faults:
        return cls(
            crash_probability=settings().fault_crash_before_ack,
            fail_first_attempts=settings().fault_fail_first_attempts,
        )

    def maybe_crash_before_ack(self) -> None:
        if self.crash_probability and random.random() < self.crash_probability:
            os._exit(17)

    def maybe_fail(self, attempts: int) -> None:
        if attempts < self.fail_first_attempts:
            raise FaultInjected(f"injected failure, attempt {attempts + 1}")
