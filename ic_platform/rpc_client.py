"""A thread-safe client for nameko 2.x RPC, speaking the AMQP wire protocol with pika only.

nameko's own proxies need eventlet, which must not leak into the FastAPI gateway, so this module talks to
the broker directly. pika is not thread-safe: one background thread owns the connection and does every
channel operation; callers hand it publishes through ``add_callback_threadsafe`` and wait for replies that
the same thread routes back by correlation id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from typing import Any

import pika
import pika.data
import pika.exceptions

_log = logging.getLogger(__name__)

RPC_EXCHANGE = "nameko-rpc"
HEADER_PREFIX = "nameko."
# nameko's Responder looks the reply serializer up by this exact content type; anything else crashes the
# worker on the service side instead of producing an error reply.
CONTENT_TYPE = "application/json"
_TRANSIENT = 1


class RpcError(Exception):
    """Base class of every failure this client reports."""


class RemoteError(RpcError):
    """The remote method raised; the fields are nameko's serialised form of the exception."""

    def __init__(self, exc_type: str, exc_path: str, exc_args: list, value: str):
        super().__init__(f"{exc_type}: {value}")
        self.exc_type = exc_type
        self.exc_path = exc_path
        self.exc_args = exc_args
        self.value = value

    @classmethod
    def from_payload(cls, error: dict) -> RemoteError:
        return cls(
            error.get("exc_type") or "Exception",
            error.get("exc_path") or "",
            list(error.get("exc_args") or []),
            error.get("value") or "",
        )


class RpcTimeout(RpcError):
    """No reply arrived in time. The call may or may not have run."""


class ServiceUnavailable(RpcError):
    """The broker is unreachable, or no queue is bound for the service, so the call never ran."""


class _SyncWaiter:
    __slots__ = ("event", "body", "error")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.body: bytes | None = None
        self.error: Exception | None = None

    def deliver(self, body: bytes | None, error: Exception | None) -> None:
        self.body, self.error = body, error
        self.event.set()


class _AsyncWaiter:
    __slots__ = ("_loop", "future")

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        self._loop, self.future = loop, future

    def deliver(self, body: bytes | None, error: Exception | None) -> None:
        try:
            self._loop.call_soon_threadsafe(_resolve, self.future, body, error)
        except RuntimeError:  # the loop is closed, so nobody is waiting any more
            pass


def _resolve(future: asyncio.Future, body: bytes | None, error: Exception | None) -> None:
    if future.done():  # timed out or cancelled while the reply was in flight
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(body)


def _unpack(body: bytes | None) -> Any:
    payload = json.loads(body)
    error = payload.get("error")
    if error:
        raise RemoteError.from_payload(error)
    return payload.get("result")


class RpcClient:
    """One connection, one reply queue and one I/O thread shared by every caller of the process."""

    def __init__(
        self,
        amqp_uri: str,
        *,
        name: str = "gateway",
        default_timeout: float = 10.0,
        connect_timeout: float = 5.0,
        min_backoff: float = 0.2,
        max_backoff: float = 5.0,
    ):
        self.name = name
        self.default_timeout = default_timeout
        self._params = pika.URLParameters(amqp_uri)
        if "socket_timeout" not in amqp_uri:
            self._params.socket_timeout = connect_timeout
        if "stack_timeout" not in amqp_uri:
            self._params.stack_timeout = connect_timeout
        self._params.client_properties = {"connection_name": f"rpc-client:{name}"}
        self._connect_timeout = connect_timeout
        self._min_backoff, self._max_backoff = min_backoff, max_backoff

        # Guards everything below; the I/O thread and callers both touch it, always briefly.
        self._lock = threading.Lock()
        self._connected = False
        self._conn: pika.BlockingConnection | None = None
        self._channel = None
        self._reply_to = ""
        self._pending: dict[str, _SyncWaiter | _AsyncWaiter] = {}
        self._outbox: list[tuple[str, bytes, pika.BasicProperties]] = []
        # One wake-up per batch rather than per call: under load many publishes ride one callback.
        self._wake_scheduled = False

        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._first_attempt = threading.Event()

    @property
    def connected(self) -> bool:
        return self._connected

    def start(self) -> None:
        """Start the I/O thread and wait (bounded) for the first connection attempt to finish.

        Never raises for an unreachable broker: the thread keeps retrying and calls fail fast meanwhile.
        """
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping = threading.Event()
        self._first_attempt = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rpc-client-{self.name}", daemon=True)
        self._thread.start()
        self._first_attempt.wait(self._connect_timeout + 1.0)

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        self._wake()
        thread.join(self._connect_timeout + 2.0)
        self._thread = None

    def call(
        self,
        service: str,
        method: str,
        kwargs: dict | None = None,
        *,
        args: list | None = None,
        timeout: float | None = None,
        context: dict | None = None,
    ) -> Any:
        timeout = self.default_timeout if timeout is None else timeout
        waiter = _SyncWaiter()
        cid = self._submit(service, method, args, kwargs, context, timeout, waiter)
        if not waiter.event.wait(timeout):
            if self._forget(cid):
                raise RpcTimeout(f"no reply from {service}.{method} within {timeout}s")
            waiter.event.wait()  # the reply won the race with the timeout and is being delivered now
        if waiter.error is not None:
            raise waiter.error
        return _unpack(waiter.body)

    async def call_async(
        self,
        service: str,
        method: str,
        kwargs: dict | None = None,
        *,
        args: list | None = None,
        timeout: float | None = None,
        context: dict | None = None,
    ) -> Any:
        timeout = self.default_timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        waiter = _AsyncWaiter(loop, loop.create_future())
        cid = self._submit(service, method, args, kwargs, context, timeout, waiter)
        try:
            body = await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            raise RpcTimeout(f"no reply from {service}.{method} within {timeout}s") from None
        finally:
            self._forget(cid)  # no-op after a reply; stops a timed-out or cancelled call lingering
        return _unpack(body)

    def _submit(
        self,
        service: str,
        method: str,
        args: list | None,
        kwargs: dict | None,
        context: dict | None,
        timeout: float,
        waiter: _SyncWaiter | _AsyncWaiter,
    ) -> str:
        cid = str(uuid.uuid4())
        routing_key = f"{service}.{method}"
        body = json.dumps(
            {"args": list(args or ()), "kwargs": kwargs or {}}, ensure_ascii=False, separators=(",", ":")
        ).encode()
        headers = self._headers(context, cid)
        with self._lock:
            if not self._connected:
                raise ServiceUnavailable(f"not connected to the broker; cannot call {routing_key}")
            props = pika.BasicProperties(
                content_type=CONTENT_TYPE,
                content_encoding="utf-8",
                headers=headers,
                reply_to=self._reply_to,
                correlation_id=cid,
                delivery_mode=_TRANSIENT,
                # A request nobody picked up before the caller gave up is dropped by the broker instead of
                # being executed later for nobody; this also stops a backlog from snowballing.
                expiration=str(max(1, int(timeout * 1000))),
            )
            self._pending[cid] = waiter
            self._outbox.append((routing_key, body, props))
            wake = not self._wake_scheduled
            self._wake_scheduled = True
            conn = self._conn
        if wake:
            try:
                conn.add_callback_threadsafe(self._drain)
            except pika.exceptions.AMQPError:  # closed under us; the offline sweep fails the others
                self._complete(cid, None, ServiceUnavailable(f"broker connection lost calling {routing_key}"))
        return cid

    def _headers(self, context: dict | None, cid: str) -> dict:
        data = dict(context or {})
        # nameko builds its call id chain from this; an origin without one would start the chain empty.
        data.setdefault("call_id_stack", [f"{self.name}.call.{cid}"])
        headers = {
            (k if k.startswith(HEADER_PREFIX) else HEADER_PREFIX + k): v for k, v in data.items() if v is not None
        }  # nameko drops None headers too
        try:
            # pika cannot encode floats or tuples; finding out on the I/O thread would kill the connection.
            pika.data.encode_table([], headers)
        except pika.exceptions.UnsupportedAMQPFieldException as exc:
            raise TypeError(f"context values must be str, int, bool, bytes, list or dict: {exc}") from None
        return headers

    def _forget(self, cid: str) -> bool:
        with self._lock:
            return self._pending.pop(cid, None) is not None

    def _complete(self, cid: str | None, body: bytes | None, error: Exception | None) -> None:
        with self._lock:
            waiter = self._pending.pop(cid, None)
        if waiter is not None:  # otherwise a late reply for a call that already timed out
            waiter.deliver(body, error)

    def _wake(self) -> None:
        conn = self._conn
        if conn is not None:
            try:
                conn.add_callback_threadsafe(lambda: None)
            except pika.exceptions.AMQPError:
                pass

    def _run(self) -> None:
        delay = self._min_backoff
        while not self._stopping.is_set():
            conn = None
            reason = "client stopped"
            try:
                conn = pika.BlockingConnection(self._params)
                self._go_online(conn)
                delay = self._min_backoff
                self._first_attempt.set()
                while not self._stopping.is_set():
                    conn.process_data_events(time_limit=1.0)
                    if not self._channel.is_open:
                        raise pika.exceptions.ChannelClosed(0, "reply channel closed")
            except Exception as exc:  # pika raises a wide family on network loss; all mean "reconnect"
                reason = f"broker connection lost: {exc!r}"
                _log.warning("rpc client %s: %s; reconnecting in %.1fs", self.name, reason, delay)
            finally:
                self._go_offline(reason)
                if conn is not None and conn.is_open:
                    try:
                        conn.close()
                    except Exception:  # already broken; nothing more to release
                        pass
                self._first_attempt.set()
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self._max_backoff)

    def _go_online(self, conn: pika.BlockingConnection) -> None:
        channel = conn.channel()
        channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True)
        reply_to = f"rpc.reply-{self.name}-{uuid.uuid4()}"
        channel.queue_declare(reply_to, exclusive=True, auto_delete=True)
        # nameko replies to the rpc exchange with routing key = reply_to, so bind under our own name.
        channel.queue_bind(reply_to, RPC_EXCHANGE, routing_key=reply_to)
        channel.add_on_return_callback(self._on_return)
        channel.basic_consume(reply_to, self._on_reply, auto_ack=True)
        with self._lock:
            self._conn, self._channel, self._reply_to = conn, channel, reply_to
            self._connected = True

    def _go_offline(self, reason: str) -> None:
        with self._lock:
            self._connected = False
            self._conn = self._channel = None
            pending, self._pending = self._pending, {}
            self._outbox = []
            self._wake_scheduled = False
        for waiter in pending.values():
            waiter.deliver(None, ServiceUnavailable(reason))

    def _drain(self) -> None:
        with self._lock:
            batch, self._outbox = self._outbox, []
            self._wake_scheduled = False
            channel = self._channel
        for routing_key, body, props in batch:
            # mandatory: with no queue bound for the service the broker returns the message instead of
            # dropping it, which turns "service not deployed" into a fast ServiceUnavailable.
            channel.basic_publish(RPC_EXCHANGE, routing_key, body, props, mandatory=True)

    def _on_reply(self, _channel, _method, props: pika.BasicProperties, body: bytes) -> None:
        self._complete(props.correlation_id, body, None)

    def _on_return(self, _channel, method, props: pika.BasicProperties, _body: bytes) -> None:
        self._complete(
            props.correlation_id,
            None,
            ServiceUnavailable(f"no consumer for {method.routing_key} ({method.reply_text})"),
        )
