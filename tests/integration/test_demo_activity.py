"""`make run`'s living office (deploy/seed/activity.py) on the real stack: after it, the demo contracts show paid
figures in the execution report, the travel claim is reimbursed, and a second start adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deploy.seed import activity

pytestmark = pytest.mark.integration


def test_the_demo_office_pays_its_contracts_and_a_claim_once(stack, login):
    assert activity.run(stack.base_url) is True
    clerk = login("clerk_cgb")
    report = clerk.get("/api/v1/contracts/execution-report", params={"page_size": 50}).json()["items"]
    repair = next(r for r in report if r["title"] == activity.REPAIR)
    assert (repair["paid"], repair["remaining"]) == ("68000.00", "0.00")
    claims = clerk.get("/api/v1/expense-claims", params={"status": "approved"}).json()["items"]
    paid = clerk.get("/api/v1/payments", params={"page_size": 50}).json()["items"]
    assert {p["basis"]["id"] for p in paid if p["status"] == "executed"} >= {c["id"] for c in claims}
    line = clerk.get("/api/v1/budget-lines/2026-CGB-30213-01").json()
    assert Decimal(line["actual"]) >= Decimal("68000.00")
    assert activity.run(stack.base_url) is False  # a second start does nothing
