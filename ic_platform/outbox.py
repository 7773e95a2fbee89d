"""The outbox relay: publishes committed events with publisher confirms and marks them published.

Two ways in. The common one: a unit of work that committed events hands them over at once (`handoff`), with
their outbox row ids and their JSON, so the relay needs no query to find them: it publishes them, waits for the
broker's confirms, and marks the confirmed rows published a moment later, many rows in one statement
(`mark_delay_s`): an event costs the relay no transaction of its own, only its share of one mark. The safety
net: every `poll_interval` the relay looks for rows that stayed unpublished longer than `grace_s` (a process
that died between its commit and its publish, a broker that was down, a replica that vanished) and takes them
with `FOR UPDATE SKIP LOCKED`, so replicas never publish the same row at once. `grace_s` is well above
`mark_delay_s`: a poll never takes a row that a live relay published and is about to mark. Idle, the relay
costs one small indexed query per poll interval and the broker connection's heartbeats.

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
from pika.exceptions import AMQPError
from sqlalchemy.engine import Connection, Engine

from ic_platform import metrics, topology
from ic_platform.uow import OUTBOX, OutboxEvent

log = logging.getLogger(__name__)
_MARK_PUBLISHED = sa.text(
    "UPDATE outbox SET published_at = now(), attempts = attempts + 1"
    " WHERE id = ANY(CAST(:ids AS bigint[])) AND published_at IS NULL"
)


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
        mark_delay_s: float = 0.5,
        extra_bindings: dict[str, list[str]] | None = None,
    ):
        self.service = service
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.batch = batch
        self.poll_interval = poll_interval
        self.grace_s = grace_s
        self.mark_delay_s = mark_delay_s
        self.extra_bindings = extra_bindings
        self._handed: deque[OutboxEvent] = deque()
        self._unmarked: list[int] = []  # published and confirmed, not yet marked in the outbox
        self._mark_due = float("inf")
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._poll_all = True  # the first round takes whatever an earlier life of the service left behind
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._confirms: BatchConfirms | None = None

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
                if self._unmarked and (len(self._unmarked) >= self.batch or time.monotonic() >= self._mark_due):
                    self.mark_published()  # first: a steady stream of handoffs must not put the marks off
                elif self._handed:
                    self.publish_handed()
                elif self._poll_all or time.monotonic() >= next_poll:
                    self.mark_published()  # a poll must not take what this relay published already
                    grace = 0.0 if self._poll_all else self.grace_s
                    self._poll_all = False
                    sent, failed = self.publish_pending(grace_s=grace)
                    if sent and not failed:
                        self._poll_all = True  # more may be waiting: loop until the outbox is drained
                        continue
                    self._sample_backlog()
                    next_poll = time.monotonic() + self.poll_interval
                else:
                    self._idle(min(next_poll, self._mark_due) - time.monotonic())
                backoff = 0.2
            except (AMQPError, OSError) as exc:
                log.warning("relay cannot reach the broker (%s); retrying in %.1fs", exc, backoff)
                backoff = self._after_failure(backoff)
                self._disconnect()
            except sa.exc.SQLAlchemyError as exc:
                log.warning("relay cannot reach the outbox (%s); retrying in %.1fs", exc, backoff)
                backoff = self._after_failure(backoff)
        try:
            self.mark_published()
        except sa.exc.SQLAlchemyError as exc:  # published, not marked: sent again after a restart, deduplicated
            log.warning("relay could not mark %d published events on stopping: %s", len(self._unmarked), exc)
        self._disconnect()

    def _after_failure(self, backoff: float) -> float:
        # What was handed over is still in the table: the next poll (of everything) takes it from there.
        self._handed.clear()
        self._poll_all = True
        self._stop.wait(backoff)
        return min(backoff * 2, 5.0)

    def publish_handed(self) -> tuple[int, int]:
        """Publish up to one batch of handed-over events; the confirmed ones are marked soon after, together.
        Returns (published, failed). No claim first: another relay's poll takes only rows older than `grace_s`,
        and a row published twice (this relay died before its mark) is dropped by the consumers' inboxes."""
        events = [self._handed.popleft() for _ in range(min(self.batch, len(self._handed)))]
        self._ensure_channel()
        refused = self._publish(events)
        if not self._unmarked:
            self._mark_due = time.monotonic() + self.mark_delay_s
        self._unmarked.extend(e.id for e, error in zip(events, refused, strict=True) if error is None)
        kept = [(e, error) for e, error in zip(events, refused, strict=True) if error is not None]
        if kept:
            with self.engine.begin() as conn:
                for event, error in kept:
                    conn.execute(sa.update(OUTBOX).where(OUTBOX.c.id == event.id).values(last_error=error))
        return len(events) - len(kept), len(kept)

    def mark_published(self) -> int:
        """Mark what this relay published (and the broker confirmed) in one statement. Returns rows marked."""
        if not self._unmarked:
            return 0
        ids, self._unmarked = self._unmarked, []
        self._mark_due = float("inf")
        try:
            with self.engine.begin() as conn:
                return conn.execute(_MARK_PUBLISHED, {"ids": ids}).rowcount
        except sa.exc.SQLAlchemyError:
            self._unmarked = ids + self._unmarked  # marked at the next try; a poll after grace_s resends them
            self._mark_due = time.monotonic() + self.mark_delay_s
            raise

    def publish_pending(self, grace_s: float = 0.0) -> tuple[int, int]:
        """One batch of rows left unpublished for longer than `grace_s`. Returns (published, failed)."""
        self._ensure_channel()
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
            return self._publish_claimed(conn, [OutboxEvent(r.id, r.type, r.envelope) for r in rows])

    def _publish_claimed(self, conn: Connection, events: list[OutboxEvent]) -> tuple[int, int]:
        """Publish rows this transaction marked published; a row the broker refuses is unmarked again."""
        refused = self._publish(events)
        for event, error in zip(events, refused, strict=True):
            if error is not None:
                conn.execute(
                    sa.update(OUTBOX).where(OUTBOX.c.id == event.id).values(published_at=None, last_error=error)
                )
        failed = sum(error is not None for error in refused)
        return len(events) - failed, failed

    def _publish(self, events: list[OutboxEvent]) -> list[str | None]:
        """Publish all at once, then wait for the broker's confirms of the whole batch. Per event, None when
        the broker took it, else why not (returned: no queue; nacked)."""
        refused = self._confirms.publish(
            [(e.type, self._body(e), self._properties(e.type, e.envelope)) for e in events]
        )
        for event, error in zip(events, refused, strict=True):
            if error is None:
                metrics.events_published.labels(self.service, event.type).inc()
                continue
            metrics.events_unroutable.labels(self.service, event.type).inc()
            log.error("broker refused event %s (%s); kept in the outbox", event.type, error)
        if any(error is not None for error in refused):
            # The topology may have been deleted under us (a broker reset): declare it again.
            topology.declare(self._channel, self.extra_bindings)
        return refused

    @staticmethod
    def _body(event: OutboxEvent) -> bytes:
        return (event.body or json.dumps(event.envelope, ensure_ascii=False)).encode()

    def _properties(self, type_: str, envelope: dict) -> pika.BasicProperties:
        headers = {
            "traceparent": envelope.get("traceparent"),
            "correlation_id": envelope.get("correlation_id"),
            "org": envelope.get("org"),
        }
        return pika.BasicProperties(
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=envelope["event_id"],
            type=type_,
            app_id=self.service,
            headers={k: v for k, v in headers.items() if v},
        )

    def _ensure_channel(self):  # noqa: ANN202
        if self._channel is None or self._channel.is_closed:
            self._disconnect()
            params = pika.URLParameters(self.amqp_uri)
            params.heartbeat = 30
            params.blocked_connection_timeout = 30
            self._connection = pika.BlockingConnection(params)
            self._channel = self._connection.channel()
            topology.declare(self._channel, self.extra_bindings)
            self._confirms = BatchConfirms(self._connection, self._channel)
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


class ConfirmTimeout(AMQPError):
    """The broker confirmed nothing of a batch in time: the connection is presumed dead."""


class BatchConfirms:
    """Publisher confirms for a whole batch: every message is published, then the broker's acks (one ack may
    cover many messages) are awaited together: one round trip per batch instead of one per event.

    pika's blocking channel waits for each confirm right after each publish, so this drives the asynchronous
    channel underneath it (`channel._impl`, pika's own `Channel`, whose confirm and return callbacks are public
    API), while the blocking connection does the I/O. With `mandatory`, the broker returns a message no queue
    takes before it acks it, so by the time a message is acked, a return of it has been seen."""

    def __init__(self, connection: pika.BlockingConnection, channel, timeout_s: float = 30.0):  # noqa: ANN001
        self._connection = connection
        self._impl = channel._impl
        self._timeout_s = timeout_s
        self._next_tag = 1
        self._pending: dict[int, str] = {}  # delivery tag → message id
        self._outcome: dict[str, str | None] = {}  # message id → None (confirmed) or why it was refused
        ready = []
        self._impl.confirm_delivery(ack_nack_callback=self._on_confirm, callback=lambda _frame: ready.append(1))
        self._impl.add_on_return_callback(self._on_return)
        self._wait_until(lambda: bool(ready))

    def publish(self, messages: list[tuple[str, bytes, pika.BasicProperties]]) -> list[str | None]:
        """Publish (routing key, body, properties) each with `mandatory`; per message, None when the broker
        confirmed it, else "UnroutableError" or "NackError"."""
        self._outcome = {}
        for routing_key, body, properties in messages:
            self._impl.basic_publish(topology.EXCHANGE, routing_key, body, properties, mandatory=True)
            self._pending[self._next_tag] = properties.message_id
            self._next_tag += 1
        self._wait_until(lambda: not self._pending)
        return [self._outcome.get(properties.message_id) for _, _, properties in messages]

    def _on_confirm(self, frame) -> None:  # noqa: ANN001
        method = frame.method
        acked = isinstance(method, pika.spec.Basic.Ack)
        tags = [t for t in self._pending if t <= method.delivery_tag] if method.multiple else [method.delivery_tag]
        for tag in tags:
            message_id = self._pending.pop(tag, None)
            if message_id is not None and (not acked or message_id not in self._outcome):
                self._outcome[message_id] = None if acked else "NackError"

    def _on_return(self, _channel, _method, properties, _body) -> None:  # noqa: ANN001
        self._outcome[properties.message_id] = "UnroutableError"

    def _wait_until(self, done) -> None:  # noqa: ANN001
        expired = []
        timer = self._connection.call_later(self._timeout_s, lambda: expired.append(1))
        try:
            self._connection._flush_output(lambda: done() or bool(expired) or self._impl.is_closed)
        finally:
            self._connection.remove_timeout(timer)
        if self._impl.is_closed:
            raise pika.exceptions.ChannelClosed(0, "the relay's channel closed while publishing")
        if not done():
            self._pending.clear()
            raise ConfirmTimeout(f"no confirm from the broker within {self._timeout_s:.0f}s")
