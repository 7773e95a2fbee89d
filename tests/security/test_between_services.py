"""Attacks between the services (issue 9, section 5): a caller on the broker naming itself in the context data.
Before, a service believed any `actor` and any plain JSON identity; now it runs only calls carrying an assertion
the gateway signed within the last minute, or a service's own for the listed system calls."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ic_platform.identity import IDENTITY_KEY, Viewer, sign_identity, sign_service
from ic_platform.rpc_client import RemoteError
from tests.integration.conftest import eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration

HEAD = Viewer.of("head", "dzb", ["unit_head"])


def _refusal(rpc, service: str, method: str, kwargs: dict, context: dict) -> str:  # noqa: ANN001
    with pytest.raises(RemoteError) as refused:
        rpc.call(service, method, kwargs, context=context, timeout=30)
    return refused.value.exc_args[0]


@pytest.fixture(scope="module")
def task(login):  # noqa: ANN001, ANN201
    app = submit(login("clerk"), "1300.00").json()
    return eventually(lambda: pending_task(login("head"), app["id"]))


def _decide(task: dict) -> dict:
    return {"task_id": task["task_id"], "decision": "approve"}


def test_a_plain_json_identity_decides_nothing(rpc, task, login):
    context = {"org": "xinqiao", "actor": "head", IDENTITY_KEY: json.dumps(HEAD.claims())}
    assert _refusal(rpc, "approval", "decide", _decide(task), context) == "identity_required"
    assert pending_task(login("head"), task["document"]["id"]) is not None


def test_no_identity_at_all_decides_nothing(rpc, task):
    assert _refusal(rpc, "approval", "decide", _decide(task), {"org": "xinqiao", "actor": "head"}) == (
        "identity_required"
    )


def test_an_assertion_signed_with_another_key_or_stale_decides_nothing(rpc, task):
    forged = sign_identity(HEAD, "xinqiao", key=Ed25519PrivateKey.generate())
    stale = sign_identity(HEAD, "xinqiao", now=time.time() - 300)
    hs256 = jwt.encode({**HEAD.claims(), "aud": "ic-services", "iss": "ic-gateway", "exp": time.time() + 60}, "x" * 32)
    for token in (forged, stale, hs256):
        context = {"org": "xinqiao", "actor": "head", IDENTITY_KEY: token}
        assert _refusal(rpc, "approval", "decide", _decide(task), context) == "identity_required"


def test_a_real_assertion_replayed_for_another_actor_is_refused(rpc, task):
    clerk = sign_identity(Viewer.of("clerk", "dzb", ["clerk"]), "xinqiao")
    context = {"org": "xinqiao", "actor": "head", IDENTITY_KEY: clerk}
    assert _refusal(rpc, "approval", "decide", _decide(task), context) == "identity_mismatch"


def test_a_services_own_identity_is_good_for_system_calls_only(rpc, task):
    context = {"org": "xinqiao", IDENTITY_KEY: sign_service("payment")}
    assert _refusal(rpc, "approval", "decide", _decide(task), context) == "call_not_allowed"
    assert rpc.call("org", "list_units", {"page_size": 5}, context=context, timeout=30)["total"] > 0
