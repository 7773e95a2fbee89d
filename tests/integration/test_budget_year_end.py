"""Final accounts and year close (决算与结转) end to end, on a year of its own (2031) so no other test's lines
close: the statement per line and unit, closing stops postings and carries open commitments forward as
next-year lines, a payment against an old contract lands on the new line, and reopening goes through
approval."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook

from ic_platform.errors import details_from_wire
from ic_platform.rpc_client import RemoteError
from tests.integration.budget_docs import CTX, decide, line, money, new_line, status_of
from tests.integration.conftest import eventually

pytestmark = pytest.mark.integration

YEAR = 2031


def call(rpc, method, **kwargs):
    try:
        return rpc.call("budget", method, kwargs, context=CTX, timeout=30)
    except RemoteError as exc:
        return {"refused": exc.exc_args[0], "message": exc.exc_args[1], "details": details_from_wire(exc.exc_args[2])}


def test_close_the_year_carry_forward_pay_on_the_new_line_and_reopen_through_approval(login, rpc):
    clerk, finance, principal = login("clerk"), login("finance"), login("principal")
    office, travel = new_line(rpc, "10000.00", year=YEAR), new_line(rpc, "5000.00", year=YEAR, unit="czb")
    contract = {"type": "contract", "id": str(uuid.uuid4()), "no": "HT-2031-000001"}
    application = {"type": "matter_application", "id": str(uuid.uuid4())}
    assert call(rpc, "commit", budget_line_id=office, amount="4000.00", document=contract)["allowed"]
    assert call(
        rpc,
        "actual",
        budget_line_id=office,
        amount="1000.00",
        from_document=contract,
        document={"type": "payment_request", "id": str(uuid.uuid4())},
    )["allowed"]
    assert call(rpc, "reserve", budget_line_id=travel, amount="1000.00", document=application)["allowed"]

    accounts = clerk.get("/api/v1/reports/final-accounts", params={"fiscal_year": YEAR, "page_size": 200}).json()
    row = next(r for r in accounts["items"] if r["budget_line_id"] == office)
    assert (row["amount"], row["actual"], row["variance"], row["execution_rate"]) == (
        "10000.00",
        "1000.00",
        "9000.00",
        "10.00",
    )
    dzb = next(u for u in accounts["by_unit"] if u["unit"] == "dzb")
    assert money(dzb["actual"]) >= 1000 and accounts["year_status"] == "open"
    xlsx = clerk.get("/api/v1/reports/final-accounts.xlsx", params={"fiscal_year": YEAR})
    assert xlsx.status_code == 200 and load_workbook(io.BytesIO(xlsx.content)).worksheets[1].title.startswith("2031")

    assert clerk.post(f"/api/v1/fiscal-years/{YEAR}/close", json={"reason": "年终结账"}).status_code == 403
    closed = finance.post(f"/api/v1/fiscal-years/{YEAR}/close", json={"reason": "年终结账"})
    assert closed.status_code == 200, closed.text
    summary = closed.json()
    assert summary["lines_carried_forward"] == 2 and money(summary["carried_forward_total"]) == 4000
    assert summary["lines_closed"] >= 2
    assert finance.post(f"/api/v1/fiscal-years/{YEAR}/close", json={"reason": "again"}).status_code == 409

    old = line(clerk, office)
    assert old["closed"] and (money(old["committed"]), money(old["actual"])) == (0, 1000)
    successor = line(clerk, office.replace(str(YEAR), str(YEAR + 1), 1) + "-JZ")
    assert (successor["fiscal_year"], successor["source_kind"], successor["carried_from"]) == (
        YEAR + 1,
        "carried_forward",
        office,
    )
    assert (money(successor["amount"]), money(successor["committed"])) == (3000, 3000)

    refused = call(
        rpc,
        "reserve",
        budget_line_id=office,
        amount="1.00",
        document={"type": "matter_application", "id": str(uuid.uuid4())},
    )
    assert refused["refused"] == "budget_insufficient" and refused["details"]["rule"] == "fiscal_year_closed"
    assert "已结账" in refused["message"]

    # A payment against the old contract still names the old line: it lands on the carried-forward one.
    paid = call(
        rpc,
        "actual",
        budget_line_id=office,
        amount="1500.00",
        from_document=contract,
        document={"type": "payment_request", "id": str(uuid.uuid4())},
    )
    assert paid["allowed"] and paid["budget_line_id"] == successor["id"], paid
    after = line(clerk, successor["id"])
    assert (money(after["committed"]), money(after["actual"])) == (1500, 1500)
    assert money(line(clerk, office)["actual"]) == 1000

    # Reopening is a document the principal approves.
    assert clerk.post(f"/api/v1/fiscal-years/{YEAR}/reopen-requests", json={"reason": "补记"}).status_code == 403
    requested = finance.post(f"/api/v1/fiscal-years/{YEAR}/reopen-requests", json={"reason": "补记漏记支出"})
    assert requested.status_code == 201, requested.text
    reopen = requested.json()
    assert reopen["no"].startswith(f"CK-{YEAR}-")
    decide(principal, reopen["id"])
    done = status_of(finance, f"/api/v1/fiscal-year-reopens/{reopen['id']}", "approved")
    assert [s["assignee"] for s in done["route"]["steps"]] == ["principal"]
    eventually(lambda: clerk.get(f"/api/v1/fiscal-years/{YEAR}").json()["status"] == "open")
    assert not line(clerk, office)["closed"]
    assert call(
        rpc,
        "reserve",
        budget_line_id=office,
        amount="1.00",
        document={"type": "matter_application", "id": str(uuid.uuid4())},
    )["allowed"]
    assert line(clerk, successor["id"])["fiscal_year"] == YEAR + 1  # what was carried stays carried


def test_a_year_with_an_adjustment_in_approval_cannot_close(login, rpc):
    clerk, finance = login("clerk"), login("finance")
    year = 2033
    source, target = new_line(rpc, "1000.00", year=year), new_line(rpc, "1000.00", year=year)
    response = clerk.post(
        "/api/v1/budget-adjustments",
        json={
            "kind": "transfer",
            "from_budget_line_id": source,
            "to_budget_line_id": target,
            "amount": "10.00",
            "reason": "调剂",
        },
    )
    assert response.status_code == 201, response.text
    refused = finance.post(f"/api/v1/fiscal-years/{year}/close", json={"reason": "年终结账"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "fiscal_year_has_open_adjustments"
    assert not line(clerk, source)["closed"]
