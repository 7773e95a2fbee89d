"""The integration tests' client keeps a session longer than one access token (15 minutes): on a 401 for an
expired token it refreshes once and sends the request again; any other 401 is the answer."""

from __future__ import annotations

import httpx

from tests.integration import conftest as integration


def _expired() -> httpx.Response:
    body = {"error": {"code": "unauthenticated", "message": "登录已失效，请重新登录", "details": {"reason": "expired"}}}
    return httpx.Response(401, json=body)


def test_an_expired_token_is_refreshed_once_and_the_request_sent_again(monkeypatch):
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return _expired() if request.headers["Authorization"] == "Bearer old" else httpx.Response(200, json={})

    refreshed = []

    def refresh(url: str, json: dict) -> httpx.Response:  # noqa: A002
        refreshed.append(json["refresh_token"])
        return httpx.Response(200, json={"access_token": "new", "refresh_token": "r2"})

    monkeypatch.setattr(integration.httpx, "post", refresh)
    session = integration.Session("http://gw", {"access_token": "old", "refresh_token": "r1"})
    with httpx.Client(transport=httpx.MockTransport(answer), auth=session, base_url="http://gw") as client:
        assert client.get("/api/v1/me").status_code == 200
        assert client.get("/api/v1/me").status_code == 200
    assert seen == ["Bearer old", "Bearer new", "Bearer new"] and refreshed == ["r1"]
    assert session.refresh == "r2"


def test_a_refused_token_is_not_refreshed(monkeypatch):
    monkeypatch.setattr(integration.httpx, "post", lambda *a, **k: (_ for _ in ()).throw(AssertionError("no")))
    refused = httpx.Response(401, json={"error": {"code": "unauthenticated", "details": {"reason": "logged_out"}}})
    session = integration.Session("http://gw", {"access_token": "old", "refresh_token": "r1"})
    with httpx.Client(transport=httpx.MockTransport(lambda r: refused), auth=session, base_url="http://gw") as c:
        assert c.get("/api/v1/me").status_code == 401
