"""The thin nameko layer every service shares: one dependency provider that owns the database engine, the
outbox relay and the inbox; an entrypoint that consumes the service's event queue; metrics and spans around
every worker. A service class only declares its entrypoints and calls its handlers."""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from typing import Any

import eventlet
import kombu.serialization
from kombu import Exchange, Queue, binding
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import UnserializableValueError, deserialize_to_instance, serialize
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer
from nameko.rpc import MethodProxy, Rpc, RpcConsumer, RpcReply, ServiceProxy, get_rpc_exchange
from opentelemetry import trace

from ic_platform import catalogue, errors, identity, metrics, retention, rpc_link, segregation, topology, tracing
from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.db import make_engine
from ic_platform.entrypoints import rpc
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.inbox import Handler, Inbox
from ic_platform.logs import log_refusal
from ic_platform.messagebus import MessageBus
from ic_platform.outbox import OutboxRelay
from ic_platform.uow import UnitOfWork

log = logging.getLogger(__name__)
# How long a consumer waits before handing back a message it could not even store (database down):
# long enough that an outage is not a hot loop, short enough to recover quickly.
REQUEUE_PAUSE_S = 2.0
# How long a signed service identity is reused: a third of its 60 s validity, so one handed to a worker has at
# least 40 s left, longer than any call the worker makes waits (IC_RPC_TIMEOUT_S).
IDENTITY_REUSE_S = identity.ASSERTION_TTL_S / 3

# A refusal from one service reaches a calling service as the same DomainError, not a RemoteError.
for _cls in (
    errors.DomainError,
    errors.NotFound,
    errors.Conflict,
    errors.InvalidInput,
    errors.Forbidden,
    errors.Unavailable,
):
    deserialize_to_instance(_cls)


class EventConsumer(Consumer):
    """Consumes `ic.<service>.events`. Acks only after the inbox stored the event; if storing fails the
    message is requeued after a pause (requeue_on_error), never acked and lost."""

    def __init__(self, routing_keys: list[str] | None = None, **kwargs: Any):
        self.routing_keys = routing_keys
        super().__init__(queue=None, requeue_on_error=True, **kwargs)

    def setup(self) -> None:
        service = self.container.service_name
        keys = self.routing_keys if self.routing_keys is not None else catalogue.subscriptions(service)
        exchange = Exchange(topology.EXCHANGE, type="topic", durable=True)
        self.queue = Queue(
            topology.queue_name(service),
            durable=True,
            bindings=[binding(exchange, routing_key=k) for k in keys],
            queue_arguments=topology.queue_arguments(),
        )
        self.listening = bool(keys) or self.routing_keys is not None
        if self.listening:  # a service that subscribes to nothing gets no empty queue
            super().setup()

    def stop(self) -> None:
        if self.listening:
            super().stop()

    def handle_message(self, body: Any, message: Any) -> None:
        if self._concerns_nobody(body):
            # No handler of this service acts on it (the desk of another service's documents): acked at once,
            # without a worker, a span or a transaction.
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def _concerns_nobody(self, body: Any) -> bool:
        inbox = next((d.inbox for d in self.container.dependencies if isinstance(d, ServicePlatform)), None)
        if inbox is None or not isinstance(body, dict) or body.get("type") not in inbox.filtered:
            return False
        try:
            envelope = Envelope.from_dict(body)
        except (TypeError, ValueError, KeyError, AttributeError):
            return False  # the worker parks what cannot be read
        return not inbox.hearing(envelope)


consume_events = EventConsumer.decorator

_nameko_rpc_setup = RpcConsumer.setup


def _rpc_setup_with_queue_type(self: RpcConsumer) -> None:
    """nameko declares each service's RPC queue (`rpc-<service>`) itself; give it the same queue type as the
    event queues (topology.queue_arguments), so IC_QUEUE_TYPE=quorum covers every durable queue."""
    _nameko_rpc_setup(self)
    self.queue.queue_arguments = {**(self.queue.queue_arguments or {}), **topology.queue_arguments()}


RpcConsumer.setup = _rpc_setup_with_queue_type


def _link(container: Any) -> rpc_link.RpcLink:
    """The process's RPC link, looked up once per container (its config does not change while it runs)."""
    found = getattr(container, "_ic_rpc_link", None)
    if found is None:
        config = container.config
        found = container._ic_rpc_link = rpc_link.link(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config).name,
            name=container.service_name,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
    return found


def _serializer(container: Any) -> str:
    return container.config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER)


class _HopProxy(MethodProxy):
    """A service's RPC request to another service, published on the process's link (ic_platform/rpc_link.py):
    transient as the gateway's are (a request outlives no broker restart: its caller gives up after
    IC_RPC_TIMEOUT_S and retries with the same key), `mandatory` and unconfirmed (a request to a service with no
    queue comes back, and the caller's reply raises UnknownService)."""

    def __init__(self, worker_ctx: Any, service_name: str, method_name: str, reply_listener: Any, **options: Any):
        # nameko's builds a Publisher here, for every attribute looked up on the proxy; the link replaces it.
        self.worker_ctx, self.service_name, self.method_name = worker_ctx, service_name, method_name
        self.reply_listener = reply_listener

    def _call(self, *args: Any, **kwargs: Any) -> RpcReply:
        content_type, encoding, body = kombu.serialization.dumps(
            {"args": args, "kwargs": kwargs}, _serializer(self.container)
        )
        correlation_id = str(uuid.uuid4())
        reply_event = self.reply_listener.get_reply_event(correlation_id)
        _link(self.container).request(
            body,
            routing_key=f"{self.service_name}.{self.method_name}",
            reply_event=reply_event,
            content_type=content_type,
            content_encoding=encoding,
            application_headers=self.get_message_headers(self.worker_ctx),
            reply_to=self.reply_listener.routing_key,
            correlation_id=correlation_id,
        )
        return RpcReply(reply_event)


def _proxy_method(self: ServiceProxy, name: str) -> _HopProxy:
    return _HopProxy(self.worker_ctx, self.service_name, name, self.reply_listener, **self.options)


ServiceProxy.__getattr__ = _proxy_method


def _reply(self: RpcConsumer, message: Any, result: Any, exc_info: tuple | None) -> tuple[Any, tuple | None]:
    """RPC replies, on the process's link: transient and unconfirmed. A reply goes to its caller's exclusive
    queue, which a broker restart loses with the caller's connection anyway; a reply the broker drops means the
    caller times out (503) and retries with the same Idempotency-Key, as it would if the broker died a moment
    later. As nameko's Responder: encoded as the request was, and a result that cannot be encoded answered as
    UnserializableValueError (raised, it would kill the container); unlike it, encoded once, not twice."""
    serializer = kombu.serialization.registry.type_to_name[message.properties["content_type"]]
    error = serialize(exc_info[1]) if exc_info is not None else None
    try:
        content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
    except Exception:
        exc_info = sys.exc_info()
        error, result = serialize(UnserializableValueError(result)), None
        content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
    _link(self.container).publish(
        body,
        routing_key=message.properties["reply_to"],
        content_type=content_type,
        content_encoding=encoding,
        correlation_id=message.properties.get("correlation_id"),
    )
    self.queue_consumer.ack_message(message)
    return result, exc_info


RpcConsumer.handle_result = _reply


class WorkerPlatform:
    """What one worker sees: a unit-of-work factory, the caller's context, the inbox."""

    def __init__(self, provider: ServicePlatform, context_data: dict[str, Any]):
        self._provider = provider
        self.ctx = CallContext.from_context_data(context_data)
        self.inbox = provider.inbox

    def uow(self) -> UnitOfWork:
        return self._provider.new_uow()


class ServicePlatform(DependencyProvider):
    def __init__(
        self,
        uow_class: type[UnitOfWork] = UnitOfWork,
        event_handlers: dict[str, list[Handler]] | None = None,
        extra_bindings: dict[str, list[str]] | None = None,
        bus: MessageBus | None = None,
    ):
        """`bus`: the service's message bus (its heard events are the inbox's handlers); `event_handlers`
        alone is a bus that only hears."""
        self.uow_class = uow_class
        self.bus = bus or MessageBus(heard=[event_handlers or {}])
        self.event_handlers = self.bus.heard
        self.extra_bindings = extra_bindings

    def setup(self) -> None:
        self.service = self.container.service_name
        cfg = settings()
        self.engine = make_engine(cfg.database_url(self.service))  # the process's connection budget
        self.relay = OutboxRelay(
            self.service, self.engine, self.container.config["AMQP_URI"], extra_bindings=self.extra_bindings
        )
        self.inbox = Inbox(self.service, self.engine, self.event_handlers, self.new_uow)
        self._stop = threading.Event()
        self._spans: dict[Any, tuple] = {}
        self._identity, self._identity_until = "", 0.0

    def start(self) -> None:
        self.container.spawn_managed_thread(self.relay.run_forever, identifier="outbox-relay")
        self.container.spawn_managed_thread(lambda: self.inbox.run_forever(self._stop), identifier="inbox")
        self.container.spawn_managed_thread(self._sample_pool, identifier="pool-sampler")
        self.container.spawn_managed_thread(
            lambda: retention.run_forever(
                self.engine, self.service, retention.RetentionPolicy.from_settings(), self._stop
            ),
            identifier="retention",
        )

    def stop(self) -> None:
        self._stop.set()
        self.relay.stop()
        self.inbox.wake()

    def kill(self) -> None:
        self.stop()

    def new_uow(self) -> UnitOfWork:
        return self.uow_class(self.engine, on_commit=self.relay.handoff, bus=self.bus)

    def get_dependency(self, worker_ctx) -> WorkerPlatform:  # noqa: ANN001
        return WorkerPlatform(self, worker_ctx.data)

    # ── every worker gets a span, a duration and an outcome ──
    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001
        entrypoint = worker_ctx.entrypoint
        if isinstance(entrypoint, EventConsumer):
            body = worker_ctx.args[0] if worker_ctx.args else {}
            parent, kind = body.get("traceparent"), trace.SpanKind.CONSUMER
            name = f"{self.service} consume {body.get('type')}"
        else:
            parent, kind = worker_ctx.data.get("traceparent"), trace.SpanKind.SERVER
            name = f"{self.service}.{entrypoint.method_name}"
        if not isinstance(entrypoint, Rpc) and identity.IDENTITY_KEY not in worker_ctx.data:
            # A timer or an event handler acts on the service's own account: the calls it makes carry the
            # service's signed identity, good for the listed system calls only.
            worker_ctx.data[identity.IDENTITY_KEY] = self._service_identity()
        cm = tracing.span(name, traceparent=parent, kind=kind)
        current = cm.__enter__()
        # Nested RPC calls forward context data: make them children of this span, not siblings.
        worker_ctx.data["traceparent"] = tracing.current_traceparent()
        self._spans[worker_ctx] = (cm, current, time.perf_counter())

    def _service_identity(self) -> str:
        """The service's signed identity, signed again every IDENTITY_REUSE_S rather than for every event worker
        (an Ed25519 signature each): whoever receives it has most of its minute left to check it."""
        now = time.monotonic()
        if now >= self._identity_until:
            self._identity, self._identity_until = identity.sign_service(self.service), now + IDENTITY_REUSE_S
        return self._identity

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        started = self._spans.get(worker_ctx, (None, None, time.perf_counter()))[2]
        method = worker_ctx.entrypoint.method_name
        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], DomainError):
            outcome = "expected_error"
            refusal = exc_info[1]
            rule = refusal.details.get("rule", "") if isinstance(refusal.details, dict) else ""
            metrics.refusals.labels(self.service, refusal.code, str(rule)).inc()
            log_refusal(log, f"{self.service}.{method}", exc_info[1])
            if isinstance(worker_ctx.entrypoint, Rpc) and errors.sod_rule(refusal) is not None:
                segregation.record_refusal(self.new_uow, self.service, method, worker_ctx.data, refusal)
        else:
            outcome = "error"
        metrics.entrypoint_calls.labels(self.service, method, outcome).inc()
        metrics.entrypoint_duration.labels(self.service, method).observe(time.perf_counter() - started)

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        entry = self._spans.pop(worker_ctx, None)
        if entry:
            entry[0].__exit__(None, None, None)

    def _sample_pool(self) -> None:
        while not self._stop.is_set():
            metrics.sample_pool(self.service, self.engine)
            self._stop.wait(15)


class PlatformService:
    """Base of every service class: liveness, dead-letter operations, and the event queue."""

    name = "abstract"
    platform: ServicePlatform

    @rpc
    def ping(self) -> dict[str, Any]:
        return {"service": self.name, "ok": True}

    @rpc
    def dead_letters(self, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        return self.platform.inbox.dead_letters(limit=min(max(limit, 1), 500), offset=max(offset, 0))

    @rpc
    def replay_dead_letters(self, event_id: str | None = None, handler: str | None = None) -> dict[str, int]:
        return {"replayed": self.platform.inbox.replay(event_id, handler)}

    @consume_events()
    def receive_event(self, body: dict[str, Any]) -> None:
        try:
            self.platform.inbox.receive(body)
        except Exception:
            log.exception("could not store event %s; handing it back", body.get("event_id"))
            eventlet.sleep(REQUEUE_PAUSE_S)
            raise
