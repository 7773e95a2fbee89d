"""The caller's identity travels from the gateway to every service in the context data, as an assertion the
gateway signed (ic_platform/identity.py); the services refuse calls without a valid one (entrypoints.py)."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ic_platform import identity
from ic_platform.context import CallContext
from ic_platform.entrypoints import check_caller
from ic_platform.errors import DomainError
from ic_platform.identity import IDENTITY_KEY, Viewer, decode_identity, encode_identity, sign_identity, sign_service

LEADER = Viewer.of("leader", "dzb", ["leader_in_charge"], ["dzb", "czb"])


def test_identity_round_trips_through_context_data():
    data = {"org": "xinqiao", "actor": "leader", IDENTITY_KEY: encode_identity(LEADER)}
    again = CallContext.from_context_data(CallContext.from_context_data(data).as_context_data())
    assert again.viewer == LEADER
    assert again.viewer.has_any("principal", "leader_in_charge")
    assert not again.viewer.has_any("clerk")


def test_an_identity_of_someone_else_than_the_actor_is_ignored():
    data = {"org": "xinqiao", "actor": "clerk", IDENTITY_KEY: encode_identity(LEADER)}
    assert CallContext.from_context_data(data).viewer is None


def test_unsigned_forged_or_stale_identities_are_none():
    plain = json.dumps(LEADER.claims())  # what the gateway used to send: anyone on the broker could write it
    other_key = sign_identity(LEADER, key=Ed25519PrivateKey.generate())
    stale = sign_identity(LEADER, now=time.time() - 120)
    none_alg = jwt.encode({**LEADER.claims(), "aud": "ic-services", "iss": "ic-gateway"}, None, algorithm="none")
    for value in (None, "", "not json", plain, other_key, stale, none_alg):
        assert decode_identity(value) is None, value


def test_system_work_has_no_viewer():
    assert CallContext.from_context_data({"org": "xinqiao"}).viewer is None


def _refused(method: str, context: dict, service: str = "budget") -> str:
    with pytest.raises(DomainError) as refusal:
        check_caller(service, method, context)
    return refusal.value.code


def test_a_call_without_a_valid_assertion_is_refused():
    assert _refused("list_lines", {"org": "xinqiao", "actor": "leader"}) == "identity_required"
    plain = {"org": "xinqiao", "actor": "leader", IDENTITY_KEY: json.dumps(LEADER.claims())}
    assert _refused("list_lines", plain) == "identity_required"
    check_caller("budget", "list_lines", {"actor": "leader", IDENTITY_KEY: encode_identity(LEADER)})
    check_caller("budget", "ping", {})  # readiness answers anyone


def test_an_assertion_for_another_actor_is_refused():
    data = {"actor": "head", IDENTITY_KEY: encode_identity(LEADER)}
    assert _refused("list_lines", data) == "identity_mismatch"


def test_a_service_may_make_only_the_listed_system_calls():
    data = {IDENTITY_KEY: sign_service("payment")}
    check_caller("budget", "reserve", data)
    assert _refused("delete_everything", data) == "call_not_allowed"
    assert _refused("approve", data, service="approval") == "call_not_allowed"
    # each service its own list: payment may not relieve a contract's commitment on the line, contract may
    check_caller("budget", "relieve", {IDENTITY_KEY: sign_service("contract")})
    assert _refused("relieve", data) == "call_not_allowed"
    # payment settles approved expense claims on its own: commit from the application, release the rest
    check_caller("budget", "commit", data)
    check_caller("budget", "release_document", data)
    check_caller("org", "list_units", data)  # what every service may
    gateway_key_as_service = identity._sign(
        {"sub": "service:x"}, identity.SERVICE_ISSUER, Ed25519PrivateKey.generate(), None
    )
    assert _refused("reserve", {IDENTITY_KEY: gateway_key_as_service}) == "identity_required"


def test_before_sign_in_the_gateway_may_only_sign_in_and_refresh():
    anonymous = {IDENTITY_KEY: sign_identity(None, "xinqiao")}
    check_caller("org", "authenticate", anonymous)
    check_caller("org", "refresh_session", anonymous)
    assert _refused("list_users", anonymous, service="org") == "call_not_allowed"


def test_an_assertion_verified_once_is_believed_until_it_expires_and_not_after(monkeypatch):
    assertion = sign_identity(LEADER, "xinqiao")
    assert identity.verify(assertion).viewer == LEADER
    assert assertion in identity._VERIFIED  # the second check of the same call costs no signature check
    later = time.time() + identity.ASSERTION_TTL_S + 1
    monkeypatch.setattr(identity.time, "time", lambda: later)
    assert identity.verify(assertion) is None
    assert assertion not in identity._VERIFIED


def test_the_gateway_reuses_an_assertion_for_the_same_viewer_only_and_only_for_a_while(monkeypatch):
    reused = identity.ReusedAssertions(reuse_s=20)
    key = Ed25519PrivateKey.generate()
    first = reused.sign(LEADER, "xinqiao", key=key)
    assert reused.sign(LEADER, "xinqiao", key=key) == first
    other_roles = Viewer.of("leader", "dzb", ["principal"], ["dzb", "czb"])
    assert reused.sign(other_roles, "xinqiao", key=key) != first  # a role change is a new assertion at once
    assert reused.sign(None, "xinqiao", key=key) != first
    later = time.monotonic() + 21
    monkeypatch.setattr(identity.time, "monotonic", lambda: later)
    monkeypatch.setattr(identity.time, "time", lambda: time.time_ns() / 1e9 + 1)  # a later second to sign in
    assert reused.sign(LEADER, "xinqiao", key=key) != first
