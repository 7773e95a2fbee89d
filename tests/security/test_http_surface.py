"""Attacks on the HTTP surface (issue 9, sections 5 and 6): writing another address into the trail, framing or
sniffing the answers, reading the operators' pages from outside."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Api, eventually
from tests.integration.test_walking_skeleton import OFFICE_LINE
from tests.security.support import direct_client

pytestmark = pytest.mark.integration


def _submit(api: Api, amount: str, forwarded_for: str) -> dict:
    body = {"title": "采购办公用品", "purpose": "日常办公", "budget_line_id": OFFICE_LINE, "amount": amount}
    response = api.post("/api/v1/matter-applications", json=body, headers={"X-Forwarded-For": forwarded_for})
    assert response.status_code == 201, response.text
    return response.json()


def _submitted_from(auditor: Api, app_id: str) -> str | None:
    trail = auditor.get(f"/api/v1/documents/matter_application/{app_id}/trail").json().get("entries") or []
    return next((e["client_ip"] for e in trail if e["action"] == "submitted"), None)


def test_a_spoofed_x_forwarded_for_does_not_reach_the_trail(stack, login):
    auditor = login("auditor")
    # straight to the gateway from 127.0.0.2, not through the proxy: the header is the caller's own words
    spoofer = Api(stack.base_url, "clerk", transport=_from("127.0.0.2"))
    app = _submit(spoofer, "800.00", "6.6.6.6")
    assert eventually(lambda: _submitted_from(auditor, app["id"])) == "127.0.0.2"
    # through the trusted proxy (127.0.0.1 in the test stack) the header names the client
    proxied = _submit(login("clerk"), "810.00", "198.51.100.7")
    assert eventually(lambda: _submitted_from(auditor, proxied["id"])) == "198.51.100.7"


@pytest.mark.parametrize("path", ["/api/v1/me", "/healthz", "/api/v1/nowhere", "/docs"])
def test_every_answer_carries_the_security_headers_and_no_server_banner(stack, path):
    with direct_client(stack) as http:
        response = http.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "server" not in response.headers


def test_metrics_and_readiness_details_are_for_the_operators_addresses_only(stack):
    with direct_client(stack, "127.0.0.5") as outsider:
        assert outsider.get("/metrics").status_code == 404
        assert set(outsider.get("/readyz").json()) == {"status"}
    import httpx

    with httpx.Client(base_url=stack.base_url, timeout=30) as operator:  # 127.0.0.1: IC_OPS_ALLOW's default
        assert operator.get("/metrics").status_code == 200
        assert "services" in operator.get("/readyz").json()


def _from(address: str):  # noqa: ANN202
    import httpx

    return httpx.HTTPTransport(local_address=address)
