"""One pure ASGI middleware around every HTTP request: correlation id in and out, the security headers
(gateway/security_headers.py), a SERVER span, the request metrics labelled by route template, and a last-resort
JSON 500 for anything no handler caught."""

from __future__ import annotations

import logging
import re
import time
import uuid

from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import security_headers
from gateway.errors import internal_error
from ic_platform import metrics, tracing

log = logging.getLogger("gateway.access")

CORRELATION_HEADER = "X-Correlation-Id"
_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
UNMATCHED = "(unmatched)"  # one label for every unknown path, so scanners cannot inflate the metric


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path_format", None) or getattr(route, "path", None) or UNMATCHED


class RequestMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        given = headers.get(CORRELATION_HEADER, "")
        cid = given if _CORRELATION_ID.fullmatch(given) else str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = cid
        method, started = scope["method"], time.perf_counter()
        status, response_started = 500, False
        app_state = scope.get("app").state if scope.get("app") is not None else None
        trusted = getattr(getattr(app_state, "settings", None), "trusted_proxies", ())

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                response_headers = MutableHeaders(scope=message)
                response_headers[CORRELATION_HEADER] = cid
                security_headers.add(response_headers, scope, trusted)
            await send(message)

        attributes = {"http.request.method": method, "url.path": scope["path"], "correlation_id": cid}
        with tracing.span(
            method, traceparent=headers.get("traceparent"), kind=SpanKind.SERVER, attributes=attributes
        ) as span:
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as exc:
                log.exception("unhandled error in %s %s", method, scope["path"])
                span.record_exception(exc)
                if response_started:
                    raise
                await internal_error().response()(scope, receive, send_with_id)
            finally:
                self._record(scope, span, method, status, time.perf_counter() - started, cid)

    @staticmethod
    def _record(scope: Scope, span: Span, method: str, status: int, elapsed: float, cid: str) -> None:
        route = route_template(scope)
        span.update_name(f"{method} {route}")
        span.set_attribute("http.route", route)
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
        metrics.http_requests.labels(method, route, str(status)).inc()
        metrics.http_duration.labels(method, route).observe(elapsed)
        log.info("%s %s %s %.1fms cid=%s", method, scope["path"], status, elapsed * 1000, cid)
