"""Every answer carries the security headers; /metrics and /readyz's details only for IC_OPS_ALLOW."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.security_headers import policy_for

from .conftest import bearer


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/budget-lines", "/healthz", "/nowhere", "/openapi.json"])
def test_every_answer_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "server" not in response.headers
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP from an untrusted peer


def test_the_api_forbids_scripts_and_is_not_cached(client):
    response = client.get("/api/v1/me", headers=bearer())
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/m/", "/approval/desk", "/docs", "/redoc"])
def test_the_clients_and_the_docs_load_only_the_projects_own_files(path):
    policy = policy_for(path)
    assert "frame-ancestors 'none'" in policy and "http" not in policy  # no CDN, no other origin
    assert "script-src 'self'" in policy


def test_hsts_over_tls_or_when_a_trusted_proxy_says_https(fake, cfg):
    app = create_app(rpc=fake, settings=cfg.with_(trusted_proxies=("testclient",)))
    with TestClient(app, base_url="https://testserver") as tls:
        assert tls.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")
    with TestClient(create_app(rpc=fake, settings=cfg)) as plain:
        assert "Strict-Transport-Security" not in plain.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers


def test_metrics_and_readyz_details_only_for_the_configured_addresses(fake, cfg):
    fake.on("org", "ping", "pong")
    outsider = cfg.with_(ops_allow=("10.9.9.9",))
    with TestClient(create_app(rpc=fake, settings=outsider)) as client:
        assert client.get("/metrics").status_code == 404
        assert set(client.get("/readyz").json()) == {"status"}
    insider = cfg.with_(ops_allow=("testclient", "127.0.0.1"))
    with TestClient(create_app(rpc=fake, settings=insider)) as client:
        assert client.get("/metrics").status_code == 200
        assert "services" in client.get("/readyz").json()


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(fake, cfg):
    from starlette.requests import Request

    from gateway.client_address import client_address

    def address(peer: str, forwarded: str, trusted: tuple[str, ...]) -> str | None:
        app = type("App", (), {"state": type("State", (), {"settings": cfg.with_(trusted_proxies=trusted)})})
        scope = {"type": "http", "client": (peer, 1), "headers": [(b"x-forwarded-for", forwarded.encode())], "app": app}
        return client_address(Request(scope))

    assert address("203.0.113.9", "6.6.6.6", ()) == "203.0.113.9"
    assert address("203.0.113.9", "6.6.6.6", ("10.0.0.0/8",)) == "203.0.113.9"
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.7", ("10.0.0.0/8",)) == "198.51.100.7"
    assert address("10.0.0.2", "198.51.100.7, 10.0.0.5", ("10.0.0.0/8",)) == "198.51.100.7"
    assert address("10.0.0.2", "not-an-address", ("10.0.0.0/8",)) == "10.0.0.2"
