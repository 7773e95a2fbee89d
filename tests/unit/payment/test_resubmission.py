"""Returned expense claims and payment requests, corrected and resubmitted (退回后修改重新提交), with fakes: who may
resubmit what, the next round, what a returned request keeps, the whole gate again for a payment request (its
contract reservation given back and taken afresh, a refusal leaving it returned), the standards and the budget
again for a claim (a standalone one whose amount changed gives back its old reservation and reserves anew)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, DomainError, Forbidden
from ic_platform.identity import Viewer
from services.payment.domain import payment_request as pr
from services.payment.domain.claims import ClaimKind, ClaimStatus, Correction, ExpenseClaim
from services.payment.service_layer import claim_commands, claims, payments
from services.payment.service_layer import payment_commands as commands
from tests.unit.payment.test_payments_service import CID, CODE, PID, Recorder, request

CLAIM_ID = "2f0e0d0c-0b0a-4908-8706-050403020100"
CLERK = CallContext(org="xinqiao", actor="clerk", viewer=Viewer.of("clerk", "dzb", ["clerk"]))
HEAD = CallContext(org="xinqiao", actor="head", viewer=Viewer.of("head", "dzb", ["unit_head"]))
KEY = "26442000000123456780"
OTHER = {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "300.00"}]}


# ── the domain ──
def claim(**kw) -> ExpenseClaim:
    base = dict(
        id=CLAIM_ID,
        no="BX-2026-000001",
        org="xinqiao",
        unit="dzb",
        claimant="clerk",
        title="办公用品",
        kind=ClaimKind.OTHER,
        budget_line_id="L1",
        amount=D("300.00"),
        detail=OTHER,
        invoices=[{"key": KEY, "number": KEY, "amount": "300.00"}],
        status=ClaimStatus.RETURNED,
    )
    return ExpenseClaim(**{**base, **kw})


def correction(amount: str = "300.00") -> Correction:
    return Correction("办公用品（已更正）", OTHER, D(amount), [], [{"key": KEY, "number": KEY, "amount": amount}])


def test_only_the_claimant_resubmits_and_only_a_returned_claim():
    with pytest.raises(Forbidden) as err:
        claim().resubmit("head", correction())
    assert err.value.code == "expense_claim_not_claimant"
    for status in (ClaimStatus.SUBMITTED, ClaimStatus.WITHDRAWN, ClaimStatus.APPROVED, ClaimStatus.CANCELLED):
        with pytest.raises(Conflict) as err:
            claim(status=status).resubmit("clerk", correction())
        assert err.value.code == "expense_claim_not_returned"
        assert "只有被退回的报销单可以修改后重新提交" in err.value.message


def test_a_corrected_claim_is_the_next_round_and_a_standalone_one_reserves_a_changed_amount_anew():
    on_application = claim(application_id="a1", application_no="SQ-2026-000001")
    assert on_application.resubmit("clerk", correction("250.00")) is False  # the application's money covers it
    assert (on_application.status, on_application.round, on_application.amount) == (
        ClaimStatus.SUBMITTED,
        2,
        D("250.00"),
    )
    same = claim()
    assert same.resubmit("clerk", correction("300.00")) is False and same.status is ClaimStatus.SUBMITTED
    changed = claim()
    assert changed.resubmit("clerk", correction("250.00")) is True and changed.status is ClaimStatus.RESERVING
    assert (changed.release_step, changed.reserve_step) == ("resubmit:2", "submit:2")
    assert claim().reserve_step == "submit"  # the first round's step, as before rounds existed


def test_only_the_requester_resubmits_and_only_a_returned_request_naming_the_rule():
    with pytest.raises(DomainError) as err:
        request(pr.Status.RETURNED).check_resubmittable("head")
    assert (err.value.code, err.value.status) == ("payment_not_requester", 403)
    for status in (pr.Status.SUBMITTED, pr.Status.APPROVED, pr.Status.WITHDRAWN, pr.Status.EXECUTED):
        with pytest.raises(DomainError) as err:
            request(status).check_resubmittable("clerk")
        assert (err.value.code, err.value.status) == ("payment_not_returned", 409)
        assert err.value.message.startswith("只有被退回的付款申请可以修改后重新提交")


# ── payment requests through the service layer ──
class FakePayments:
    def __init__(self, p: pr.PaymentRequest):
        self.p, self.saved = p, []

    def get(self, payment_id: str, *, for_update: bool = False) -> pr.PaymentRequest | None:
        return self.p if payment_id == self.p.id else None

    def save(self, p: pr.PaymentRequest, **extra: Any) -> None:
        self.p = p
        self.saved.append((p.status, extra))


class FakeInvoices:
    def __init__(self, held: set[str]):
        self.held, self.released, self.replaced = held, [], []

    def keys_of(self, document) -> set[str]:
        return set(self.held)

    def release(self, document, reason, keep=()):
        self.released.append(reason)
        return []

    def replace(self, invoices, document, unit, reason):
        self.replaced.append([i.key.value for i in invoices])


class FakeDesk:
    def holds(self, *args: Any) -> bool:
        return False


class FakeUow:
    def __init__(self, p: pr.PaymentRequest, held: set[str]):
        self.payments, self.invoices, self.desk = FakePayments(p), FakeInvoices(held), FakeDesk()
        self.events, self.committed = [], 0

    def __enter__(self):
        self._pending = []
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self.events.extend(self._pending)
        self.committed += 1

    def publish(self, envelope: Envelope) -> None:
        catalogue.validate(envelope.as_dict())
        self._pending.append(envelope)


def returned() -> pr.PaymentRequest:
    p = request(pr.Status.RETURNED)
    p.status_reason, p.approvers = "请核对金额", ["head"]
    return p


def gate(account: str = "6222020200112233445"):
    supplier = {"id": "s1", "name": "新桥", "credit_code": CODE, "accounts": [{"account_no": account}]}
    reserved = {
        "contract": {"type": "contract", "id": CID, "no": "HT-2026-000001"},
        "unit": "dzb",
        "supplier": {"id": "s1", "name": "新桥", "credit_code": CODE},
        "budget_line_id": "L1",
    }
    return (
        Recorder({"reserve_payment": reserved}),
        Recorder({"get_supplier": supplier}),
        Recorder({"check_funds": {"allowed": True, "fiscal_year": 2026, "economic_class": "30201"}}),
    )


def resubmit(uow, body, who=CLERK, services=None):
    contract, procurement, budget = services or gate()
    cmd = commands.ResubmitPayment.parse({"payment_id": PID, **body})
    return payments.resubmit_payment(cmd, uow, who, contract, procurement, budget, reads=uow), contract


def test_a_returned_request_keeps_its_invoices_and_reservation_and_a_withdrawal_gives_them_back():
    uow = FakeUow(request(pr.Status.SUBMITTED), {"26442000000123456789"})
    document = {"type": "payment_request", "id": PID, "no": "FK-2026-000001"}
    back = Envelope(type="approval.returned", org="xinqiao", producer="approval", payload={"document": document})
    payments.on_approval_ended_without_decision(back, uow)
    assert uow.payments.p.status is pr.Status.RETURNED and uow.payments.saved == [(pr.Status.RETURNED, {})]
    assert uow.invoices.released == []  # no other document may take them while it is being corrected
    gone = Envelope(type="approval.withdrawn", org="xinqiao", producer="approval", payload={"document": document})
    payments.on_approval_ended_without_decision(gone, uow)
    assert uow.payments.saved[-1] == (pr.Status.WITHDRAWN, {"reservation": "releasing"})
    assert uow.invoices.released and "已撤回" in uow.invoices.released[0]


def test_a_resubmission_runs_the_whole_gate_again_and_is_the_next_round():
    uow = FakeUow(returned(), {"26442000000123456789"})
    result, contract = resubmit(uow, {"title": "验收款（金额更正）", "amount": "23000.00"})
    assert [name for name, _ in contract.calls] == ["release_payment", "reserve_payment"]
    assert contract.calls[1][1]["amount"] == "23000.00" and contract.calls[1][1]["milestone_no"] == 2
    assert (result["status"], result["round"], result["amount"]) == ("submitted", 2, "23000.00")
    assert uow.payments.saved[-1] == (pr.Status.SUBMITTED, {"reservation": "held"})
    assert uow.payments.p.approvers == ["head"]  # who approved a round before still may not pay it
    [event] = uow.events
    assert event.type == "payment.payment_request_resubmitted" and event.payload["round"] == 2
    assert event.payload["amount"] == "23000.00" and event.payload["invoices"][0]["key"] == "26442000000123456789"
    assert uow.invoices.replaced == []  # the invoices it kept, not listed anew


def test_a_resubmission_the_gate_refuses_leaves_it_returned_holding_nothing_against_the_contract():
    uow = FakeUow(returned(), {"26442000000123456789"})
    with pytest.raises(DomainError) as err:
        resubmit(uow, {"payee": {"name": "新桥", "credit_code": CODE, "account_no": "1"}}, services=gate())
    assert err.value.code == "bank_account_not_registered"
    assert uow.payments.p.status is pr.Status.RETURNED and uow.events == [] and uow.payments.saved == []


def test_another_person_or_a_request_not_returned_is_refused_before_the_gate_is_asked():
    uow = FakeUow(returned(), {"26442000000123456789"})
    with pytest.raises(DomainError) as err:
        resubmit(uow, {}, who=HEAD)
    assert err.value.code == "payment_not_requester"
    uow = FakeUow(request(pr.Status.SUBMITTED), {"26442000000123456789"})
    services = gate()
    with pytest.raises(DomainError) as err:
        resubmit(uow, {}, services=services)
    assert err.value.code == "payment_not_returned" and all(r.calls == [] for r in services)


def test_invoices_given_back_before_returned_requests_kept_theirs_must_be_listed_again():
    uow = FakeUow(returned(), set())
    with pytest.raises(DomainError) as err:
        resubmit(uow, {})
    assert err.value.code == "payment_invoices_released" and "26442000000123456789" in err.value.message


def test_money_and_the_basis_are_checked_as_on_submission():
    with pytest.raises(DomainError) as err:
        commands.ResubmitPayment.parse({"payment_id": PID, "amount": "-1"})
    assert err.value.details["fields"][0]["field"] == "amount"
    with pytest.raises(DomainError) as err:
        commands.ResubmitPayment.parse({"payment_id": PID, "basis": {"type": "contract_milestone", "id": CID}})
    assert err.value.details["fields"][0]["field"] == "basis"


# ── expense claims through the service layer ──
class FakeClaims:
    def __init__(self, c: ExpenseClaim):
        self.c, self.saved = c, []

    def get(self, claim_id: str, *, for_update: bool = False) -> ExpenseClaim | None:
        return self.c if claim_id == self.c.id else None

    def save_resubmission(self, c: ExpenseClaim) -> None:
        self.saved.append(("resubmission", c.status, c.amount, c.round))

    def save_status(self, c: ExpenseClaim) -> None:
        self.saved.append(("status", c.status, c.amount, c.round))


class ClaimUow(FakeUow):
    def __init__(self, c: ExpenseClaim):
        super().__init__(request(), {KEY})
        self.claims = FakeClaims(c)


class Budget(Recorder):
    def check_standard(self, **kwargs):
        raise AssertionError("an 其他 claim has no standard")


def test_a_standalone_claim_whose_amount_changed_gives_back_its_old_reservation_and_reserves_anew():
    uow, budget = ClaimUow(claim()), Budget({"reserve": {"allowed": True}})
    detail = {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "250.00"}]}
    cmd = claim_commands.ResubmitExpenseClaim.parse({"claim_id": CLAIM_ID, "detail": detail})
    result = claims.resubmit_expense_claim(cmd, uow, CLERK, budget)
    assert [(name, kw.get("step")) for name, kw in budget.calls] == [
        ("release_document", "resubmit:2"),
        ("reserve", "submit:2"),
    ]
    assert budget.calls[1][1]["amount"] == "250.00"
    assert (result["status"], result["round"], result["amount"]) == ("submitted", 2, "250.00")
    assert uow.claims.saved[0] == ("resubmission", ClaimStatus.RESERVING, D("250.00"), 2)
    [event] = uow.events
    assert event.type == "payment.expense_claim_resubmitted" and event.payload["round"] == 2


def test_a_claim_examined_again_is_refused_before_anything_is_stored():
    uow, budget = ClaimUow(claim()), Budget()
    short = {"spent_on": "2026-05-10", "items": [{"description": "打印纸", "amount": "400.00"}]}
    cmd = claim_commands.ResubmitExpenseClaim.parse({"claim_id": CLAIM_ID, "detail": short})
    with pytest.raises(DomainError) as err:  # 400.00 to be invoiced, the invoice kept covers 300.00
        claims.resubmit_expense_claim(cmd, uow, CLERK, budget)
    assert err.value.code == "expense_claim_invoices_short"
    assert uow.claims.saved == [] and budget.calls == [] and uow.events == []
