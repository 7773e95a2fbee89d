"""Attacks on the broker (issue 9, section 5): one part of the system reading or writing another's messages.
Each service and the gateway are their own RabbitMQ user (ic_platform/broker_users.py); the test stack uses them."""

from __future__ import annotations

import re

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker

from ic_platform import broker_users, topology
from ic_platform.config import SERVICES


def _channel(stack, principal: str):  # noqa: ANN001, ANN202
    uri = stack.service_env[principal]["IC_AMQP_URI"]
    return pika.BlockingConnection(pika.URLParameters(uri))


def _refused(stack, principal: str, action) -> int:  # noqa: ANN001
    connection = _channel(stack, principal)
    try:
        with pytest.raises(ChannelClosedByBroker) as closed:
            action(connection.channel())
        return closed.value.reply_code
    finally:
        connection.close()


@pytest.mark.integration
def test_a_service_cannot_read_another_services_queues(stack):
    assert stack.broker_users
    assert _refused(stack, "budget", lambda ch: ch.basic_get("rpc-approval")) == 403
    assert _refused(stack, "budget", lambda ch: ch.basic_get(topology.queue_name("approval"))) == 403
    connection = _channel(stack, "budget")  # its own, it may
    try:
        channel = connection.channel()
        got = channel.basic_get(topology.queue_name("budget"))
        if got[0] is not None:
            channel.basic_nack(got[0].delivery_tag, requeue=True)
    finally:
        connection.close()


@pytest.mark.integration
def test_the_gateway_can_neither_consume_a_service_queue_nor_publish_an_event(stack):
    assert _refused(stack, "gateway", lambda ch: ch.basic_get("rpc-budget")) == 403

    def publish(channel) -> None:  # noqa: ANN001
        channel.confirm_delivery()
        channel.basic_publish(topology.EXCHANGE, "budget.committed", b"{}")

    assert _refused(stack, "gateway", publish) == 403


def test_every_service_and_the_gateway_has_its_user_and_reads_only_its_own():
    assert set(broker_users.PRINCIPALS) == {*SERVICES, "gateway"}
    for service in SERVICES:
        configure, write, read = broker_users.permissions(service)
        assert re.fullmatch(read, f"rpc-{service}") and re.fullmatch(read, topology.queue_name(service))
        assert re.fullmatch(read, f"rpc.reply-{service}-0b7e")
        for other in set(SERVICES) - {service}:
            assert not re.fullmatch(read, f"rpc-{other}") and not re.fullmatch(read, topology.queue_name(other))
            assert not re.fullmatch(configure, f"rpc-{other}")
    configure, write, read = broker_users.permissions("gateway")
    assert not re.fullmatch(write, topology.EXCHANGE) and not re.fullmatch(read, "rpc-budget")
    assert re.fullmatch(write, "nameko-rpc") and re.fullmatch(read, "rpc.reply-gateway-1f2e")


@pytest.mark.integration
def test_make_runs_users_are_kept_between_starts(tmp_path):
    import uuid

    from deploy.stack import rabbitmqctl

    vhost, prefix = f"ic_tbu{uuid.uuid4().hex[:8]}", f"ic_tbu{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    try:
        store = tmp_path / "broker-users.json"
        first = broker_users.ensure_stored(store, f"amqp://guest:guest@127.0.0.1:5672/{vhost}", prefix)
        again = broker_users.ensure_stored(store, f"amqp://guest:guest@127.0.0.1:5672/{vhost}", prefix)
        assert first == again and set(first) == set(broker_users.PRINCIPALS)
        assert (store.stat().st_mode & 0o777) == 0o600
        pika.BlockingConnection(pika.URLParameters(first["risk"])).close()  # the stored password signs in
    finally:
        broker_users.remove(prefix)
        rabbitmqctl("delete_vhost", vhost)
