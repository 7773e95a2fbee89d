"""Liveness, readiness, metrics, the OpenAPI document, and the RpcClient's lifetime."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from gateway.app import create_app
from ic_platform.config import SERVICES
from ic_platform.rpc_client import RemoteError, RpcTimeout

from .conftest import bearer


def test_healthz_needs_nothing(client, fake):
    fake.connected = False
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert fake.calls == []


def _all_pong(fake) -> None:
    for service in SERVICES:
        fake.on(service, "ping", {"service": service, "ok": True})


def test_readyz_when_every_service_answers(client, fake):
    _all_pong(fake)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "broker": "ok", "services": dict.fromkeys(SERVICES, "ok")}
    assert {c.service for c in fake.calls} == set(SERVICES)
    assert all(c.timeout == 2.0 for c in fake.calls)


def test_readyz_lists_what_failed(client, fake):
    _all_pong(fake)
    fake.on("risk", "ping", RpcTimeout("no reply from risk.ping within 2.0s"))
    fake.on("budget", "ping", RemoteError("Exception", "builtins.Exception", ["boom"], "boom"))
    del fake.answers[("contract", "ping")]  # not deployed: ServiceUnavailable
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unready" and body["broker"] == "ok"
    assert body["services"] == {
        **dict.fromkeys(SERVICES, "ok"),
        "risk": "timeout",
        "budget": "error",
        "contract": "unavailable",
    }


def test_readyz_without_the_broker(client, fake):
    _all_pong(fake)
    fake.connected = False
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["broker"] == "down"


def test_readyz_pings_concurrently(client, fake):
    # Counted, not timed: every ping must be in flight at once (one after another would see one at a time).
    in_flight, most = 0, 0

    async def slow(_kwargs):
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return {"ok": True}

    for service in SERVICES:
        fake.on(service, "ping", slow)
    assert client.get("/readyz").status_code == 200
    assert most == len(SERVICES)


def test_metrics_count_requests_by_route_template(client, fake):
    fake.on("budget", "get_line", {"id": "x"})
    client.get("/api/v1/budget-lines/line-123", headers=bearer())
    client.get("/api/v1/no/such/path/9f8e7d")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "ic_http_requests_total" in text and "ic_http_request_duration_seconds" in text
    assert 'route="/api/v1/budget-lines/{line_id}"' in text
    assert "line-123" not in text and "9f8e7d" not in text
    assert 'route="(unmatched)"' in text
    assert 'ic_rpc_client_calls_total{method="get_line",outcome="ok",service="budget"}' in text


def test_openapi_is_titled_and_every_route_summarised_in_chinese(client):
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "内部控制管理系统 API"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in tag["description"]) for tag in spec["tags"])
    operations = [op for path in spec["paths"].values() for op in path.values()]
    assert len(operations) >= 18
    for op in operations:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), op["summary"]
        assert set(op["tags"]) <= {tag["name"] for tag in spec["tags"]}
    assert client.get("/docs").status_code == 200


def test_the_rpc_client_lives_as_long_as_the_app(fake, cfg):
    with TestClient(create_app(rpc=fake, settings=cfg)):
        assert (fake.started, fake.stopped) == (1, 0)
    assert (fake.started, fake.stopped) == (1, 1)
