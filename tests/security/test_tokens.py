"""Attacks on tokens and sessions, through the running gateway (issue 9, section 1).

Each test is one attack and the answer it now gets; before, the first one let anyone who had read the source
sign in as anyone."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ic_platform import keys
from tests.integration.conftest import eventually
from tests.integration.test_walking_skeleton import pending_task, submit
from tests.security.support import ADMIN, STRONG, bearer, new_account, register, sign_in

pytestmark = pytest.mark.integration

OLD_DEFAULT_SECRET = "dev-only-secret-change-me-0123456789abcdef"  # ic_platform/config.py's, before
NOW = int(time.time())
HEAD = {"sub": "head", "name": "部门负责人", "unit": "dzb", "roles": ["unit_head"], "org": "xinqiao", "units_led": []}


def _claims(**over) -> dict:  # noqa: ANN003
    now = int(time.time())
    return {**HEAD, "iat": now, "exp": now + 600, "aud": "ic-api", "iss": "ic-gateway", **over}


def _refused(http, token: str, reason: str | None = None) -> None:  # noqa: ANN001
    response = http.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthenticated"
    if reason:
        assert response.json()["error"]["details"]["reason"] == reason


def test_a_hs256_token_signed_with_the_old_default_secret_approves_nothing(http, login):
    forged = jwt.encode(_claims(), OLD_DEFAULT_SECRET, algorithm="HS256")
    _refused(http, forged)
    app = submit(login("clerk"), "1200.00").json()
    task = eventually(lambda: pending_task(login("head"), app["id"]))
    response = http.post(
        f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"}, headers=bearer(forged)
    )
    assert response.status_code == 401 and pending_task(login("head"), app["id"]) is not None


def test_an_unsigned_token_alg_none_is_refused(http):
    _refused(http, jwt.encode(_claims(roles=["admin"]), None, algorithm="none"))


def test_a_token_signed_with_another_ed25519_key_is_refused(http):
    _refused(http, jwt.encode(_claims(), Ed25519PrivateKey.generate(), algorithm="EdDSA"))


def test_a_real_token_edited_to_name_another_user_is_refused(http, login):
    header, payload, signature = login("clerk").session.access.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(sub="head", roles=["unit_head", "principal"])
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _refused(http, f"{header}.{edited}.{signature}", "invalid")


def test_an_expired_token_of_the_gateway_itself_is_refused(http, stack):
    key = keys.signing_key(stack.env[keys.SIGNING_KEY_SETTING])
    expired = jwt.encode(_claims(iat=NOW - 2000, exp=NOW - 1000), key, algorithm="EdDSA")
    _refused(http, expired, "expired")


def test_access_tokens_live_fifteen_minutes_at_most(http):
    body = sign_in(http, "clerk", "demo1234").json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] <= 900 and body["expires_in"] <= 900


def test_a_refresh_token_used_twice_ends_the_session(http):
    first = sign_in(http, "clerk", "demo1234").json()
    second = http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    assert second.json()["refresh_token"] != first["refresh_token"]
    replay = http.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "refresh_token_reused"
    # the thief's copy and the owner's newer token die together: the whole family is revoked
    after = http.post("/api/v1/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert after.status_code == 401


def test_after_logout_neither_token_works(http):
    body = sign_in(http, "clerk", "demo1234").json()
    assert http.get("/api/v1/me", headers=bearer(body["access_token"])).status_code == 200
    assert http.post("/api/v1/auth/logout", headers=bearer(body["access_token"])).status_code == 200
    _refused(http, body["access_token"], "logged_out")
    assert http.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]}).status_code == 401


def test_a_deactivated_user_cannot_refresh_or_sign_in(http, rpc):
    username = new_account(rpc)
    body = sign_in(http, username).json()
    rpc.call("org", "deactivate_user", {"username": username}, context=ADMIN, timeout=30)
    refreshed = http.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 401, refreshed.text
    assert sign_in(http, username).status_code == 401


def test_a_role_change_holds_from_the_next_refresh(http, rpc):
    username = new_account(rpc, roles=("clerk",))
    body = sign_in(http, username).json()
    assert body["user"]["roles"] == ["clerk"]
    register(rpc, username, ("clerk", "unit_head"))
    refreshed = http.post("/api/v1/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert sorted(refreshed.json()["user"]["roles"]) == ["clerk", "unit_head"]
    me = http.get("/api/v1/me", headers=bearer(refreshed.json()["access_token"])).json()
    assert sorted(me["roles"]) == ["clerk", "unit_head"]


def test_a_password_change_needs_the_old_one_ends_the_other_sessions_and_refuses_weak_ones(http, rpc):
    username = new_account(rpc)
    other = sign_in(http, username).json()
    mine = sign_in(http, username).json()
    path, headers = "/api/v1/auth/password", bearer(mine["access_token"])
    wrong = http.post(path, json={"old_password": "not-it-123", "new_password": "Another-pass-77"}, headers=headers)
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "invalid_old_password"
    weak = http.post(path, json={"old_password": STRONG, "new_password": "abc"}, headers=headers)
    assert weak.status_code == 422 and "new_password" in weak.text
    changed = http.post(path, json={"old_password": STRONG, "new_password": "Another-pass-77"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert http.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 401
    assert sign_in(http, username).status_code == 401
    assert sign_in(http, username, "Another-pass-77").status_code == 200
