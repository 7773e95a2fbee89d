"""One basis, one contract: an award, or an approved matter application, carries at most one live contract. A
contract holds it from drafting to the end of its life (terminated included); rejected, cancelled (作废) or
withdrawn gives it back, and a withdrawn contract submitted again claims it anew."""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from ic_platform.errors import DomainError
from services.contract.adapters import orm
from services.contract.domain.contract import FREES_BASIS, BasisHolder, Status
from services.contract.domain.events import ContractCancelled
from services.contract.service_layer import changes, commands, handlers
from tests.unit.contract.factories import POLICY, contract, matter, refusal, signed
from tests.unit.contract.fakes import FakeBudget
from tests.unit.contract.test_service_layer import (
    CLERK,
    PAYMENT,
    PROCUREMENT,
    approval,
    direct_cmd,
    draft_cmd,
    hear,
    matter_payment,
    signed_contract,
)

OTHER = BasisHolder("c0", "HT-2026-000099", Status.SIGNED)


def draft(u, cmd=None, payment=PAYMENT):
    return handlers.draft_contract(cmd or draft_cmd(), u, CLERK, PROCUREMENT, payment)


def cancel(u, c, reason="供应商放弃签约", who=CLERK):
    return handlers.cancel_contract(commands.CancelContract(contract_id=c["id"], reason=reason), u, who)


def submit(u, c):
    return handlers.submit_contract(commands.ContractId(contract_id=c["id"]), u, CLERK)


def error_of(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


# ── the domain rule ──
def test_a_second_contract_on_an_award_is_refused_naming_the_rule_and_the_first():
    error = refusal(contract, basis_taken_by=OTHER)
    assert (error.code, error.http_status) == ("basis_already_contracted", 409)
    assert error.message.startswith("一项中标（成交）结果或事前申请只能订立一份合同")
    assert "HT-2026-000099" in error.message and "履行中" in error.message
    assert error.details["contract_no"] == "HT-2026-000099" and error.details["basis_type"] == "award"
    assert error.details["basis_id"] == "w1"


def test_a_second_contract_on_a_matter_application_is_refused_too():
    error = refusal(contract, "30000.00", basis=matter(), basis_taken_by=OTHER)
    assert error.code == "basis_already_contracted" and "事前申请 SQ-2026-000001" in error.message
    assert (error.details["basis_type"], error.details["basis_id"]) == ("matter_application", "m1")


def test_the_rules_about_the_contract_itself_come_before_the_basis_being_taken():
    # Another supplier on a taken award is told it is the wrong supplier: no other contract would fix that.
    assert refusal(contract, "100000.01", award_amount="100000.00", basis_taken_by=OTHER).code == (
        "contract_amount_exceeds_award"
    )


def test_which_statuses_hold_the_basis():
    holding = {s for s in Status if s.holds_basis}
    assert FREES_BASIS == {Status.WITHDRAWN, Status.REJECTED, Status.CANCELLED}
    assert holding == set(Status) - FREES_BASIS
    assert Status.TERMINATED in holding and Status.COMPLETED in holding, "a contract signed on it used the award"


def test_the_database_indexes_name_exactly_the_statuses_that_free_a_basis():
    migration = importlib.import_module("services.contract.migrations.versions.0006_basis_progress")
    assert migration.HOLDS_BASIS == orm.HOLDS_BASIS == "status NOT IN ('cancelled', 'rejected', 'withdrawn')"
    indexes = {i.name: i for i in orm.contract.indexes}
    for name in orm.BASIS_INDEXES:
        assert indexes[name].unique and orm.HOLDS_BASIS in str(indexes[name].dialect_options["postgresql"]["where"])


def test_a_withdrawn_contract_submitted_again_claims_its_basis_anew():
    c = contract()
    c.submit("clerk", POLICY)
    c.withdraw("撤回修改")
    error = refusal(c.submit, "clerk", POLICY, OTHER)
    assert error.code == "basis_already_contracted" and c.status is Status.WITHDRAWN
    c.submit("clerk", POLICY, BasisHolder(c.id, c.no, Status.WITHDRAWN))  # itself is no other contract
    assert c.status is Status.SUBMITTED and c.round == 2


def test_the_drafter_cancels_a_contract_never_signed_with_a_reason():
    c = contract()
    assert error_of(lambda: c.cancel("head", "不签了")).code == "not_drafter"
    blank = error_of(lambda: c.cancel("clerk", "  "))
    assert (blank.code, blank.http_status) == ("contract_cancel_reason_required", 422)
    assert blank.details["fields"][0]["field"] == "reason"
    assert c.cancel("clerk", "供应商放弃签约") is True
    assert c.status is Status.CANCELLED and c.status_reason == "供应商放弃签约"
    event = c.events[-1]
    assert isinstance(event, ContractCancelled) and event.previous_status == "draft"
    assert event.payload()["basis"]["award_id"] == "w1"
    assert c.cancel("clerk", "again") is False and len(c.events) == 1, "asked again: nothing more"


def test_a_contract_in_its_route_or_signed_is_not_cancelled():
    submitted = contract()
    submitted.submit("clerk", POLICY)
    assert refusal(submitted.cancel, "clerk", "不签了").code == "contract_not_cancellable"
    done = signed()
    error = refusal(done.cancel, "clerk", "不签了")
    assert error.code == "contract_not_cancellable" and "履行中" in error.message
    returned = contract()
    returned.submit("clerk", POLICY)
    returned.return_("请修改")
    assert returned.cancel("clerk", "不再签订") is True


# ── through the service layer (the fake repository refuses as the partial unique index does) ──
def test_a_second_draft_on_the_same_award_is_refused_and_nothing_is_stored(uow):
    first = draft(uow)
    published = len(uow.published)
    error = error_of(lambda: draft(uow))
    assert error.code == "basis_already_contracted" and first["no"] in error.message
    assert list(uow.contracts.rows) == [first["id"]] and len(uow.published) == published


def test_a_second_direct_contract_on_the_same_matter_application_is_refused(uow):
    payment = matter_payment()
    first = draft(uow, direct_cmd(), payment)
    error = error_of(lambda: draft(uow, direct_cmd("5000.00"), payment))
    assert error.code == "basis_already_contracted" and error.details["contract_no"] == first["no"]


def test_a_cancelled_draft_frees_the_award_for_a_new_contract(uow):
    first = draft(uow)
    cancelled = cancel(uow, first)
    assert cancelled["status"] == "cancelled" and cancelled["status_label"] == "已作废"
    event = uow.published[-1]
    assert event.type == "contract.cancelled" and event.payload["reason"] == "供应商放弃签约"
    assert cancel(uow, first)["status"] == "cancelled" and uow.published[-1] is event, "a retry publishes nothing"
    assert draft(uow)["status"] == "draft"


def test_a_rejected_contract_frees_the_award_and_a_withdrawn_one_too_until_it_claims_it_again(uow):
    rejected = draft(uow)
    submit(uow, rejected)
    hear(uow, approval("approval.completed", rejected["document"], outcome="rejected"))
    withdrawn = draft(uow)
    submit(uow, withdrawn)
    hear(uow, approval("approval.withdrawn", withdrawn["document"]))
    assert uow.contracts.rows[withdrawn["id"]].status is Status.WITHDRAWN
    third = draft(uow)
    error = error_of(lambda: submit(uow, withdrawn))
    assert error.code == "basis_already_contracted" and error.details["contract_no"] == third["no"]
    assert uow.contracts.rows[withdrawn["id"]].status is Status.WITHDRAWN, "refused: nothing changed"
    cancel(uow, third)
    assert submit(uow, withdrawn)["status"] == "submitted"


def test_a_terminated_contract_keeps_its_award(uow):
    c = signed_contract(uow)
    end = {"contract_id": c["id"], "kind": "rescission", "terminated_on": date.today().isoformat(), "reason": "违约"}
    changes.terminate_contract(commands.TerminateContract.parse(end), uow, CLERK, FakeBudget())
    assert uow.contracts.rows[c["id"]].status is Status.TERMINATED
    assert error_of(lambda: draft(uow)).code == "basis_already_contracted"
