"""越权审批 (issue 13 §2, behaviour) through the gateway on real services: approval's `approval.completed` names who
approved in which capacity, and risk judges it against the office's authority table in force that day.

The demo table repeats the spending definitions' tiers, so a matter application routed by them is approved within
it. The office tightens its table from today (through the rule book, as an inspector would): a unit head's limit
of 10,000 and a major-matter amount of 11,000. A 12,000 application its unit head approves alone is then both
above the head's authority and a major matter decided without a meeting; the warning names the figures. The
demo table is put back for today afterwards (the session's other tests share the office)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.integration.budget_docs import decide, new_line
from tests.integration.conftest import eventually
from tests.integration.test_walking_skeleton import submit

pytestmark = pytest.mark.integration
API = "/api/v1"
RULE = "approver_above_authority"
DEMO = {"unit_head_limit": "50000.00", "leader_in_charge_limit": "200000.00", "major_matter_amount": "500000.00"}


def set_table(inspector, **values: str) -> None:  # noqa: ANN001
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    put = inspector.http.put(f"{API}/risk/rules/{RULE}/parameters/{today}", json={"parameters": {**DEMO, **values}})
    assert put.status_code == 200, put.text


def test_an_approval_above_the_approvers_authority_is_warned_with_the_figures_in_force(login, rpc):
    inspector, clerk, head = login("inspector"), login("clerk"), login("head")
    line_id = new_line(rpc, "100000.00")  # its own line: no other test's parts beside it
    set_table(inspector, unit_head_limit="10000.00", major_matter_amount="11000.00")
    try:
        app = submit(clerk, "12000.00", line_id, title="档案柜一批")
        assert app.status_code == 201, app.text
        app = app.json()
        decide(head, app["id"])  # the route: the unit head alone (approval's tiers start the leader at 50,000)
        path = f"{API}/documents/matter_application/{app['id']}/risk-warnings"
        found = eventually(
            lambda: next((w for w in inspector.get(path).json().get("items", []) if w["rule"] == RULE), None)
        )
    finally:
        set_table(inspector)
    assert found["severity"] == "high" and "越权审批" in found["message"] and "未经集体决策" in found["message"]
    e = found["evidence"]
    assert e["breaches"] == ["amount_above_authority", "major_without_collective_decision"]
    assert (e["amount"], e["highest_authority"], e["highest_limit"]) == ("12000.00", "unit_head", "10000.00")
    [approval] = e["approvals"]
    assert (approval["decided_by"], approval["authority"], approval["by_meeting"]) == ("head", "unit_head", False)
    assert e["collective_decision"] is False and e["project_collective_decision"] is None
    assert e["major_matter_amount"] == "11000.00", "the figures in force on the day of the decision"
    book = {r["rule"]: r for r in inspector.get(f"{API}/risk/rules").json()["items"]}
    assert book[RULE]["in_force"] == DEMO and all(p["demo"] for p in book[RULE]["parameters"])
