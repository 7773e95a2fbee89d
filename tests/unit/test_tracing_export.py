"""Traces leave by OTLP/HTTP when a collector is configured (production), by the JSON-lines file in development."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ic_platform.tracing import make_provider, otlp_endpoint


class Collector(BaseHTTPRequestHandler):
    """The smallest OTLP/HTTP collector: keeps every POSTed trace request."""

    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(b"")

    def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
        pass


@pytest.fixture
def collector():
    Collector.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_spans_reach_an_otlp_collector_with_the_service_name(collector):
    provider = make_provider("budget", env={"IC_OTLP_ENDPOINT": collector})
    with provider.get_tracer("test").start_as_current_span("budget.reserve") as span:
        span.set_attribute("document", "SQ-2026-000001")
    assert provider.force_flush(5000)
    provider.shutdown()
    assert [path for path, _ in Collector.received] == ["/v1/traces"]
    request = ExportTraceServiceRequest.FromString(Collector.received[0][1])
    resource = request.resource_spans[0]
    attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
    assert attributes["service.name"] == "budget"
    [exported] = [s for scope in resource.scope_spans for s in scope.spans]
    assert exported.name == "budget.reserve"
    assert exported.attributes[0].value.string_value == "SQ-2026-000001"


def test_the_json_lines_file_stays_for_development(tmp_path):
    path = tmp_path / "traces.jsonl"
    provider = make_provider("risk", trace_file=str(path), env={})
    with provider.get_tracer("test").start_as_current_span("risk consume payment.matter_application_submitted"):
        pass
    provider.force_flush(5000)
    provider.shutdown()
    [line] = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["service"] == "risk"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"IC_OTLP_ENDPOINT": "http://collector:4318"}, "http://collector:4318/v1/traces"),
        ({"IC_OTLP_ENDPOINT": "http://collector:4318/v1/traces"}, "http://collector:4318/v1/traces"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318/"}, "http://otel:4318/v1/traces"),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://apm.example/otlp/traces"}, "https://apm.example/otlp/traces"),
        (
            {"IC_OTLP_ENDPOINT": "http://ours:4318", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://theirs:4318"},
            "http://ours:4318/v1/traces",
        ),
    ],
)
def test_the_collector_is_named_by_ic_otlp_endpoint_or_the_standard_variables(env, expected):
    assert otlp_endpoint(env) == expected
