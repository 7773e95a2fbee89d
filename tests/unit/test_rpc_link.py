"""The process's RPC link (ic_platform/rpc_link.py) without a broker: a returned request, a stale link."""

from __future__ import annotations

import amqp
import pytest
from eventlet.event import Event
from nameko.exceptions import UnknownService

from ic_platform.outage import is_broker_outage
from ic_platform.rpc_link import RpcLink


class _Channel:
    def __init__(self, failures: list[Exception]):
        self.failures, self.published = failures, []

    def basic_publish(self, message, exchange, routing_key, mandatory=False):  # noqa: ANN001
        if self.failures:
            raise self.failures.pop(0)
        self.published.append((exchange, routing_key, mandatory, message))


def _link(*channels: _Channel) -> tuple[RpcLink, list[str]]:
    link = RpcLink("amqp://guest:guest@127.0.0.1:1//", "nameko-rpc", name="test")
    link.retry_for_s = 0.0  # no patience unless a test asks for it
    opened, queue = [], list(channels)

    def open_next() -> None:
        opened.append("open")
        link._channel = queue.pop(0)

    link._open = open_next
    return link, opened


def test_a_returned_request_raises_unknown_service_in_its_caller():
    link, _ = _link(_Channel([]))
    event, other = Event(), Event()
    link.request(b"{}", routing_key="nosuch.method", reply_event=event, correlation_id="c1", reply_to="r")
    link.request(b"{}", routing_key="budget.ping", reply_event=other, correlation_id="c2", reply_to="r")
    link._on_return(None, "nameko-rpc", "nosuch.method", amqp.Message(b"{}", correlation_id="c1"))
    with pytest.raises(UnknownService, match="nosuch"):
        event.wait()
    assert not other.ready()  # only the returned one is told


def test_requests_are_mandatory_and_transient_replies_not_mandatory():
    channel = _Channel([])
    link, _ = _link(channel)
    link.request(b"{}", routing_key="budget.ping", reply_event=Event(), correlation_id="c1", reply_to="r")
    link.publish(b"{}", routing_key="rpc.reply-x", correlation_id="c1")
    (_, key1, mandatory1, m1), (_, key2, mandatory2, _) = channel.published
    assert (key1, mandatory1, key2, mandatory2) == ("budget.ping", True, "rpc.reply-x", False)
    assert m1.properties["delivery_mode"] == 1


def test_a_stale_link_is_opened_again_once():
    fresh = _Channel([])
    link, opened = _link(_Channel([ConnectionResetError("broker restarted")]), fresh)
    link.publish(b"{}", routing_key="rpc.reply-x")
    assert opened == ["open", "open"] and len(fresh.published) == 1


def test_a_publish_waits_out_a_short_broker_outage():
    back = _Channel([])
    down = [_Channel([ConnectionRefusedError("restarting")]) for _ in range(3)]
    link, opened = _link(*down, back)
    link.retry_for_s = 2.0
    link.publish(b"{}", routing_key="rpc.reply-x")  # retried at once, then after 0.25 s and 0.5 s
    assert len(opened) == 4 and len(back.published) == 1


def test_a_link_that_fails_twice_is_a_broker_outage():
    """Without patience left: once at once on a fresh link, then an outage."""
    link, _ = _link(_Channel([ConnectionResetError("gone")]), _Channel([amqp.exceptions.RecoverableConnectionError()]))
    with pytest.raises(Exception) as raised:
        link.publish(b"{}", routing_key="rpc.reply-x")
    assert is_broker_outage(raised.value)  # a reply given up, a request answered 503


def test_a_bug_in_what_is_published_is_not_taken_for_an_outage():
    link, opened = _link(_Channel([TypeError("not bytes")]))
    with pytest.raises(TypeError):
        link.publish(b"{}", routing_key="rpc.reply-x")
    assert opened == ["open"]
