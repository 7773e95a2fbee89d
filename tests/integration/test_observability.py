"""One request is one trace across the gateway, RPC and events; every process exports metrics."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from ic_platform.config import SERVICES
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration


def spans(path: str) -> list[dict]:
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_a_submission_is_one_trace_from_the_gateway_through_rpc_and_events(stack, login):
    clerk = login("clerk")
    response = clerk.post(
        "/api/v1/matter-applications",
        json={"title": "追踪测试", "budget_line_id": "2026-DZB-30201-01", "amount": "10.00"},
    )
    assert response.status_code == 201, response.text
    app_id = response.json()["id"]

    def services_in_trace():
        everything = spans(stack.trace_file)
        roots = [
            s
            for s in everything
            if s["service"] == "gateway"
            and s["attributes"].get("http.route", "").endswith("/matter-applications")
            and s["parent_id"] is None
        ]
        if not roots:
            return None
        trace_id = roots[-1]["trace_id"]
        seen = {s["service"] for s in everything if s["trace_id"] == trace_id}
        # gateway → payment (RPC) → budget (nested RPC) → approval, risk (events)
        return seen if {"gateway", "payment", "budget", "approval", "risk"} <= seen else None

    seen = eventually(services_in_trace, timeout=20)
    assert seen, app_id


def test_every_service_and_the_gateway_export_prometheus_metrics(stack, login):
    login("clerk").get("/api/v1/budget-lines", params={"page_size": 1})
    gateway = urllib.request.urlopen(stack.base_url + "/metrics", timeout=5).read().decode()
    assert "ic_http_requests_total" in gateway
    for service in SERVICES:
        port = stack.settings.metrics_port(service)
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert "ic_entrypoint_calls_total" in body and "ic_db_pool_size" in body, service
    budget = urllib.request.urlopen(f"http://127.0.0.1:{stack.settings.metrics_port('budget')}/metrics").read()
    assert b'ic_entrypoint_calls_total{entrypoint="ping",outcome="ok",service="budget"}' in budget
