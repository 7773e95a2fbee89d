"""Events are never lost and never applied twice: a consumer killed between its commit and its ack, a broker
restarted while events flow, a handler that fails N times. Each test counts lost / duplicated / dead-lettered.

The producer is a real outbox relay (in this process); the consumer is a real nameko service on the shared
platform (tests/integration/support/sink_service.py) that counts each application of each event."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from deploy.stack import base_env, free_port, rabbitmqctl
from ic_platform.config import settings
from ic_platform.db import drop_database, ensure_database, make_engine
from ic_platform.envelope import Envelope
from ic_platform.outbox import OutboxRelay
from ic_platform.rpc_client import RpcClient
from ic_platform.storage import platform_tables
from tests.integration.identity import rpc_context
from tests.integration.support import sink_service
from tests.integration.support.private_broker import PrivateBroker

ADMIN = rpc_context("admin", "dzb", ["admin"])

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PG = settings().pg_server_url.rstrip("/")  # IC_PG_URL: a private cluster when one is given


@dataclass
class Bus:
    name: str
    amqp_uri: str
    producer: sa.Engine
    sink_db: sa.Engine
    relay: OutboxRelay
    sink: subprocess.Popen | None = None
    crashes: int = 0
    log: list[str] = field(default_factory=list)

    def start_sink(self, **fault_env: str) -> None:
        env = {
            **base_env(),
            "IC_DB_PREFIX": self.name,
            "IC_AMQP_URI": self.amqp_uri,
            "IC_LOG_LEVEL": "ERROR",
            "IC_METRICS_PORT": str(free_port()),
            "IC_INBOX_BASE_DELAY_S": "0.1",
            **fault_env,
        }
        self._sink_env = env
        self.sink = subprocess.Popen(
            [sys.executable, "-m", "ic_platform.runner", "tests.integration.support.sink_service:SinkService"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def keep_sink_alive(self) -> None:
        """The supervisor's job in production: start the consumer again when it dies."""
        if self.sink and self.sink.poll() is not None:
            self.crashes += 1
            self.sink = subprocess.Popen(
                self.sink.args, cwd=ROOT, env=self._sink_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )

    def stop_sink(self) -> None:
        if self.sink and self.sink.poll() is None:
            self.sink.terminate()
            self.sink.wait(10)

    def publish(self, count: int) -> list[str]:
        ids = []
        with self.producer.begin() as conn:
            for i in range(count):
                env = Envelope(type=sink_service.EVENT_TYPE, payload={"i": i}, org="test", producer="producer")
                conn.execute(sa.insert(OUTBOX).values(event_id=env.event_id, type=env.type, envelope=env.as_dict()))
                ids.append(env.event_id)
        self.relay.wake()
        return ids

    def counts(self, ids: list[str]) -> dict[str, int]:
        with self.sink_db.connect() as conn:
            applied = dict(conn.execute(sa.select(sink_service.applied.c.event_id, sink_service.applied.c.n)).all())
            dead = conn.execute(sa.text("SELECT count(*) FROM inbox WHERE status = 'dead'")).scalar_one()
        applied = {str(k): v for k, v in applied.items()}
        return {
            "sent": len(ids),
            "applied": sum(1 for i in ids if i in applied),
            "lost": sum(1 for i in ids if i not in applied),
            "duplicated": sum(1 for v in applied.values() if v > 1),
            "dead_lettered": dead,
        }

    def wait_for(self, ids: list[str], *, until, timeout: float = 180) -> dict[str, int]:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while True:
            self.keep_sink_alive()
            counts = self.counts(ids)
            if until(counts) or time.monotonic() > deadline:
                print(f"\n[reliability] {counts} crashes={self.crashes}")
                return counts
            time.sleep(0.2)


OUTBOX = platform_tables(sa.MetaData())["outbox"]


@pytest.fixture
def bus() -> Iterator[Bus]:
    """Producer and consumer on a throwaway vhost of the shared broker."""
    name = f"ic_rel{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield from _bus(name, f"amqp://guest:guest@127.0.0.1:5672/{name}")
    finally:
        try:
            rabbitmqctl("delete_vhost", name)
        except subprocess.CalledProcessError:
            pass


@pytest.fixture
def private_bus() -> Iterator[tuple[Bus, PrivateBroker]]:
    """Producer and consumer on a private broker node, for the tests that stop the broker: the shared one
    serves every other test run on this machine."""
    broker = PrivateBroker()
    try:
        broker.start()
        for bus in _bus(f"ic_rel{uuid.uuid4().hex[:8]}", broker.amqp_uri):
            yield bus, broker
    finally:
        broker.destroy()


def _bus(name: str, amqp_uri: str) -> Iterator[Bus]:
    urls = {db: f"{PG}/{name}_{db}" for db in ("producer", "sink")}
    engines: list[sa.Engine] = []
    b = None
    thread = None
    try:  # everything below is undone in `finally`, even when setting up fails half-way
        for url in urls.values():
            ensure_database(url)
        producer, sink_db = make_engine(urls["producer"], pool_size=2), make_engine(urls["sink"], pool_size=2)
        engines += [producer, sink_db]
        platform_tables(meta := sa.MetaData())
        meta.create_all(producer)
        sink_service.metadata.create_all(sink_db)
        relay = OutboxRelay(
            "producer",
            producer,
            amqp_uri,
            extra_bindings=sink_service.BINDINGS,
            poll_interval=0.2,
        )
        relay.publish_pending()  # declares the topology before anything is published
        thread = threading.Thread(target=relay.run_forever, daemon=True)
        thread.start()
        b = Bus(name, amqp_uri, producer, sink_db, relay)
        yield b
    finally:
        if b is not None:
            b.stop_sink()
            b.relay.stop()
        if thread is not None:
            thread.join(10)
        for engine in engines:
            engine.dispose()
        for url in urls.values():
            drop_database(url)


def test_consumer_killed_between_commit_and_ack_applies_each_event_once(bus):
    bus.start_sink(IC_FAULT_CRASH_BEFORE_ACK="0.03")
    ids = bus.publish(200)
    counts = bus.wait_for(ids, until=lambda c: c["applied"] == c["sent"])
    assert bus.crashes >= 1, "the fault never fired: this test proved nothing"
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["dead_lettered"] == 0, counts


@pytest.mark.skipif(bool(os.environ.get("IC_SKIP_BROKER_RESTART")), reason="IC_SKIP_BROKER_RESTART is set")
def test_broker_restart_while_events_flow_loses_nothing(private_bus):
    bus, broker = private_bus
    bus.start_sink()
    ids: list[str] = []
    flowing = threading.Thread(target=lambda: [ids.extend(bus.publish(20)) or time.sleep(0.05) for _ in range(20)])
    flowing.start()
    time.sleep(0.4)
    broker.stop_app()
    time.sleep(1.5)
    broker.start_app()
    flowing.join()
    counts = bus.wait_for(ids, until=lambda c: c["applied"] == c["sent"], timeout=120)
    assert counts["sent"] == 400
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["dead_lettered"] == 0, counts


def test_handler_failing_n_times_is_retried_then_applied_once(bus):
    bus.start_sink(IC_FAULT_FAIL_FIRST_ATTEMPTS="3", IC_INBOX_MAX_ATTEMPTS="5")
    ids = bus.publish(50)
    counts = bus.wait_for(ids, until=lambda c: c["applied"] == c["sent"])
    assert counts["lost"] == 0 and counts["duplicated"] == 0 and counts["dead_lettered"] == 0, counts
    with bus.sink_db.connect() as conn:
        attempts = conn.execute(sa.text("SELECT min(attempts), max(attempts) FROM inbox")).one()
    assert tuple(attempts) == (4, 4), "each event: three failures, then one success"


def test_handler_failing_past_the_limit_is_parked_then_replayed_by_ops(bus):
    bus.start_sink(IC_FAULT_FAIL_FIRST_ATTEMPTS="99", IC_INBOX_MAX_ATTEMPTS="3")
    ids = bus.publish(30)
    counts = bus.wait_for(ids, until=lambda c: c["dead_lettered"] == c["sent"])
    assert counts["dead_lettered"] == 30 and counts["applied"] == 0, counts

    bus.stop_sink()  # ops fix the cause (here: the fault switch), then replay the parked events
    bus.start_sink()
    client = RpcClient(bus.amqp_uri, name="ops")
    client.start()
    try:
        listed = _retry(lambda: client.call("sink", "dead_letters", {"limit": 100}, timeout=5, context=ADMIN))
        assert listed["total"] == 30 and listed["items"][0]["last_error"].startswith("FaultInjected")
        assert client.call("sink", "replay_dead_letters", {}, timeout=5, context=ADMIN) == {"replayed": 30}
    finally:
        client.stop()
    counts = bus.wait_for(ids, until=lambda c: c["applied"] == c["sent"])
    assert counts == {"sent": 30, "applied": 30, "lost": 0, "duplicated": 0, "dead_lettered": 0}


def _retry(call, attempts: int = 50):  # noqa: ANN001, ANN202 - the sink may still be starting
    for _ in range(attempts - 1):
        try:
            return call()
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    return call()
