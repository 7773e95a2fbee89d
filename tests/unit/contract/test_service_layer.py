"""The contract service layer with an in-memory unit of work and budget: what is stored, published and asked
of the budget, and what is refused (with its rule) before anything moves."""

from __future__ import annotations

import pytest

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError, NotFound
from ic_platform.identity import Viewer
from services.contract.service_layer import changes, commands, handlers
from tests.unit.contract.fakes import FakeBudget, FakePayment, FakeProcurement, FakeUnitOfWork

ORG = "xinqiao"
AWARD = "6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f"
SUPPLIER = "7a6b5c4d-3e2f-4a1b-8c0d-9e8f7a6b5c4d"
HOLDER = {"type": "matter_application", "id": "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10", "no": "SQ-2026-000001"}
CLERK = CallContext(org=ORG, actor="clerk", viewer=Viewer.of("clerk", "dzb", ["clerk"]))
PROCUREMENT = FakeProcurement()
PAYMENT = FakePayment()
OTHER_CLERK = CallContext(org=ORG, actor="clerk_djb", viewer=Viewer.of("clerk_djb", "djb", ["clerk"]))


def award_event(amount="36000.00", notice="2026-03-02") -> Envelope:
    return Envelope(
        type="procurement.award_decided",
        org=ORG,
        producer="procurement",
        payload={
            "document": HOLDER,
            "award_id": AWARD,
            "unit": "dzb",
            "supplier_id": SUPPLIER,
            "supplier_name": "新桥办公设备有限公司",
            "credit_code": "91110108MA01ABCD2X",
            "amount": amount,
            "budget_amount": "40000.00",
            "method": "request_for_quotation",
            "category": "goods",
            "decided_on": notice,
            "notice_date": notice,
            "tender_id": None,
            "justification": None,
            "flags": [],
            "budget_line_id": "L1",
            "pre_commitment_holder": HOLDER,
        },
    )


def approval(type_, document, outcome="approved") -> Envelope:
    payload = {"document": document, "outcome": outcome} if type_ == "approval.completed" else {"document": document}
    if type_ != "approval.completed":
        payload["reason"] = "请补充"
    return Envelope(type=type_, org=ORG, producer="approval", payload=payload)


def draft_cmd(**kw) -> commands.DraftContract:
    data = {
        "award_id": AWARD,
        "title": "办公设备采购合同",
        "supplier_id": SUPPLIER,
        "amount": "36000.00",
        "start_date": "2026-03-10",
        "end_date": "2026-12-31",
        "purchaser": "clerk",
        "unit": "dzb",
        "milestones": [
            {"name": "预付款", "condition": "on_signing", "share": "30"},
            {"name": "验收款", "condition": "on_acceptance", "share": "70"},
        ],
        **kw,
    }
    return commands.DraftContract.parse(data)


def hear(uow, event):
    with uow:
        for handler in handlers.EVENT_HANDLERS[event.type]:
            if handler.__module__.startswith("services.contract"):
                handler(event, uow)
        uow.commit()


def approved_contract(uow) -> dict:
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    hear(uow, approval("approval.completed", c["document"]))
    return c


def signed_contract(uow, budget=None) -> dict:
    c = approved_contract(uow)
    cmd = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    return handlers.sign_contract(cmd, uow, CLERK, budget or FakeBudget(), PROCUREMENT)


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_drafting_on_the_award_stores_and_publishes_contract_drafted(uow):
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    assert c["status"] == "draft" and c["supplier"]["name"] == "新桥办公设备有限公司"
    assert [m["amount"] for m in c["milestones"]] == ["10800.00", "25200.00"]
    assert uow.types()[-1] == "contract.drafted"


def test_another_supplier_than_the_award_is_refused_and_nothing_is_stored(uow):
    error = refusal(
        lambda: handlers.draft_contract(draft_cmd(supplier_id="someone-else"), uow, CLERK, PROCUREMENT, PAYMENT)
    )
    assert error.code == "contract_supplier_not_awarded"
    assert error.message.startswith("合同相对方须为中标（成交）供应商")
    assert uow.contracts.rows == {} and uow.published == []


def test_an_amount_above_the_award_and_terms_not_adding_up_are_refused(uow):
    assert refusal(
        lambda: handlers.draft_contract(draft_cmd(amount="36000.01"), uow, CLERK, PROCUREMENT, PAYMENT)
    ).code == ("contract_amount_exceeds_award")
    terms = [{"name": "全款", "condition": "on_acceptance", "amount": "30000.00"}]
    assert refusal(
        lambda: handlers.draft_contract(draft_cmd(milestones=terms), uow, CLERK, PROCUREMENT, PAYMENT)
    ).code == ("terms_do_not_add_up")


def test_an_award_not_heard_is_a_422_naming_award_id(uow):
    error = refusal(lambda: handlers.draft_contract(draft_cmd(award_id=SUPPLIER), uow, CLERK, PROCUREMENT, PAYMENT))
    assert error.status == 422 and error.details["fields"][0]["field"] == "award_id"


def test_a_retried_key_answers_the_same_contract():
    u = FakeUnitOfWork()
    hear(u, award_event())
    keyed = CallContext(org=ORG, actor="clerk", idempotency_key="k1", viewer=CLERK.viewer)
    first = handlers.draft_contract(draft_cmd(), u, keyed, PROCUREMENT, PAYMENT)
    assert handlers.draft_contract(draft_cmd(), u, keyed, PROCUREMENT, PAYMENT) == first
    assert len(u.contracts.rows) == 1


def test_submission_is_an_approval_request_with_routing(uow):
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    submitted = uow.published[-1]
    assert submitted.type == "contract.submitted"
    assert submitted.payload["applicant"] == "clerk" and submitted.payload["routing"]["legal_review"] is False


def test_signing_before_approval_or_before_the_award_moves_no_money(uow):
    budget = FakeBudget()
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    sign = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    assert (
        refusal(lambda: handlers.sign_contract(sign, uow, CLERK, budget, PROCUREMENT)).code == "contract_not_approved"
    )
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    hear(uow, approval("approval.completed", c["document"]))
    early = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-01"})
    assert (
        refusal(lambda: handlers.sign_contract(early, uow, CLERK, budget, PROCUREMENT)).code
        == "contract_signed_before_award"
    )
    assert budget.calls == []


def test_signing_commits_from_the_holder_and_releases_the_difference(uow):
    budget = FakeBudget()
    signed = signed_contract(uow, budget)
    assert signed["status"] == "signed"
    ((commit_name, commit),) = budget.calls  # one budget move: taken over, and the rest released
    assert commit_name == "commit" and commit["amount"] == "36000.00" and commit["from_document"] == HOLDER
    assert commit["release_rest"]
    event = uow.published[-1]
    assert event.type == "contract.signed"
    assert event.payload["budget"] == {
        "budget_line_id": "L1",
        "commit": "36000.00",
        "from_document": HOLDER,
        "release": "4000.00",
    }
    # A retry after success repeats no budget move.
    again = commands.SignContract.parse({"contract_id": signed["id"], "signed_on": "2026-03-10"})
    handlers.sign_contract(again, uow, CLERK, budget, PROCUREMENT)
    assert len(budget.calls) == 1


def test_a_budget_refusal_leaves_the_contract_approved(uow):
    c = approved_contract(uow)
    cmd = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    assert refusal(lambda: handlers.sign_contract(cmd, uow, CLERK, FakeBudget(refuse="commit"), PROCUREMENT)).code == (
        "insufficient_funds"
    )
    assert uow.contracts.rows[c["id"]].status.value == "approved"


def test_amendment_within_ten_percent_applies_on_approval_and_the_budget_follows(uow):
    c = signed_contract(uow)
    propose = commands.ProposeAmendment.parse({"contract_id": c["id"], "reason": "增加打印机", "amount": "39600.00"})
    amendment = changes.propose_amendment(propose, uow, CLERK)
    assert amendment["delta"] == "3600.00" and uow.published[-1].type == "contract.amendment_submitted"
    document = {"type": "contract_amendment", "id": amendment["id"], "no": amendment["no"]}
    hear(uow, approval("approval.completed", document))
    assert uow.published[-1].type == "contract.amended"
    assert uow.contracts.rows[c["id"]].amount == uow.contracts.rows[c["id"]].original_amount + 3600
    budget = FakeBudget()
    assert changes.settle_amendment_budgets(uow, budget) == 1
    assert budget.calls[0][0] == "commit" and budget.calls[0][1]["amount"] == "3600.00"
    assert changes.settle_amendment_budgets(uow, budget) == 0, "settled once"


def test_amendment_beyond_ten_percent_is_refused_with_the_rule(uow):
    c = signed_contract(uow)
    propose = commands.ProposeAmendment.parse({"contract_id": c["id"], "reason": "追加", "amount": "39600.01"})
    error = refusal(lambda: changes.propose_amendment(propose, uow, CLERK))
    assert error.code == "supplementary_exceeds_limit" and "政府采购法第四十九条" in error.message


def test_a_returned_amendment_ends_so_another_can_be_proposed(uow):
    c = signed_contract(uow)
    propose = commands.ProposeAmendment.parse({"contract_id": c["id"], "reason": "延期", "end_date": "2027-01-31"})
    amendment = changes.propose_amendment(propose, uow, CLERK)
    hear(uow, approval("approval.returned", {"type": "contract_amendment", "id": amendment["id"]}))
    assert uow.published[-1].type == "contract.amendment_rejected"
    again = commands.ProposeAmendment.parse({"contract_id": c["id"], "reason": "延期", "end_date": "2027-02-28"})
    assert changes.propose_amendment(again, uow, CLERK)["status"] == "submitted"


def test_termination_relieves_the_uncommitted_remainder(uow):
    c = signed_contract(uow)
    budget = FakeBudget()
    cmd = commands.TerminateContract.parse(
        {"contract_id": c["id"], "kind": "rescission", "terminated_on": "2026-06-30", "reason": "供应商违约"}
    )
    result = changes.terminate_contract(cmd, uow, CLERK, budget)
    assert result["status"] == "terminated" and result["settlement_amount"] == "0.00"
    assert budget.calls == [
        (
            "relieve",
            {
                "budget_line_id": "L1",
                "amount": "36000.00",
                "document": {"type": "contract", "id": c["id"], "no": c["no"]},
                "step": "terminate",
                "reason": f"合同 {c['no']} 解除（终止），解除剩余占用",
            },
        )
    ]
    assert uow.published[-1].type == "contract.terminated"


def test_another_units_clerk_gets_not_found_and_an_empty_list(uow):
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    with pytest.raises(NotFound):
        handlers.get_contract(commands.ContractId(contract_id=c["id"]), uow, OTHER_CLERK)
    with pytest.raises(NotFound):
        handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, OTHER_CLERK)
    assert handlers.list_contracts(commands.ListContracts(), uow, OTHER_CLERK)["total"] == 0
    assert handlers.list_contracts(commands.ListContracts(page_size=1), uow, CLERK)["total"] == 1


def test_bad_input_names_the_field():
    with pytest.raises(DomainError) as caught:
        commands.SignContract.parse({"contract_id": "x", "signed_on": "3月10日"})
    assert caught.value.status == 422 and caught.value.details["fields"][0]["field"] == "signed_on"


def test_a_returned_contract_goes_back_as_a_new_round(uow):
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, PROCUREMENT, PAYMENT)
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    hear(uow, approval("approval.returned", c["document"]))
    assert uow.contracts.rows[c["id"]].status.value == "returned"
    again = handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    assert again["status"] == "submitted" and again["round"] == 2
    assert uow.published[-1].type == "contract.resubmitted"


MATTER_ID = "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a11"


def matter_payment(amount="45000.00", status="approved", unit="dzb") -> FakePayment:
    view = {"id": MATTER_ID, "no": "SQ-2026-000009", "status": status, "unit": unit, "amount": amount}
    return FakePayment({MATTER_ID: {**view, "budget_line_id": "L9"}})


def direct_cmd(amount="40000.00", **kw):
    return draft_cmd(award_id=None, matter_application_id=MATTER_ID, amount=amount, **kw)


def test_a_contract_below_the_direct_amount_stands_on_the_approved_matter_application(uow):
    c = handlers.draft_contract(direct_cmd(), uow, CLERK, PROCUREMENT, matter_payment())
    assert c["basis"] == {
        "type": "matter_application",
        "application": {"type": "matter_application", "id": MATTER_ID, "no": "SQ-2026-000009"},
        "amount": "45000.00",
    }
    assert c["budget_line_id"] == "L9"
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    assert uow.published[-1].payload["routing"]["basis"] == "matter_application"
    hear(uow, approval("approval.completed", c["document"]))
    budget = FakeBudget()
    sign = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    assert handlers.sign_contract(sign, uow, CLERK, budget, PROCUREMENT)["status"] == "signed"
    commit = dict(budget.calls)["commit"]
    assert (commit["budget_line_id"], commit["amount"], commit["from_document"]["id"]) == ("L9", "40000.00", MATTER_ID)
    assert uow.published[-1].payload["award_id"] is None


def test_without_procurement_at_or_above_the_direct_amount_is_refused(uow):
    payment = matter_payment("80000.00")
    error = refusal(lambda: handlers.draft_contract(direct_cmd("50000.00"), uow, CLERK, PROCUREMENT, payment))
    assert error.code == "contract_requires_procurement" and error.details["limit"] == "50000.00"
    assert uow.contracts.rows == {} and uow.published == []
    unapproved = matter_payment(status="submitted")
    assert refusal(lambda: handlers.draft_contract(direct_cmd(), uow, CLERK, PROCUREMENT, unapproved)).code == (
        "application_not_approved"
    )


def test_a_matter_application_funding_a_procurement_carries_no_direct_contract(uow):
    """Its pre-commitment was taken over by the procurement application: the contract stands on that award."""
    registry = FakeProcurement(funding={MATTER_ID: "CG-2026-000004"})
    error = refusal(lambda: handlers.draft_contract(direct_cmd(), uow, CLERK, registry, matter_payment()))
    assert (error.code, error.status) == ("matter_application_funds_procurement", 409)
    assert "CG-2026-000004" in error.message and error.details["procurement_application_no"] == "CG-2026-000004"
    assert uow.contracts.rows == {} and uow.published == []


def test_the_basis_is_one_of_award_or_matter_application(uow):
    both = draft_cmd(matter_application_id=MATTER_ID)
    error = refusal(lambda: handlers.draft_contract(both, uow, CLERK, PROCUREMENT, matter_payment()))
    assert (error.code, error.status) == ("contract_basis_missing", 422)
    neither = draft_cmd(award_id=None)
    assert refusal(lambda: handlers.draft_contract(neither, uow, CLERK, PROCUREMENT, PAYMENT)).status == 422


def test_the_suppliers_registrar_is_a_party_of_the_signing_route(uow):
    registry = FakeProcurement(registrar="finance1")
    c = handlers.draft_contract(draft_cmd(), uow, CLERK, registry, PAYMENT)
    assert registry.asked and registry.asked[0][0] == SUPPLIER
    handlers.submit_contract(commands.ContractId(contract_id=c["id"]), uow, CLERK)
    assert uow.published[-1].payload["parties"] == {
        "drafter": "clerk",
        "purchaser": "clerk",
        "supplier_registrar": "finance1",
    }


def test_a_supplier_blacklisted_on_the_day_is_refused_at_drafting_and_at_signing(uow):
    blacklisted = FakeProcurement({SUPPLIER: ("blacklisted", "提供虚假材料")})
    error = refusal(lambda: handlers.draft_contract(draft_cmd(), uow, CLERK, blacklisted, PAYMENT))
    assert error.code == "supplier_not_in_good_standing" and "提供虚假材料" in error.message
    c = approved_contract(uow)
    budget = FakeBudget()
    sign = commands.SignContract.parse({"contract_id": c["id"], "signed_on": "2026-03-10"})
    suspended = FakeProcurement({SUPPLIER: ("suspended", "合同履约纠纷")})
    error = refusal(lambda: handlers.sign_contract(sign, uow, CLERK, budget, suspended))
    assert error.code == "supplier_not_in_good_standing" and suspended.asked == [(SUPPLIER, "2026-03-10")]
    assert budget.calls == [], "refused before any money moves"
