"""Acceptances and the payment ledger through the contract service layer (in-memory unit of work): what is
stored and published, and what the ledger refuses with its rule (the contract's lock serialises the rest)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from ic_platform.context import CallContext
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.contract.service_layer import acceptances, changes, commands
from tests.unit.contract.fakes import FakeBudget
from tests.unit.contract.test_service_layer import CLERK, ORG, OTHER_CLERK, signed_contract

HEAD = CallContext(org=ORG, actor="head", viewer=Viewer.of("head", "dzb", ["unit_head"]))
TODAY = date.today().isoformat()


def accept(c, who=HEAD, **kw):
    body = {"contract_id": c["id"], "milestone_no": 2, "result": "passed", "accepted_on": TODAY, "members": ["head"]}
    return acceptances.record_acceptance(commands.RecordAcceptance.parse({**body, **kw}), uow_of(c), who)


_UOW = {}


def uow_of(c):
    return _UOW[c["id"]]


@pytest.fixture
def signed(uow):
    c = signed_contract(uow)
    _UOW[c["id"]] = uow
    return c


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def payment(n=None):
    return {"type": "payment_request", "id": str(uuid.uuid4()), "no": f"FK-2026-{n or 1:06d}"}


def reserve(c, amount, milestone=2, doc=None):
    cmd = commands.ReservePayment.parse(
        {"contract_id": c["id"], "milestone_no": milestone, "amount": amount, "payment": doc or payment()}
    )
    return acceptances.reserve_payment(cmd, uow_of(c), CLERK)


def test_an_acceptance_is_stored_and_published_as_pinned(signed):
    a = accept(signed)
    assert a["result"] == "passed" and a["members"] == ["head"] and a["amount"] == "25200.00"
    event = uow_of(signed).published[-1]
    assert event.type == "contract.acceptance_recorded"
    assert event.payload["contract_no"] == signed["no"] and event.payload["milestone_no"] == 2
    assert event.payload["budget_line_id"] == "L1" and event.payload["acceptor"] == "head"
    listed = acceptances.list_acceptances(commands.ContractId(contract_id=signed["id"]), uow_of(signed), HEAD)
    assert [x["id"] for x in listed["items"]] == [a["id"]]


def test_an_acceptance_carries_its_own_attachments_under_its_contracts_data_scope(signed):
    a = accept(signed)
    with uow_of(signed) as u:
        owner = acceptances.acceptance_owner(u, HEAD, a["id"])
    assert (owner.document_type, owner.document_id, owner.unit) == ("acceptance", a["id"], "dzb")
    assert owner.document == {"type": "acceptance", "id": a["id"], "no": signed["no"]}
    report = {"sha256": "ab" * 32, "filename": "验收报告.pdf"}
    uow_of(signed).attachments.files[("acceptance", a["id"])] = [report]
    listed = acceptances.list_acceptances(commands.ContractId(contract_id=signed["id"]), uow_of(signed), HEAD)
    assert [x["attachments"] for x in listed["items"]] == [[report]]
    # another unit's clerk, like a made-up id, learns nothing: 404 naming only the acceptance
    for who, acceptance_id in ((OTHER_CLERK, a["id"]), (HEAD, str(uuid.uuid4())), (HEAD, "not-an-id")):
        with uow_of(signed) as u:
            error = refusal(lambda who=who, i=acceptance_id: acceptances.acceptance_owner(u, who, i))
        assert (error.code, error.status) == ("acceptance_not_found", 404) and signed["id"] not in str(error.details)


def test_the_drafter_is_refused_by_the_conflict_matrix_and_nothing_is_stored(signed):
    error = refusal(lambda: accept(signed, who=CLERK, members=["clerk"]))
    assert error.code == "sod_incompatible_roles" and error.details["rule"] in (
        "acceptor/drafter",
        "acceptor/purchaser",
    )
    assert uow_of(signed).acceptances.records == []


def test_the_milestone_is_not_paid_before_acceptance_nor_after_a_failed_one(signed):
    assert refusal(lambda: reserve(signed, "100.00")).code == "payment_condition_not_met"
    accept(signed, result="failed", findings="不合格")
    assert refusal(lambda: reserve(signed, "100.00")).code == "acceptance_failed"


def test_reservations_count_against_the_milestone_and_a_release_gives_back(signed):
    accept(signed)
    first = payment(1)
    assert reserve(signed, "25000.00", doc=first)["paid_or_reserved"] == "25000.00"
    assert refusal(lambda: reserve(signed, "200.01")).code == "payment_exceeds_milestone"
    again = reserve(signed, "25000.00", doc=first)  # a retry reserves once
    assert again["payment_status"] == "reserved" and len(uow_of(signed).acceptances.ledger) == 1
    release = commands.ReleasePayment.parse({"contract_id": signed["id"], "payment": first})
    acceptances.release_payment(release, uow_of(signed), CLERK)
    reserve(signed, "25200.00")


def test_settling_checks_again_marks_paid_and_completes_a_contract_paid_in_full(signed):
    accept(signed)
    one, two = payment(1), payment(2)
    reserve(signed, "10800.00", milestone=1, doc=one)
    reserve(signed, "25200.00", doc=two)
    for doc in (one, two):
        cmd = commands.SettlePayment.parse(
            {"contract_id": signed["id"], "payment": doc, "paid_on": TODAY, "reference": "B-1"}
        )
        acceptances.settle_payment(cmd, uow_of(signed), CLERK)
    assert uow_of(signed).contracts.rows[signed["id"]].status.value == "completed"
    assert uow_of(signed).published[-1].type == "contract.completed"


def test_beyond_a_termination_settlement_is_beyond_the_contract(signed):
    accept(signed)
    reserve(signed, "10800.00", milestone=1)
    cmd = commands.TerminateContract.parse(
        {
            "contract_id": signed["id"],
            "kind": "termination",
            "terminated_on": TODAY,
            "reason": "提前终止",
            "settlement_amount": "30000.00",
        }
    )
    changes.terminate_contract(cmd, uow_of(signed), CLERK, FakeBudget())
    error = refusal(lambda: reserve(signed, "25200.00"))
    assert error.code == "payment_exceeds_contract" and "30000.00" in error.message
    reserve(signed, "19200.00")
    low = cmd.model_copy(update={"settlement_amount": None})
    assert refusal(lambda: changes.terminate_contract(low, uow_of(signed), CLERK, FakeBudget())).code
