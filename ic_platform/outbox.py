"""The outbox relay: publishes committed events with publisher confirms, then marks them published.

At-least-once by construction: a crash after the broker confirmed but before the row is marked sends the
event again, and consumers' inboxes drop the repeat."""

from __future__ import annotations

import json
import logging
import threading
import time

import pika
import sqlalchemy as sa
from pika.exceptions import AMQPError, NackError, UnroutableError
from sqlalchemy.engine import Engine

from ic_platform import metrics, topology
from ic_platform.uow import OUTBOX

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        service: str,
        engine: Engine,
        amqp_uri: str,
        *,
        batch: int = 200,
        poll_interval: float = 1.0,
        extra_bindings: dict[str, list[str]] | None = None,
    ):
        self.service = service
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.batch = batch
        self.poll_interval = poll_interval
        self.extra_bindings = extra_bindings
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._connection: pika.BlockingConnection | None = None
        self._channel = None
        self._sampled_at = 0.0

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run_forever(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                sent, failed = self.publish_pending()
                backoff = 0.2
                self._sample_backlog()
                if sent and not failed:
                    continue  # more may be waiting; loop until the outbox is drained
                self._idle(self.poll_interval)
            except (AMQPError, OSError) as exc:
                log.warning("relay cannot reach the broker (%s); retrying in %.1fs", exc, backoff)
                self._disconnect()
                self._idle(backoff)
                backoff = min(backoff * 2, 5.0)
            except sa.exc.SQLAlchemyError as exc:
                log.warning("relay cannot read the outbox (%s); retrying in %.1fs", exc, backoff)
                self._idle(backoff)
                backoff = min(backoff * 2, 5.0)
        self._disconnect()

    def publish_pending(self) -> tuple[int, int]:
        """One batch. Returns (published, failed)."""
        channel = self._ensure_channel()
        sent_ids: list[int] = []
        failed = 0
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(OUTBOX.c.id, OUTBOX.c.type, OUTBOX.c.envelope)
                .where(OUTBOX.c.published_at.is_(None))
                .order_by(OUTBOX.c.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                try:
                    self._publish(channel, row.type, row.envelope)
                    sent_ids.append(row.id)
                    metrics.events_published.labels(self.service, row.type).inc()
                except (UnroutableError, NackError) as exc:
                    failed += 1
                    metrics.events_unroutable.labels(self.service, row.type).inc()
                    log.error("broker refused event %s (%s); kept in the outbox", row.type, type(exc).__name__)
                    conn.execute(
                        sa.update(OUTBOX)
                        .where(OUTBOX.c.id == row.id)
                        .values(attempts=OUTBOX.c.attempts + 1, last_error=type(exc).__name__)
                    )
            if sent_ids:
                conn.execute(
                    sa.update(OUTBOX)
                    .where(OUTBOX.c.id.in_(sent_ids))
                    .values(published_at=sa.func.now(), attempts=OUTBOX.c.attempts + 1)
                )
        if failed:
            # The topology may have been deleted under us (a broker reset): declare it again.
            topology.declare(channel, self.extra_bindings)
        return len(sent_ids), failed

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
        """Wait for a wake-up, keeping the broker connection's heartbeats alive meanwhile."""
        deadline = time.monotonic() + seconds
        while not self._wake.is_set() and not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if self._connection is not None and self._connection.is_open:
                try:
                    self._connection.process_data_events(time_limit=0)
                except AMQPError:
                    self._disconnect()
            self._wake.wait(min(left, 0.5))
        self._wake.clear()

    def _disconnect(self) -> None:
        try:
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail in many ways
            pass
        self._connection = self._channel = None

    def _sample_backlog(self) -> None:
        # At most every two seconds: under load the relay loops per commit, and this is a gauge, not a ledger.
        now = time.monotonic()
        if now - self._sampled_at < 2.0:
            return
        self._sampled_at = now
        with self.engine.connect() as conn:
            count, oldest = conn.execute(
                sa.text(
                    "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                    "FROM outbox WHERE published_at IS NULL"
                )
            ).one()
        metrics.outbox_backlog.labels(self.service).set(count)
        metrics.outbox_oldest_age.labels(self.service).set(float(oldest))
