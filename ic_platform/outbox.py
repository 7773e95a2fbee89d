"""The outbox relay: publishes committed events with publisher confirms and marks them published.

Two ways in. The common one: a unit of work that committed events hands them over at once (`handoff`), with
their outbox row ids, so the relay needs no query to find them: it claims the rows (an UPDATE that skips rows
already published, and waits for any another relay holds), publishes them and commits the mark. The safety
net: every `poll_interval` the relay looks for rows that stayed unpublished longer than `grace_s` (a process
that died between its commit and its publish, a broker that was down, a replica that vanished) and takes them
with `FOR UPDATE SKIP LOCKED`, so replicas never publish the same row at once. Idle, the relay costs one small
indexed query per poll interval and the broker connection's heartbeats.

At-least-once by construction: a crash after the broker confirmed but before the mark committed sends the
event again, and consumers' inboxes drop the repeat."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from datetime import timedelta

import pika
import sqlalchemy as sa
from pika.exceptions import AMQPError, NackError, UnroutableError
from sqlalchemy.engine import Connection, Engine

from ic_platform import metrics, topology
from ic_platform.uow import OUTBOX, OutboxEvent

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        service: str,
        engine: Engine,
        amqp_uri: str,
        *,
        batch: int = 200,
        poll_interval: float = 10.0,
        grace_s: float = 5.0,
        extra_bindings: dict[str, list[str]] | None = None,
    ):
        self.service = service
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.batch = batch
        self.poll_interval = poll_interval
        self.grace_s = grace_s
        self.extra_bindings = extra_bindings
        self._handed: deque[OutboxEvent] = deque()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._poll_all = True  # the first round takes whatever an earlier life of the service left behind
        self._connection: pika.BlockingConnection | None = None
        self._channel = None

    # ── called by others ──
    def handoff(self, events: list[OutboxEvent]) -> None:
        """Events just committed: publish them now (called after the unit of work's commit)."""
        self._handed.extend(events)
        self._ready.set()

    def wake(self) -> None:
        """Look at the whole outbox now, not only at what was handed over."""
        self._poll_all = True
        self._ready.set()

    def stop(self) -> None:
        self._stop.set()
        self._ready.set()

    # ── the loop ──
    def run_forever(self) -> None:
        backoff = 0.2
        next_poll = 0.0
        while not self._stop.is_set():
            try:
                if self._handed:
                    self.publish_handed()
                elif self._poll_all or time.monotonic() >= next_poll:
                    grace = 0.0 if self._poll_all else self.grace_s
                    self._poll_all = False
                    sent, failed = self.publish_pending(grace_s=grace)
                    if sent and not failed:
                        self._poll_all = True  # more may be waiting: loop until the outbox is drained
                        continue
                    self._sample_backlog()
                    next_poll = time.monotonic() + self.poll_interval
                else:
                    self._idle(next_poll - time.monotonic())
                backoff = 0.2
            except (AMQPError, OSError) as exc:
                log.warning("relay cannot reach the broker (%s); retrying in %.1fs", exc, backoff)
                backoff = self._after_failure(backoff)
                self._disconnect()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("relay cannot reach the outbox (%s); retrying in %.1fs", exc, backoff)
                backoff = self._after_failure(backoff)
        self._disconnect()

    def _after_failure(self, backoff: float) -> float:
        # What was handed over is still in the table: the next poll (of everything) takes it from there.
        self._handed.clear()
        self._poll_all = True
        self._stop.wait(backoff)
        return min(backoff * 2, 5.0)

    def publish_handed(self) -> tuple[int, int]:
        """Publish up to one batch of handed-over events. Returns (published, failed)."""
        events = [self._handed.popleft() for _ in range(min(self.batch, len(self._handed)))]
        channel = self._ensure_channel()
        with self.engine.begin() as conn:
            # Claimed in this transaction: a poll elsewhere skips these rows until we commit; a row another
            # relay already published (or holds) is not claimed again.
            claimed = set(
                conn.execute(
                    sa.update(OUTBOX)
                    .where(OUTBOX.c.id.in_([e.id for e in events]), OUTBOX.c.published_at.is_(None))
                    .values(published_at=sa.func.now(), attempts=OUTBOX.c.attempts + 1)
                    .returning(OUTBOX.c.id)
                ).scalars()
            )
            return self._publish_claimed(conn, channel, [e for e in events if e.id in claimed])

    def publish_pending(self, grace_s: float = 0.0) -> tuple[int, int]:
        """One batch of rows left unpublished for longer than `grace_s`. Returns (published, failed)."""
        channel = self._ensure_channel()
        with self.engine.begin() as conn:
            query = sa.select(OUTBOX.c.id, OUTBOX.c.type, OUTBOX.c.envelope).where(OUTBOX.c.published_at.is_(None))
            if grace_s > 0:
                query = query.where(OUTBOX.c.created_at < sa.func.now() - timedelta(seconds=grace_s))
            rows = conn.execute(query.order_by(OUTBOX.c.id).limit(self.batch).with_for_update(skip_locked=True)).all()
            if not rows:
                return 0, 0
            conn.execute(
                sa.update(OUTBOX)
                .where(OUTBOX.c.id.in_([r.id for r in rows]))
                .values(published_at=sa.func.now(), attempts=OUTBOX.c.attempts + 1)
            )
            return self._publish_claimed(conn, channel, [OutboxEvent(r.id, r.type, r.envelope) for r in rows])

    def _publish_claimed(self, conn: Connection, channel, events: list[OutboxEvent]) -> tuple[int, int]:  # noqa: ANN001
        """Publish rows this transaction marked published; a row the broker refuses is unmarked again."""
        refused: dict[int, str] = {}
        for event in events:
            try:
                self._publish(channel, event.type, event.envelope)
                metrics.events_published.labels(self.service, event.type).inc()
            except (UnroutableError, NackError) as exc:
                refused[event.id] = type(exc).__name__
                metrics.events_unroutable.labels(self.service, event.type).inc()
                log.error("broker refused event %s (%s); kept in the outbox", event.type, type(exc).__name__)
        for row_id, error in refused.items():
            conn.execute(sa.update(OUTBOX).where(OUTBOX.c.id == row_id).values(published_at=None, last_error=error))
        if refused:
            # The topology may have been deleted under us (a broker reset): declare it again.
            topology.declare(channel, self.extra_bindings)
        return len(events) - len(refused), len(refused)

    def _publish(self, channel, type_: str, envelope: dict) -> None:  # noqa: ANN001
        headers = {
            "traceparent": envelope.get("traceparent"),
            "correlation_id": envelope.get("correlation_id"),
            "org": envelope.get("org"),
        }
        channel.basic_publish(
            exchange=topology.EXCHANGE,
            routing_key=type_,
            mandatory=True,
            body=json.dumps(envelope, ensure_ascii=False).encode(),
            properties=pika.BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=envelope["event_id"],
                type=type_,
                app_id=self.service,
                headers={k: v for k, v in headers.items() if v},
            ),
        )

    def _ensure_channel(self):  # noqa: ANN202
        if self._channel is None or self._channel.is_closed:
            self._disconnect()
            params = pika.URLParameters(self.amqp_uri)
            params.heartbeat = 30
            params.blocked_connection_timeout = 30
            self._connection = pika.BlockingConnection(params)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            topology.declare(self._channel, self.extra_bindings)
        return self._channel

    def _idle(self, seconds: float) -> None:
        """Wait for a handoff or a wake-up (or the next poll), answering the broker's heartbeats meanwhile:
        pika handles them only inside its own calls, and the broker gives up after two missed (60 s)."""
        deadline = time.monotonic() + max(seconds, 0.0)
        while not self._ready.is_set() and not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if self._connection is not None and self._connection.is_open:
                try:
                    self._connection.process_data_events(time_limit=0)
                except AMQPError:
                    self._disconnect()
            self._ready.wait(min(left, 10.0))
        self._ready.clear()

    def _disconnect(self) -> None:
        try:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail in many ways
            pass
        self._connection = self._channel = None

    def _sample_backlog(self) -> None:
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.text(
                    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                    "FROM outbox WHERE published_at IS NULL"
                )
            ).one()
        metrics.outbox_backlog.labels(self.service).set(count)
        metrics.outbox_oldest_age.labels(self.service).set(float(oldest))
