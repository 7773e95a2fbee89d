"""Idempotency-Key through the gateway: every creating POST needs one (428 in Chinese without), and the same key
sent at once with different bodies gives exactly one 201 and 409s, never a 201 carrying another body's result;
the same key and body again answers the first answer (a refusal included)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.budget_docs import new_line

pytestmark = pytest.mark.integration

APPS = "/api/v1/matter-applications"
CREATING = [
    ("clerk", APPS, {"title": "t", "budget_line_id": "2026-DZB-30201-01", "amount": "1.00"}),
    ("clerk", "/api/v1/budget-adjustments", {}),
    ("clerk", "/api/v1/budget-overrides", {}),
    ("finance", "/api/v1/fiscal-years/2026/reopen-requests", {"reason": "r"}),
    ("head", "/api/v1/approval/delegations", {}),
    ("finance", "/api/v1/expenditure-standards", {}),
    ("finance", "/api/v1/budget-lines/2026-DZB-30201-01/decompose", {}),
]


@pytest.mark.parametrize("user, path, body", CREATING)
def test_a_creating_post_without_a_key_is_428_and_creates_nothing(login, user, path, body):
    api = login(user)
    response = api.http.post(path, json=body)  # the raw client: no key added
    assert response.status_code == 428, response.text
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_required"
    assert "Idempotency-Key" in error["message"] and "幂等键" in error["message"]


def fire_at_once(api, path, bodies, key):
    """Every body with the same key, released together from as many threads."""
    start = threading.Barrier(len(bodies))
    headers = {**api.http.headers, "Idempotency-Key": key}

    def send(body):
        with httpx.Client(base_url=str(api.http.base_url), headers=headers, auth=api.http.auth, timeout=60) as client:
            start.wait()
            return body, client.post(path, json=body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, bodies))


def one_created_the_rest_refused(answers, field):
    created = [(body, r) for body, r in answers if r.status_code == 201]
    assert len(created) == 1, [(r.status_code, r.text[:200]) for _, r in answers]
    refused = [r for _, r in answers if r.status_code != 201]
    assert all(r.status_code == 409 for r in refused), [(r.status_code, r.text[:200]) for r in refused]
    codes = {r.json()["error"]["code"] for r in refused}
    assert codes <= {"idempotency_key_reused", "idempotency_request_in_progress"}, codes
    body, response = created[0]
    assert response.json()[field] == body[field]  # its own result, nobody else's
    return body, response.json()


def test_the_same_key_with_different_bodies_at_once_creates_one_application(login, rpc):
    clerk = login("clerk")
    line_id = new_line(rpc, "10000.00")
    run = uuid.uuid4().hex[:6]
    bodies = [
        {"title": f"并发{run}-{n}", "budget_line_id": line_id, "amount": f"{100 + n}.00", "purpose": "p"}
        for n in range(6)
    ]
    key = str(uuid.uuid4())
    body, created = one_created_the_rest_refused(fire_at_once(clerk, APPS, bodies, key), "title")
    assert created["amount"] == body["amount"]
    mine = clerk.get(APPS, params={"page_size": 100}).json()["items"]
    assert [a["id"] for a in mine if a["title"].startswith(f"并发{run}")] == [created["id"]]
    line = clerk.get(f"/api/v1/budget-lines/{line_id}").json()
    assert line["pre_committed"] == body["amount"]  # one reservation, of the body that won

    # The winner's request again: the same answer; another body with that key: refused, naming the rule.
    again = clerk.post(APPS, json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and again.json()["id"] == created["id"]
    other = clerk.post(APPS, json=bodies[0] if body != bodies[0] else bodies[1], headers={"Idempotency-Key": key})
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["error"]["message"]


def test_the_same_key_with_different_bodies_at_once_creates_one_adjustment(login, rpc):
    clerk = login("clerk")
    source, target = new_line(rpc, "10000.00"), new_line(rpc, "100.00")
    bodies = [
        {
            "kind": "transfer",
            "from_budget_line_id": source,
            "to_budget_line_id": target,
            "amount": f"{10 + n}.00",
            "reason": f"调剂{n}",
        }
        for n in range(5)
    ]
    answers = fire_at_once(clerk, "/api/v1/budget-adjustments", bodies, str(uuid.uuid4()))
    body, created = one_created_the_rest_refused(answers, "reason")
    assert created["amount"] == body["amount"]
    assert clerk.get(f"/api/v1/budget-lines/{source}").json()["pre_committed"] == body["amount"]


def test_a_refused_submission_retried_with_its_key_is_refused_the_same_and_stored_once(login, rpc):
    clerk = login("clerk")
    line_id = new_line(rpc, "100.00")
    body = {"title": f"超额{uuid.uuid4().hex[:6]}", "budget_line_id": line_id, "amount": "150.00"}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first, second = clerk.post(APPS, json=body, headers=key), clerk.post(APPS, json=body, headers=key)
    assert first.status_code == second.status_code == 409, (first.text, second.text)
    assert first.json()["error"] == second.json()["error"]
    refused = clerk.get(APPS, params={"status": "refused", "page_size": 100}).json()["items"]
    assert len([a for a in refused if a["title"] == body["title"]]) == 1
