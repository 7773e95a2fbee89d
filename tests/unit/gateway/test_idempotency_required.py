"""Every creating POST needs an Idempotency-Key: 428 with a clear Chinese message without one (401 first for a
caller not signed in), and the key reaches the service in the call context."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from gateway.idempotency import idempotency_key_required
from gateway.routes import ROUTERS

from .conftest import bearer

CREATING = {
    "/api/v1/matter-applications",
    "/api/v1/budget-adjustments",
    "/api/v1/budget-overrides",
    "/api/v1/fiscal-years/{fiscal_year}/reopen-requests",
    "/api/v1/approval/delegations",
    "/api/v1/expenditure-standards",
    "/api/v1/budget-lines/{line_id}/decompose",
}


def _needs_key(route: APIRoute) -> bool:
    return any(d.call is idempotency_key_required for d in route.dependant.dependencies)


def test_every_creating_post_requires_the_key():
    routes = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    creating = {r.path for r in routes if "POST" in r.methods and r.status_code == 201}
    keyed = {r.path for r in routes if _needs_key(r)}
    assert creating <= keyed, f"a creating POST without dependencies=[IdempotencyKeyRequired]: {creating - keyed}"
    assert CREATING <= keyed  # the ones that create without answering 201 (decompose) too


@pytest.mark.parametrize("path", ["/api/v1/matter-applications", "/api/v1/budget-overrides"])
def test_without_a_key_the_answer_is_428_in_chinese_and_nothing_is_called(client, fake, path):
    response = client.request("POST", path, json={}, headers=bearer())
    assert response.status_code == 428, response.text
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_required" and "Idempotency-Key" in error["message"]
    assert "幂等键" in error["message"] and error["details"]["header"] == "Idempotency-Key"
    assert fake.calls == []
    assert client.request("POST", path, json={}, headers={**bearer(), "Idempotency-Key": " "}).status_code == 428
    assert client.request("POST", path, json={}).status_code == 401  # who asks comes first


def test_the_key_reaches_the_service(client, fake):
    fake.on("payment", "submit_matter_application", {"id": "a"})
    body = {"title": "t", "budget_line_id": "L", "amount": "1.00"}
    response = client.post("/api/v1/matter-applications", json=body, headers={**bearer(), "Idempotency-Key": "k-9"})
    assert response.status_code == 201, response.text
    assert fake.calls[0].context["idempotency_key"] == "k-9"
