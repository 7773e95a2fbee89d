"""IC_QUEUE_TYPE=quorum (the Kubernetes setting, deploy/k8s) makes every durable queue of the system a quorum
queue: the event queues the relay and the consumer declare, and nameko's RPC queue; RPC still works over it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pika
import pytest

from deploy.stack import base_env, free_port, rabbitmqctl, wait_ready
from ic_platform import topology
from ic_platform.config import settings
from ic_platform.db import drop_database, ensure_database, make_engine
from ic_platform.rpc_client import RpcClient
from tests.integration.support import sink_service

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def is_quorum(amqp: str, queue: str) -> bool:
    """Redeclaring a queue with a type it does not have is refused (406), so the broker itself says its type.
    (Over AMQP: rabbitmqctl takes seconds per call on a busy machine.)"""
    connection = pika.BlockingConnection(pika.URLParameters(amqp))
    try:
        connection.channel().queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
        return True
    except pika.exceptions.ChannelClosedByBroker as exc:
        assert exc.reply_code == 406, exc
        return False
    finally:
        if connection.is_open:
            connection.close()


def test_the_quorum_setting_covers_every_durable_queue_and_rpc_still_answers():
    name = f"ic_q{uuid.uuid4().hex[:8]}"
    url = f"{settings().pg_server_url.rstrip('/')}/{name}_sink"
    port = free_port()
    process = None
    try:
        rabbitmqctl("add_vhost", name)
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        ensure_database(url)
        engine = make_engine(url, pool_size=1)
        sink_service.metadata.create_all(engine)
        engine.dispose()
        amqp = f"amqp://guest:guest@127.0.0.1:5672/{name}"
        env = {
            **base_env(),
            "IC_DB_PREFIX": name,
            "IC_AMQP_URI": amqp,
            "IC_QUEUE_TYPE": "quorum",
            "IC_METRICS_PORT": str(port),
            "IC_LOG_LEVEL": "ERROR",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "ic_platform.runner", "tests.integration.support.sink_service:SinkService"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_ready(f"http://127.0.0.1:{port}/readyz", timeout=60)  # the probe Kubernetes uses

        queues = ["rpc-sink", "ic.sink.events", *topology.bindings()]
        assert {q: is_quorum(amqp, q) for q in queues} == dict.fromkeys(queues, True)
        connection = pika.BlockingConnection(pika.URLParameters(amqp))  # and the test can tell: a classic one
        connection.channel().queue_declare("a.classic.queue", durable=True)
        connection.close()
        assert not is_quorum(amqp, "a.classic.queue")

        client = RpcClient(amqp, name="queue-type-test")
        client.start()
        try:
            assert client.call("sink", "ping", {}) == {"service": "sink", "ok": True}
        finally:
            client.stop()
    finally:
        if process is not None:
            process.terminate()
            process.wait(15)
        drop_database(url)
        try:
            rabbitmqctl("delete_vhost", name)
        except subprocess.CalledProcessError:
            pass
