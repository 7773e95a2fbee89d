"""RPC as a request dependency: the process's one RpcClient plus this request's context data.

Every call carries org, actor, correlation id, idempotency key, client address and user agent, and the
traceparent of a CLIENT span opened for the call under the request's SERVER span, so each service's span
is a child of the gateway's."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from opentelemetry.trace import SpanKind

from gateway.auth import CurrentUser, User
from gateway.client_address import client_address
from gateway.errors import domain_error, invalid_input
from ic_platform import keys, metrics, tracing
from ic_platform.config import DEFAULT_ORG
from ic_platform.identity import IDENTITY_KEY, ReusedAssertions
from ic_platform.rpc_client import RemoteError, RpcTimeout, ServiceUnavailable

_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # visible ASCII: it travels as an AMQP header


class RpcClientLike(Protocol):
    """What the gateway needs of ic_platform.rpc_client.RpcClient (tests pass a fake)."""

    connected: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...
    async def call_async(
        self,
        service: str,
        method: str,
        kwargs: dict | None = None,
        *,
        args: list | None = None,
        timeout: float | None = None,
        context: dict | None = None,
    ) -> Any: ...


class Rpc:
    def __init__(self, client: RpcClientLike, context: dict[str, Any], timeout: float):
        self.client, self.context, self.timeout = client, context, timeout

    async def call(
        self, service: str, method: str, kwargs: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        attributes = {"rpc.system": "nameko", "rpc.service": service, "rpc.method": method}
        outcome = "error"
        try:
            with tracing.span(f"rpc {service}.{method}", kind=SpanKind.CLIENT, attributes=attributes):
                context = {**self.context, "traceparent": tracing.current_traceparent()}
                result = await self.client.call_async(
                    service, method, kwargs or {}, context=context, timeout=self.timeout if timeout is None else timeout
                )
            outcome = "ok"
            return result
        except RemoteError as exc:
            outcome = "expected_error" if domain_error(exc) is not None else "error"
            raise
        except RpcTimeout:
            outcome = "timeout"
            raise
        except ServiceUnavailable:
            outcome = "unavailable"
            raise
        finally:
            metrics.rpc_client_calls.labels(service, method, outcome).inc()


_ASSERTIONS = ReusedAssertions()


def request_context(request: Request, user: User | None) -> dict[str, Any]:
    headers = request.headers
    org = user.org if user else DEFAULT_ORG
    # The identity the services act on, signed for them (a minute's validity); `anonymous` before sign-in.
    key = keys.cached_signing_key(request.app.state.settings.signing_key_file)
    context = {
        "org": org,
        "actor": user.username if user else None,
        "correlation_id": correlation_id(request),
        "idempotency_key": _idempotency_key(headers.get("idempotency-key")),
        "client_ip": client_address(request),
        "user_agent": (headers.get("user-agent") or "")[:256] or None,
        IDENTITY_KEY: _ASSERTIONS.sign(user.viewer() if user else None, org, key=key),
    }
    return {k: v for k, v in context.items() if v is not None}


def correlation_id(request: Request) -> str:
    # Set by RequestMiddleware; the fallback only serves apps assembled without it.
    return getattr(request.state, "correlation_id", None) or str(uuid.uuid4())


def _idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(value):
        raise invalid_input([{"field": "Idempotency-Key", "reason": "必须是 1–200 个可见 ASCII 字符"}])
    return value


def _rpc(request: Request, user: User | None) -> Rpc:
    state = request.app.state
    return Rpc(state.rpc, request_context(request, user), state.settings.rpc_timeout_s)


async def user_rpc(request: Request, user: CurrentUser) -> Rpc:
    return _rpc(request, user)


async def anonymous_rpc(request: Request) -> Rpc:
    return _rpc(request, None)


UserRpc = Annotated[Rpc, Depends(user_rpc)]
AnonymousRpc = Annotated[Rpc, Depends(anonymous_rpc)]
