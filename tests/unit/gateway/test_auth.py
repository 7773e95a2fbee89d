"""Login issues an HS256 token that every /api route requires; a token without exp is refused."""

from __future__ import annotations

import time

import jwt
import pytest

from ic_platform.errors import DomainError, NotFound
from ic_platform.rpc_client import RemoteError

from .conftest import SECRET, assert_error, bearer

# services/org's user_view
ORG_USER = {
    "username": "clerk",
    "full_name": "李晓敏",
    "unit": "dzb",
    "roles": ["clerk"],
    "title": "",
    "unit_name": "党政综合办公室",
}


def _remote(exc: DomainError) -> RemoteError:
    """What nameko sends for a DomainError a service raised."""
    return RemoteError(type(exc).__name__, f"ic_platform.errors.{type(exc).__name__}", list(exc.args), str(exc))


def test_login_issues_a_token_with_the_users_claims(client, fake):
    fake.on("org", "authenticate", ORG_USER)
    response = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 8 * 3600
    assert body["user"] == {
        "username": "clerk",
        "name": "李晓敏",
        "unit": "dzb",
        "roles": ["clerk"],
        "org": "xinqiao",
        "units_led": [],
        "title": "",
        "unit_name": "党政综合办公室",
    }
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"])
    assert {k: claims[k] for k in ("sub", "name", "unit", "roles", "org")} == {
        "sub": "clerk",
        "name": "李晓敏",
        "unit": "dzb",
        "roles": ["clerk"],
        "org": "xinqiao",
    }
    assert claims["exp"] - claims["iat"] == 8 * 3600
    (call,) = fake.calls_to("org", "authenticate")
    assert call.kwargs == {"username": "clerk", "password": "demo1234"}
    assert "actor" not in call.context and call.context["org"] == "xinqiao"


def test_the_token_opens_me(client, fake):
    fake.on("org", "authenticate", ORG_USER)
    token = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"}).json()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert response.status_code == 200
    assert response.json()["username"] == "clerk" and response.json()["unit"] == "dzb"


def test_wrong_password_is_the_org_services_answer(client, fake):
    fake.on("org", "authenticate", _remote(DomainError("invalid_credentials", "用户名或密码错误", status=401)))
    response = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "nope"})
    assert assert_error(response, 401, "invalid_credentials")["message"] == "用户名或密码错误"


def test_an_unknown_user_looks_like_a_wrong_password(client, fake):
    fake.on("org", "authenticate", _remote(NotFound("user_not_found", "用户不存在: ghost", {"user": "ghost"})))
    response = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "x"})
    error = assert_error(response, 401, "invalid_credentials")
    assert "ghost" not in response.text and error["message"] == "用户名或密码错误"


def test_login_body_is_validated(client, fake):
    response = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "x", "otp": "1"})
    assert assert_error(response, 422, "invalid_input")["details"]["fields"] == [
        {"field": "otp", "reason": "不允许的字段"}
    ]
    assert fake.calls == []


def test_no_token_means_please_log_in(client, fake):
    response = client.get("/api/v1/budget-lines")
    assert assert_error(response, 401, "unauthenticated")["message"] == "请先登录"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert fake.calls == []


def _token(claims: dict, secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(claims, secret, algorithm='HS256')}"}


NOW = int(time.time())


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(_token({"sub": "clerk", "iat": NOW}), id="no-exp"),
        pytest.param(_token({"name": "x", "exp": NOW + 600}), id="no-sub"),
        pytest.param(_token({"sub": "clerk", "iat": NOW - 9 * 3600, "exp": NOW - 3600}), id="expired"),
        pytest.param(
            _token({"sub": "clerk", "exp": NOW + 600}, secret="another-secret-" + "x" * 32), id="wrong-secret"
        ),
        pytest.param({"Authorization": "Bearer not-a-jwt"}, id="garbage"),
        pytest.param({"Authorization": "Basic Y2xlcms6ZGVtbzEyMzQ="}, id="not-bearer"),
    ],
)
def test_a_bad_token_is_refused(client, fake, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert assert_error(response, 401, "unauthenticated")["message"] == "登录已失效，请重新登录"


def test_a_token_signed_with_none_is_refused(client):
    unsigned = jwt.encode({"sub": "admin", "exp": NOW + 600, "roles": ["admin"]}, None, algorithm="none")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert_error(response, 401, "unauthenticated")


def test_a_valid_token_passes(client):
    response = client.get("/api/v1/me", headers=bearer())
    assert response.status_code == 200 and response.json()["roles"] == ["clerk"]


def test_every_api_route_but_login_needs_a_token(client, fake):
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/") or path == "/api/v1/auth/login":
            continue
        url = path.replace("{", "x").replace("}", "")  # any value fills a path parameter
        for method in operations:
            response = client.request(method.upper(), url, json={})
            assert_error(response, 401, "unauthenticated")
            checked += 1
    assert checked >= 14 and fake.calls == []
