"""Login issues an EdDSA access token (≤ 15 min) and a refresh token; every /api route requires the access token;
a token without exp, of another algorithm (HS256 with the old default secret, none), another key or audience is
refused."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ic_platform import keys
from ic_platform.errors import DomainError, NotFound
from ic_platform.rpc_client import RemoteError

from .conftest import SIGNING_KEY_FILE, assert_error, bearer

# services/org's user_view
ORG_USER = {
    "username": "clerk",
    "full_name": "李晓敏",
    "unit": "dzb",
    "roles": ["clerk"],
    "title": "",
    "unit_name": "党政综合办公室",
    "org": "xinqiao",
    "refresh_token": "r" * 43,
    "session": "s1",
    "refresh_expires_in": 43200,
}


def _remote(exc: DomainError) -> RemoteError:
    """What nameko sends for a DomainError a service raised."""
    return RemoteError(type(exc).__name__, f"ic_platform.errors.{type(exc).__name__}", list(exc.args), str(exc))


def test_login_issues_a_token_with_the_users_claims(client, fake):
    fake.on("org", "authenticate", ORG_USER)
    response = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "demo1234"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900 and body["refresh_token"] == "r" * 43
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
    public = keys.signing_key(SIGNING_KEY_FILE).public_key()
    claims = jwt.decode(body["access_token"], public, algorithms=["EdDSA"], audience="ic-api")
    assert {k: claims[k] for k in ("sub", "name", "unit", "roles", "org")} == {
        "sub": "clerk",
        "name": "李晓敏",
        "unit": "dzb",
        "roles": ["clerk"],
        "org": "xinqiao",
    }
    assert claims["exp"] - claims["iat"] == 900 and claims["sid"] == "s1"
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


OLD_DEFAULT_SECRET = "dev-only-secret-change-me-0123456789abcdef"  # what ic_platform/config.py used to hold
NOW = int(time.time())
# A day ahead: the suite may run for many minutes before a test uses it; refused tokens must be refused for
# their own reason (audience, key, algorithm), never for having expired meanwhile.
VALID = {"sub": "clerk", "iat": NOW, "exp": NOW + 86400, "aud": "ic-api", "iss": "ic-gateway", "roles": ["clerk"]}


def _token(claims: dict, key=None) -> dict[str, str]:  # noqa: ANN001
    key = key or keys.signing_key(SIGNING_KEY_FILE)
    return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm='EdDSA')}"}


def _without(*names: str) -> dict:
    return {k: v for k, v in VALID.items() if k not in names}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(_token(_without("exp")), id="no-exp"),
        pytest.param(_token(_without("sub")), id="no-sub"),
        pytest.param(_token({**VALID, "iat": NOW - 9 * 3600, "exp": NOW - 3600}), id="expired"),
        pytest.param(_token({**VALID, "aud": "ic-services"}), id="another-audience"),
        pytest.param(_token(VALID, key=Ed25519PrivateKey.generate()), id="another-key"),
        pytest.param(
            {"Authorization": f"Bearer {jwt.encode(VALID, OLD_DEFAULT_SECRET, algorithm='HS256')}"},
            id="hs256-with-the-old-default-secret",
        ),
        pytest.param({"Authorization": "Bearer not-a-jwt"}, id="garbage"),
        pytest.param({"Authorization": "Basic Y2xlcms6ZGVtbzEyMzQ="}, id="not-bearer"),
    ],
)
def test_a_bad_token_is_refused(client, fake, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert assert_error(response, 401, "unauthenticated")["message"] == "登录已失效，请重新登录"


def test_a_token_signed_with_none_is_refused(client):
    unsigned = jwt.encode({**VALID, "sub": "admin", "roles": ["admin"]}, None, algorithm="none")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {unsigned}"})
    assert_error(response, 401, "unauthenticated")


def test_a_valid_token_passes(client):
    response = client.get("/api/v1/me", headers=bearer())
    assert response.status_code == 200 and response.json()["roles"] == ["clerk"]


def test_every_api_route_but_login_needs_a_token(client, fake):
    spec = client.get("/openapi.json").json()
    checked = 0
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/") or path in ("/api/v1/auth/login", "/api/v1/auth/refresh"):
            continue
        url = path.replace("{", "x").replace("}", "")  # any value fills a path parameter
        for method in operations:
            response = client.request(method.upper(), url, json={})
            assert_error(response, 401, "unauthenticated")
            checked += 1
    assert checked >= 14 and fake.calls == []


def test_refresh_answers_a_new_pair_with_the_roles_org_reads_now(client, fake):
    fake.on("org", "refresh_session", {**ORG_USER, "roles": ["unit_head"], "refresh_token": "n" * 43})
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "r" * 43})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refresh_token"] == "n" * 43 and body["user"]["roles"] == ["unit_head"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["roles"] == ["unit_head"]


def test_a_refused_refresh_is_a_401(client, fake):
    error = DomainError("refresh_token_reused", "该登录凭据已被使用过", status=401)
    fake.on("org", "refresh_session", _remote(error))
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "r" * 43})
    assert_error(response, 401, "refresh_token_reused")


def test_logout_ends_the_session_and_its_access_tokens_at_once(client, fake):
    fake.on("org", "end_session", {"session": "s9", "revoked": 1})
    headers = bearer(session="s9")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 200
    (call,) = fake.calls_to("org", "end_session")
    assert call.kwargs == {"session": "s9"}
    assert assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")["details"] == {
        "reason": "logged_out"
    }
    assert client.get("/api/v1/me", headers=bearer(session="another")).status_code == 200


def test_a_locked_account_is_a_423_with_retry_after(client, fake):
    locked = DomainError("sign_in_locked", "登录失败次数过多", {"retry_after_s": 600}, status=423)
    fake.on("org", "authenticate", _remote(locked))
    response = client.post("/api/v1/auth/login", json={"username": "clerk", "password": "x"})
    assert_error(response, 423, "sign_in_locked")
    assert response.headers["Retry-After"] == "600"


def test_an_address_failing_too_often_waits(client, fake, cfg):
    fake.on("org", "authenticate", _remote(DomainError("invalid_credentials", "用户名或密码错误", status=401)))
    for i in range(cfg.signin_address_failures):
        response = client.post("/api/v1/auth/login", json={"username": f"u{i}", "password": "x"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/login", json={"username": "another", "password": "x"})
    assert_error(response, 429, "too_many_sign_in_failures")
    assert int(response.headers["Retry-After"]) > 0
    assert len(fake.calls_to("org", "authenticate")) == cfg.signin_address_failures


def test_the_gateway_refuses_to_start_without_a_signing_key(fake, cfg):

    from fastapi.testclient import TestClient

    from gateway.app import create_app

    app = create_app(rpc=fake, settings=cfg.with_(signing_key_file=None))
    with pytest.raises(keys.MissingKey, match="IC_SIGNING_KEY_FILE"), TestClient(app):
        pass


def test_a_verified_token_is_verified_once_and_refused_once_it_expires(cfg, monkeypatch):
    from gateway import auth

    monkeypatch.setattr(auth, "_verified", auth.VerifiedTokens())
    now = int(time.time())  # not the module's NOW: the suite may have run longer than the token's minute
    claims = {**VALID, "iat": now, "exp": now + 60}
    token = jwt.encode(claims, keys.signing_key(SIGNING_KEY_FILE), algorithm="EdDSA")
    assert auth.token_claims(token, cfg)["sub"] == "clerk"
    decoded = []
    monkeypatch.setattr(auth.jwt, "decode", lambda *a, **k: decoded.append(a) or pytest.fail("verified again"))
    assert auth.token_claims(token, cfg)["sub"] == "clerk" and decoded == []
    monkeypatch.setattr(auth.time, "time", lambda: now + 60)  # its exp: expired, as jwt.decode would judge it
    with pytest.raises(auth.ApiError) as refused:
        auth.token_claims(token, cfg)
    assert refused.value.status == 401 and refused.value.details == {"reason": "expired"}


def test_the_verified_tokens_stay_bounded(monkeypatch):
    from gateway.auth import VerifiedTokens

    verified = VerifiedTokens(limit=3)
    for i in range(3):
        verified.put(f"t{i}", None, {"exp": NOW - 1 if i else NOW + 600}, now=NOW)
    verified.put("t3", None, {"exp": NOW + 600}, now=NOW)  # full: the two expired go
    assert verified.get("t0", None, now=NOW) and verified.get("t3", None, now=NOW)
    verified.put("t4", None, {"exp": NOW + 600}, now=NOW)
    # Full of live ones: all go, each verified again when next used.
    verified.put("t5", None, {"exp": NOW + 600}, now=NOW)
    assert verified.get("t0", None, now=NOW) is None and verified.get("t5", None, now=NOW)
