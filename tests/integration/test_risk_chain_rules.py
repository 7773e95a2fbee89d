"""Rules across the chain (issue 13 §2) through the gateway on real services: risk hears the award and the
contract's drafting, and judges the contract's submission for signing in its assessment, so the approver sees a
contract with another supplier than the award's, or above the award, before deciding. A contract drafted through
the gateway matches its award (the contract service refuses otherwise) and is assessed clean; the mismatched one
is made here as a contract service whose check was bypassed would publish it (through the contract database's
outbox), which is what the rule is for."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from ic_platform.config import DEFAULT_ORG
from ic_platform.db import make_engine
from ic_platform.envelope import Envelope
from ic_platform.uow import OUTBOX
from tests.integration.budget_docs import new_line
from tests.integration.conftest import assessed, eventually
from tests.integration.test_contracts import approved_application, draft, publish_award, task_for, valid_supplier

pytestmark = pytest.mark.integration


def publish_contract(stack, auditor, award_id, supplier_id, amount, line_id):  # noqa: ANN001, ANN201
    """contract.drafted, then (once risk has filed it: a contract is drafted and submitted in two actions, and
    risk handles events concurrently) contract.submitted, put into the contract service's outbox."""
    document = {"type": "contract", "id": str(uuid.uuid4()), "no": f"HT-T-{uuid.uuid4().hex[:8]}"}
    drafted = {
        "document": document,
        "unit": "dzb",
        "title": "办公设备采购合同（绕过核对）",
        "basis": {"type": "award", "award_id": award_id},
        "supplier_id": supplier_id,
        "amount": amount,
        "start_date": "2026-03-10",
        "end_date": "2026-12-31",
        "milestones": [
            {
                "no": 1,
                "name": "验收款",
                "condition": "on_acceptance",
                "amount": amount,
                "share": "100",
                "progress": None,
                "planned_date": None,
                "payment_days": 0,
            }
        ],
        "retention": "0.00",
        "warranty_end": None,
        "parties": {"purchaser": "clerk"},
    }
    submitted = {
        "document": document,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": amount,
        "title": drafted["title"],
        "supplier_id": supplier_id,
        "routing": {"amount": amount, "legal_review": False, "major_matter": False, "basis": "award"},
        "round": 1,
        "budget_line_id": line_id,
    }
    story = str(uuid.uuid4())
    _outbox(stack, "contract.drafted", drafted, story)
    eventually(lambda: auditor.get(f"/api/v1/dossiers/contract/{document['id']}").status_code == 200)
    _outbox(stack, "contract.submitted", submitted, story)
    return document


def _outbox(stack, type_, payload, story):  # noqa: ANN001, ANN202
    event = Envelope(
        type=type_,
        payload=payload,
        org=DEFAULT_ORG,
        producer="contract",
        actor="clerk",
        subject=f"contract/{payload['document']['id']}",
        correlation_id=story,
    )
    engine = make_engine(stack.settings.database_url("contract"), pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(OUTBOX).values(event_id=event.event_id, type=event.type, envelope=event.as_dict()))
    finally:
        engine.dispose()


def test_a_contract_unlike_its_award_is_warned_before_the_signing_decision(stack, login, rpc):  # noqa: ANN001, F811
    clerk, head = login("clerk"), login("head")
    # A line of its own: on a shared line its 40,000 could join other tests' parts into a suspected split.
    line_id = new_line(rpc, "420000.00")
    app = approved_application(clerk, head, "40000.00", line_id)
    supplier = valid_supplier(clerk, 5)  # drafting asks the registry for the supplier's standing
    award_id = publish_award(stack, app["document"], "36000.00", supplier, line_id)

    # The contract as the contract service drafts it: same supplier, the award's amount. Assessed clean.
    response = eventually(lambda: (r := draft(clerk, award_id, supplier, "36000.00")).status_code != 422 and r)
    assert response.status_code == 201, response.text
    matching = response.json()
    submitted = clerk.post(f"/api/v1/contracts/{matching['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    task = eventually(lambda: task_for(head, matching["id"]))
    seen = assessed(head, task["task_id"])
    assert seen["warnings"] == [], seen["warnings"]

    # Another supplier and more than the award: both warnings, on the task, before the decision.
    other = publish_contract(stack, login("auditor"), award_id, str(uuid.uuid4()), "40000.00", line_id)
    task = eventually(lambda: task_for(head, other["id"]))
    seen = assessed(head, task["task_id"])
    rules = {w["rule"]: w for w in seen["warnings"]}
    assert set(rules) == {"contract_supplier_not_awarded", "contract_above_award"}, seen["warnings"]
    evidence = rules["contract_above_award"]["evidence"]
    assert evidence["award_id"] == award_id and evidence["award_supplier_id"] == supplier
    assert evidence["award_amount"] == "36000.00" and evidence["excess"] == "4000.00"
    refused = head.post(f"/api/v1/approval/tasks/{task['task_id']}/decision", json={"decision": "approve"})
    assert refused.status_code in (409, 422), refused.text  # the warnings must be acknowledged first
