"""One SERVER span per request, named by route template, with each RPC as a CLIENT child whose
traceparent is what the service receives."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from .conftest import bearer


@pytest.fixture
def spans(client):  # after `client`: its lifespan installed the tracer provider
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider.add_span_processor(processor)
    yield exporter
    processor.shutdown()


def test_a_request_is_one_server_span_with_a_client_span_per_call(client, fake, spans):
    fake.on("budget", "get_line", {"id": "l-9"})
    client.get("/api/v1/budget-lines/l-9", headers=bearer())
    finished = spans.get_finished_spans()
    (server,) = [s for s in finished if s.kind == SpanKind.SERVER]
    (rpc,) = [s for s in finished if s.kind == SpanKind.CLIENT]
    assert server.name == "GET /api/v1/budget-lines/{line_id}"
    assert server.attributes["http.route"] == "/api/v1/budget-lines/{line_id}"
    assert server.attributes["http.response.status_code"] == 200
    assert rpc.name == "rpc budget.get_line" and rpc.parent.span_id == server.context.span_id
    sent = fake.calls[0].context["traceparent"]
    assert sent.startswith(f"00-{rpc.context.trace_id:032x}-{rpc.context.span_id:016x}-")
