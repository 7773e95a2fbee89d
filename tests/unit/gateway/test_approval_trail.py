"""GET /api/v1/approval/trail/verify: for auditors, inspectors and admins only; the service's answer as is."""

from __future__ import annotations

import pytest

from gateway.auth import User
from gateway.routes.approval import TRAIL_VERIFY_TIMEOUT_S

from .conftest import CLERK, assert_error, bearer

URL = "/api/v1/approval/trail/verify"
BROKEN = {
    "ok": False,
    "entries": 7,
    "head": {"seq": 7, "hash": "a" * 64},
    "chain": "ic_approval",
    "first_break": {"seq": 8, "problem": "truncated", "message": "…", "details": {"recorded": 9}},
    "anchors_checked": 1,
    "latest_anchor": {"seq": 9, "hash": "b" * 64, "anchored_at": "2026-11-25T08:00:00.000000Z"},
    "elapsed_ms": 3.2,
}


def user(*roles: str) -> User:
    return User(username="someone", name="某人", unit="jjb", roles=roles, org="xinqiao")


@pytest.mark.parametrize("role", ["auditor", "inspector", "admin"])
def test_auditors_inspectors_and_admins_verify_the_trail(client, fake, role):
    fake.on("approval", "verify_trail", BROKEN)
    response = client.get(URL, headers=bearer(user("clerk", role)))
    assert response.status_code == 200, response.text
    assert response.json() == BROKEN
    (call,) = fake.calls
    assert (call.kwargs, call.timeout) == ({}, TRAIL_VERIFY_TIMEOUT_S)
    assert call.context["actor"] == "someone"


@pytest.mark.parametrize("roles", [("clerk",), ("unit_head",), ("finance_reviewer", "principal")])
def test_nobody_else_may(client, fake, roles):
    response = client.get(URL, headers=bearer(user(*roles)))
    assert assert_error(response, 403, "forbidden")["details"] == {"required_roles": ["auditor", "inspector", "admin"]}
    assert fake.calls == []


def test_signing_in_comes_first(client, fake):
    assert_error(client.get(URL), 401, "unauthenticated")
    assert_error(client.get(URL, headers=bearer(CLERK)), 403, "forbidden")
    assert fake.calls == []


def test_a_documents_trail_is_for_the_same_readers(client, fake):
    doc = "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10"
    answer = {"document": {"type": "matter_application", "id": doc, "no": "SQ-2026-000001"}, "entries": []}
    fake.on("approval", "get_trail", answer)
    url = f"/api/v1/documents/matter_application/{doc}/trail"
    assert client.get(url, headers=bearer(user("inspector"))).json() == answer
    assert fake.calls[0].kwargs == {"document_type": "matter_application", "document_id": doc}
    assert_error(client.get(url, headers=bearer(CLERK)), 403, "forbidden")
    assert len(fake.calls) == 1
