"""Progress certificates (进度确认) and payment by progress (按进度) through the gateway on real services.

A signed 36,000.00 contract: 30 % on signing, 30 % once progress reaches 50 %, 40 % once it reaches 60 %. A
payment request against the 50 % milestone is refused by the payment gate before any certificate, naming the
rule; the drafter may not certify (the conflict matrix's pair); the principal certifies 50 %: the 50 %
milestone becomes payable (a request against it is taken), the 60 % one stays refused; a lower percentage than
before is refused; the execution shows the day the milestone was met (the milestone rows the report reads)."""

from __future__ import annotations

import pytest

from tests.integration.budget_docs import new_line
from tests.integration.conftest import eventually
from tests.integration.test_contracts import approve, approved_application, contract, draft_body, publish_award, rule_of
from tests.integration.test_payments import request_body

pytestmark = pytest.mark.integration

API = "/api/v1"
CERTIFIED_ON = "2026-06-30"
MILESTONES = [
    {"name": "预付款", "condition": "on_signing", "share": "30"},
    {"name": "主体完工款", "condition": "on_progress", "share": "30", "progress": "50"},
    {"name": "竣工进度款", "condition": "on_progress", "share": "40", "progress": "60"},
]


@pytest.fixture(scope="module")
def deal(stack, login, rpc, supplier):
    """Signed on 2026-03-10, drafted by clerk, purchased by head."""
    clerk, head = login("clerk"), login("head")
    line_id = new_line(rpc, "420000.00")
    app = approved_application(clerk, head, "40000.00", line_id)
    award_id = publish_award(stack, app["document"], "36000.00", supplier["id"], line_id)
    body = draft_body(award_id, supplier["id"], "36000.00", milestones=MILESTONES)
    body["purchaser"] = "head"
    response = eventually(lambda: (r := clerk.post(f"{API}/contracts", json=body)).status_code != 422 and r)
    assert response.status_code == 201, response.text
    c = response.json()
    assert [m["amount"] for m in c["milestones"]] == ["10800.00", "10800.00", "14400.00"]
    assert clerk.post(f"{API}/contracts/{c['id']}/submit").status_code == 200
    approve(head, c["id"])
    eventually(lambda: contract(clerk, c["id"])["status"] == "approved")
    signed = clerk.post(f"{API}/contracts/{c['id']}/sign", json={"signed_on": "2026-03-10"})
    assert signed.status_code == 200, signed.text
    return {"contract": signed.json(), "line_id": line_id}


def certify(api, c, percent, on=CERTIFIED_ON, **extra):
    body = {"percent": percent, "certified_on": on, "remarks": "经现场核实", **extra}
    return api.post(f"{API}/contracts/{c['id']}/progress-certificates", json=body)


def test_an_on_progress_milestone_is_paid_only_once_its_progress_is_certified(deal, supplier, login):
    clerk, principal = login("clerk"), login("principal")
    c = deal["contract"]

    early = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "10800.00", 2))
    assert rule_of(early) == "payment_condition_not_met"
    assert "按进度" in early.json()["error"]["message"]

    by_drafter = certify(clerk, c, "50")
    assert rule_of(by_drafter, 403) == "sod_incompatible_roles"
    assert by_drafter.json()["error"]["details"]["rule"] == "drafter/progress_certifier"
    future = certify(principal, c, "50", on="2099-01-01")
    assert rule_of(future, 422) == "progress_date_invalid"
    assert future.json()["error"]["details"]["fields"][0]["field"] == "certified_on"
    bad = certify(principal, c, "150")
    assert bad.status_code == 422 and bad.json()["error"]["details"]["fields"][0]["field"] == "percent"

    made = certify(principal, c, "50")
    assert made.status_code == 201, made.text
    assert (made.json()["percent"], made.json()["certifier"], made.json()["milestones_met"]) == ("50", "principal", [2])

    taken = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "10800.00", 2))
    assert taken.status_code == 201, taken.text
    sixty = clerk.post(f"{API}/payments", json=request_body(deal, supplier, "14400.00", 3))
    assert rule_of(sixty) == "payment_condition_not_met"

    lower = certify(principal, c, "40", on="2026-07-31")
    assert rule_of(lower) == "progress_decreased"
    assert "50%" in lower.json()["error"]["message"]

    listed = clerk.get(f"{API}/contracts/{c['id']}/progress-certificates").json()
    assert (listed["total"], listed["percent"]) == (1, "50")
    assert [(p["percent"], p["certified_on"]) for p in listed["items"]] == [("50", CERTIFIED_ON)]
    execution = clerk.get(f"{API}/contracts/{c['id']}/execution").json()
    met = {m["no"]: m["met_on"] for m in execution["milestones"]}
    assert met == {1: "2026-03-10", 2: CERTIFIED_ON, 3: None}
    assert login("clerk_djb").get(f"{API}/contracts/{c['id']}/progress-certificates").status_code == 404
    assert certify(login("clerk_djb"), c, "60").status_code == 404
