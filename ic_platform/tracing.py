"""OpenTelemetry spans across the gateway, RPC and events. nameko 2 has no OTel instrumentation, so the W3C
traceparent travels by hand: in nameko's context data (an AMQP header) for RPC, and in the event envelope."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from ic_platform.config import settings

_propagator = TraceContextTextMapPropagator()
_service = "unknown"


class JsonLinesSpanExporter(SpanExporter):
    """Appends finished spans to a file, one JSON object a line: enough to follow a trace across
    processes on a machine without a collector. Production points an OTLP exporter elsewhere."""

    def __init__(self, path: str):
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for span in spans:
            ctx = span.get_span_context()
            lines.append(
                json.dumps(
                    {
                        "service": span.resource.attributes.get("service.name"),
                        "name": span.name,
                        "trace_id": f"{ctx.trace_id:032x}",
                        "span_id": f"{ctx.span_id:016x}",
                        "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
                        "start_ns": span.start_time,
                        "end_ns": span.end_time,
                        "status": span.status.status_code.name,
                        "attributes": dict(span.attributes or {}),
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        with self._lock, open(self._path, "a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS


# Where traces go in production: an OpenTelemetry collector over OTLP/HTTP (protobuf). IC_OTLP_ENDPOINT is the
# collector's base URL (e.g. http://otel-collector:4318; /v1/traces is added); the standard variables
# (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, with their _HEADERS, _TIMEOUT, certificates)
# work too. HTTP, not gRPC: the services run under eventlet, which monkey-patches the sockets requests uses,
# while grpcio's own threads and sockets are not cooperative. The JSON-lines file (IC_TRACE_FILE) stays for
# development and the tests; both can be on at once.
OTLP_TRACES_PATH = "/v1/traces"


def _environment() -> dict[str, str]:
    """The IC_* settings (ic_platform/config.py) beside OpenTelemetry's own standard variables."""
    cfg = settings()
    own = {"IC_OTLP_ENDPOINT": cfg.otlp_endpoint or "", "IC_TRACE_FILE": cfg.trace_file or ""}
    return {**{k: v for k, v in os.environ.items() if k.startswith("OTEL_")}, **own}


def otlp_endpoint(env: Mapping[str, str] | None = None) -> str | None:
    """The OTLP traces URL configured, or None: IC_OTLP_ENDPOINT first, then the standard variables."""
    env = _environment() if env is None else env
    if base := (env.get("IC_OTLP_ENDPOINT") or "").strip():
        base = base.rstrip("/")
        return base if base.endswith(OTLP_TRACES_PATH) else base + OTLP_TRACES_PATH
    if traces := env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip():
        return traces
    if base := env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip():
        return base.rstrip("/") + OTLP_TRACES_PATH
    return None


def make_provider(service: str, trace_file: str | None = None, env: Mapping[str, str] | None = None) -> TracerProvider:
    """A tracer provider exporting to the OTLP collector and/or the JSON-lines file that are configured."""
    env = _environment() if env is None else env
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    path = trace_file or env.get("IC_TRACE_FILE")
    if path:
        provider.add_span_processor(BatchSpanProcessor(JsonLinesSpanExporter(path), schedule_delay_millis=200))
    endpoint = otlp_endpoint(env)
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    elif env.get("IC_ENV") == "production":
        logging.getLogger(__name__).warning("traces are not exported: set IC_OTLP_ENDPOINT (an OTLP/HTTP collector)")
    return provider


def setup_tracing(service: str, trace_file: str | None = None) -> None:
    global _service
    _service = service
    trace.set_tracer_provider(make_provider(service, trace_file))


# Made once: get_tracer builds a new tracer on every call. A proxy, it uses whichever provider setup_tracing
# installs, before or after this module was imported.
_tracer = trace.ProxyTracer("ic_platform")


def tracer() -> trace.Tracer:
    return _tracer


def current_traceparent() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return f"{ctx.trace_id:032x}" if ctx.is_valid else None


@contextmanager
def span(
    name: str,
    *,
    traceparent: str | None = None,
    kind: trace.SpanKind = trace.SpanKind.INTERNAL,
    attributes: dict | None = None,
) -> Iterator[trace.Span]:
    """A span that continues the remote trace named by `traceparent`, or the current one."""
    parent = _propagator.extract({"traceparent": traceparent}) if traceparent else None
    token = otel_context.attach(parent) if parent is not None else None
    try:
        with tracer().start_as_current_span(name, kind=kind, attributes=attributes or {}) as current:
            yield current
    finally:
        if token is not None:
            otel_context.detach(token)


def flush() -> None:
    provider = trace.get_tracer_provider()
    if hasattr(provider, "force_flush"):
        provider.force_flush()
