"""The one AMQP channel a service process publishes its RPC requests and replies on (nameko_platform.py routes
nameko's proxies and replies here).

nameko publishes each request and each reply through a kombu Connection built for that publish, a producer
taken from kombu's pool and `Connection.ensure`, and waits for the broker's confirm of every request: in the
profiles, a third of a service's CPU per hop. Here a publish is one frame write on a channel that stays open.

Requests go `mandatory` and unconfirmed. A confirm only ever told the caller one thing, that no queue is bound
for the service; the broker says that by handing the request back (basic.return), which this link's reader
turns into nameko's UnknownService for the waiting caller, as promptly as the confirm did and without a round
trip per call. Replies go unconfirmed as before (a lost one is the caller's timeout, 503).

The link is per process and per broker address, opened on first use, opened again after any failure: a
publish that finds it broken (the broker restarted, the connection was closed) reconnects at once and, while the
broker is away, keeps trying for RETRY_FOR_S, as kombu's `ensure` did; then it raises kombu's OperationalError,
which ic_platform/outage.py names a broker outage (503, and a reply given up rather than raised)."""

from __future__ import annotations

import logging
import os
import time
import weakref
from collections.abc import Iterator
from typing import Any

import amqp
import amqp.exceptions
import eventlet
import kombu.exceptions
from eventlet.semaphore import Semaphore
from kombu import Connection
from nameko.exceptions import UnknownService

log = logging.getLogger(__name__)

TRANSIENT = 1
# How long opening the link may take at one attempt.
CONNECT_TIMEOUT_S = 4.0
# How long a publish keeps trying through a broker outage (a restart takes a few seconds) before it is one: a
# request or reply still gets through then, and its caller, which waits IC_RPC_TIMEOUT_S (10 s), is answered;
# failing at once left the work half done (a claimed Idempotency-Key answered "in progress" until the redrive).
RETRY_FOR_S = 8.0
# Everything the broker or the socket can raise (a bug in what is published is none of them, and stays a bug).
LINK_ERRORS = (amqp.exceptions.AMQPError, kombu.exceptions.KombuError, OSError)


class RpcLink:
    def __init__(self, amqp_uri: str, exchange: str, *, name: str, ssl: Any = None, login_method: str | None = None):
        self._uri, self._exchange, self._name = amqp_uri, exchange, name
        self.retry_for_s = RETRY_FOR_S
        self._ssl, self._login_method = ssl, login_method
        self._connection: Connection | None = None
        self._channel: amqp.Channel | None = None
        self._opening = Semaphore()
        # The callers waiting on a request that may still come back, by correlation id. Weak: a request that was
        # delivered leaves when its caller drops its reply event, with no bookkeeping per call.
        self._returnable: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()

    def request(self, body: bytes, *, routing_key: str, reply_event: Any, **properties: Any) -> None:
        """A request to `service.method`; `reply_event` (an eventlet Event) gets UnknownService if it
        comes back."""
        self._returnable[properties["correlation_id"]] = reply_event
        self.publish(body, routing_key=routing_key, mandatory=True, **properties)

    def publish(self, body: bytes, *, routing_key: str, mandatory: bool = False, **properties: Any) -> None:
        message = amqp.Message(body, delivery_mode=TRANSIENT, **properties)
        deadline, pauses = time.monotonic() + self.retry_for_s, _pauses()
        while True:
            channel = None
            try:
                channel = self._channel_or_open()
                channel.basic_publish(message, self._exchange, routing_key, mandatory=mandatory)
                return
            except LINK_ERRORS as exc:
                if channel is not None and channel is self._channel:  # not a link another greenthread reopened
                    self._drop(f"publish failed: {exc!r}")
                pause = next(pauses)  # none before the first retry: a stale link is opened again at once
                if pause and time.monotonic() + pause > deadline:
                    raise kombu.exceptions.OperationalError(f"cannot publish to {routing_key}: {exc}") from exc
                eventlet.sleep(pause)

    def _channel_or_open(self) -> amqp.Channel:
        channel = self._channel
        if channel is not None:
            return channel
        with self._opening:  # one greenthread opens it; the others wait for that one
            if self._channel is None:
                self._open()
            return self._channel

    def _open(self) -> None:
        connection = Connection(
            self._uri,
            ssl=self._ssl,
            login_method=self._login_method,
            connect_timeout=CONNECT_TIMEOUT_S,
            transport_options={"client_properties": {"connection_name": f"rpc-link:{self._name}"}},
        )
        try:
            connection.connect()
            channel = connection.connection.channel()
            channel.exchange_declare(self._exchange, "topic", durable=True, auto_delete=False)
        except LINK_ERRORS as exc:
            _close_quietly(connection)
            raise kombu.exceptions.OperationalError(f"cannot open the RPC link: {exc}") from exc
        channel.events["basic_return"].add(self._on_return)
        self._connection, self._channel = connection, channel
        eventlet.spawn_n(self._read, connection)

    def _read(self, connection: Connection) -> None:
        """Reads what the broker sends on the link: returned requests, and its closing of the connection."""
        try:
            while self._connection is connection:
                connection.connection.drain_events()
        except Exception as exc:  # a closed socket, a broker closing: every one means "open a new link"
            if self._connection is connection:
                self._drop(f"link lost: {exc!r}")

    def _on_return(self, _exc: Exception, _exchange: str, routing_key: str, message: amqp.Message) -> None:
        event = self._returnable.pop(message.properties.get("correlation_id", ""), None)
        if event is not None and not event.ready():
            event.send_exception(UnknownService(routing_key.split(".", 1)[0]))

    def _drop(self, reason: str) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            log.info("RPC link %s dropped: %s", self._name, reason)
            _close_quietly(connection)


def _pauses() -> Iterator[float]:
    yield from (0.0, 0.25, 0.5, 1.0)
    while True:
        yield 2.0


def _close_quietly(connection: Connection) -> None:
    try:
        connection.collect()  # releases the socket without a closing handshake a broken link cannot answer
    except Exception:  # already gone; nothing left to release
        pass


_LINKS: dict[tuple, RpcLink] = {}


def link(amqp_uri: str, exchange: str, *, name: str, ssl: Any = None, login_method: str | None = None) -> RpcLink:
    """The process's link to this broker; a forked child opens its own."""
    key = (os.getpid(), amqp_uri, exchange, repr(ssl), login_method)
    found = _LINKS.get(key)
    if found is None:
        found = _LINKS[key] = RpcLink(amqp_uri, exchange, name=name, ssl=ssl, login_method=login_method)
    return found
