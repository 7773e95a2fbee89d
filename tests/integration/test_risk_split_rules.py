"""Issue 13 §2 through the gateway on real services. The split across a unit's lines: two applications of one
unit on two of its lines, each below the threshold, together reaching it, are warned in the second's
assessment, before its approver decides. A payment on a contract not yet signed nor accepted is warned in its
own assessment (the payment events injected as their producer will publish them).

The cross-line rule is out of reach on the session's stack (tests/conftest.py: the session's tests share
units); its test sets a version for today through the rule book, on a unit no other test uses, and puts the
out-of-reach version back."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from ic_platform import catalogue
from ic_platform.config import DEFAULT_ORG
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from ic_platform.uow import OUTBOX
from tests.conftest import RISK_UNIT_WIDE_OFF
from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_walking_skeleton import pending_task, submit

pytestmark = pytest.mark.integration
API = "/api/v1"


def set_across_lines(inspector, threshold: str) -> None:  # noqa: ANN001
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    version = {"parameters": {"threshold": threshold, "min_part": "5000.00", "window_days": 30}}
    put = inspector.http.put(f"{API}/risk/rules/split_across_lines/parameters/{today}", json=version)
    assert put.status_code == 200, put.text


def test_two_lines_of_one_unit_add_up_to_a_split_before_the_decision(login, rpc):
    inspector, clerk, head = login("inspector"), login("clerk_tjz"), login("head_tjz")
    first_line, second_line = new_line(rpc, "300000.00", unit="tjz"), new_line(rpc, "300000.00", unit="tjz")
    set_across_lines(inspector, "50000.00")
    try:
        first = submit(clerk, "30000.00", first_line, title="办公设备一批")
        assert first.status_code == 201, first.text
        second = submit(clerk, "30000.00", second_line, title="办公设备二批")
        assert second.status_code == 201, second.text
        first, second = first.json(), second.json()
        task = eventually(lambda: pending_task(head, second["id"]))
        seen = assessed(head, task["task_id"])
    finally:
        set_across_lines(inspector, RISK_UNIT_WIDE_OFF["IC_RISK_ACROSS_LINES_THRESHOLD"])
    [warning] = [w for w in seen["warnings"] if w["rule"] == "split_across_lines"]
    assert warning["severity"] == "medium" and "跨指标" in warning["message"]
    evidence = warning["evidence"]
    assert sorted(evidence["budget_lines"]) == sorted([first_line, second_line])
    assert evidence["total"] == "60000.00" and evidence["count"] == 2
    assert [o["document"]["id"] for o in evidence["others"]] == [first["id"]]
    first_task = eventually(lambda: pending_task(head, first["id"]))
    assert not [w for w in assessed(head, first_task["task_id"])["warnings"] if w["rule"].startswith("split")]


def _outbox(stack, service: str, type_: str, payload: dict, subject: str) -> None:  # noqa: ANN001
    """An event as its producer would publish it, put into that service's outbox (the producers of the payment
    flow land in parallel: the pinned schemas are what they will publish)."""
    catalogue.validate(
        (
            event := Envelope(
                type=type_,
                payload=payload,
                org=DEFAULT_ORG,
                producer=service,
                actor="clerk",
                subject=subject,
                correlation_id=str(uuid.uuid4()),
            )
        ).as_dict()
    )
    engine = make_engine(stack.settings.database_url(service), pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(OUTBOX).values(event_id=event.event_id, type=event.type, envelope=event.as_dict()))
    finally:
        engine.dispose()


def test_a_payment_on_an_unsigned_contract_is_warned_in_its_assessment(stack, login):
    auditor = login("auditor")
    contract = {"type": "contract", "id": str(uuid.uuid4()), "no": f"HT-T-{uuid.uuid4().hex[:6]}"}
    milestone = {
        "no": 1,
        "name": "验收款",
        "condition": "on_acceptance",
        "amount": "30000.00",
        "share": "100",
        "progress": None,
        "planned_date": None,
        "payment_days": 0,
    }
    drafted = {
        "document": contract,
        "unit": "dzb",
        "title": "维修服务合同",
        "basis": {"type": "matter_application", "application": {"type": "matter_application", "id": "m-x"}},
        "supplier_id": "sup-1",
        "amount": "30000.00",
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "milestones": [milestone],
        "retention": "0.00",
        "warranty_end": None,
        "parties": {"purchaser": "clerk"},
    }
    _outbox(stack, "contract", "contract.drafted", drafted, f"contract/{contract['id']}")
    eventually(lambda: auditor.get(f"/api/v1/dossiers/contract/{contract['id']}").status_code == 200)

    payment = {"type": "payment_request", "id": str(uuid.uuid4()), "no": f"FK-2026-9{uuid.uuid4().int % 10**5:05d}"}
    requested = {
        "document": payment,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "30000.00",
        "title": "维修服务合同验收款",
        "payment_id": payment["id"],
        "no": payment["no"],
        "budget_line_id": "2026-DZB-30213-01",
        "basis": {"type": "contract_milestone", "id": contract["id"], "no": contract["no"]},
        "contract_id": contract["id"],
        "milestone_no": 1,
        "supplier_id": "sup-1",
        "payee": {"name": "甲公司", "credit_code": None, "account_no": "6222000011112222"},
        "invoices": [{"key": "26442000000099990001", "number": "26442000000099990001", "amount": "30000.00"}],
    }
    _outbox(stack, "payment", "payment.payment_requested", requested, f"payment_request/{payment['id']}")
    path = f"/api/v1/documents/payment_request/{payment['id']}/risk-warnings"
    found = eventually(lambda: (r := auditor.get(path)).status_code == 200 and len(r.json()["items"]) >= 3 and r.json())
    rules = {w["rule"]: w for w in found["items"]}
    assert {"payment_before_signing", "payment_before_acceptance", "round_amount"} <= set(rules), rules
    assert rules["payment_before_signing"]["severity"] == "high"
    assert rules["payment_before_signing"]["evidence"]["contract"]["id"] == contract["id"]
    assert rules["payment_before_acceptance"]["evidence"]["milestone_no"] == 1
