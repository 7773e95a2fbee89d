"""Payment execution and the approval events through the service layer, with fakes: the cashier who approved is
refused before any money moves; execution moves the budget to actual from the contract, settles the contract's
ledger and publishes `payment.payment_executed` as pinned; a rejection gives back the invoices and marks the
contract reservation for release."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.payment.domain import payment_request as pr
from services.payment.service_layer import payment_commands as commands
from services.payment.service_layer import payments

CODE = "91350100M000100Y43"
PID = "0f0e0d0c-0b0a-4908-8706-050403020100"
CID = "1f0e0d0c-0b0a-4908-8706-050403020100"


class FakePayments:
    def __init__(self, p: pr.PaymentRequest):
        self.p, self.saved = p, []

    def get(self, payment_id: str, *, for_update: bool = False) -> pr.PaymentRequest | None:
        return self.p if payment_id == self.p.id else None

    def save(self, p: pr.PaymentRequest, **extra: Any) -> None:
        self.saved.append(extra)


class FakeInvoices:
    def __init__(self):
        self.released = []

    def release(self, document, reason):
        self.released.append((document["id"], reason))
        return []


class FakeDesk:
    def holds(self, *args: Any) -> bool:
        return False


class FakeUow:
    def __init__(self, p):
        self.payments, self.invoices, self.desk, self.events = FakePayments(p), FakeInvoices(), FakeDesk(), []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        return None

    def publish(self, envelope: Envelope) -> None:
        catalogue.validate(envelope.as_dict())
        self.events.append(envelope)


class Recorder:
    def __init__(self, answers: dict[str, Any] | None = None):
        self.calls, self.answers = [], answers or {}

    def __getattr__(self, name):
        def call(**kwargs):
            self.calls.append((name, kwargs))
            return self.answers.get(name, {})

        return call


def request(status=pr.Status.APPROVED) -> pr.PaymentRequest:
    return pr.PaymentRequest(
        id=PID,
        no="FK-2026-000001",
        org="xinqiao",
        unit="dzb",
        requester="clerk",
        title="验收款",
        amount=D("23400.00"),
        budget_line_id="L1",
        basis=pr.Basis.CONTRACT_MILESTONE,
        basis_id=CID,
        basis_no="HT-2026-000001",
        payee=pr.Payee("新桥", CODE, "6222020200112233445"),
        invoices=[pr.InvoiceFacts("26442000000123456789", "26442000000123456789", D("23400.00"), CODE)],
        contract_id=CID,
        milestone_no=2,
        supplier_id="s1",
        status=status,
        approvers=["head", "finance"],
        fiscal_year=2026,
        economic_class="30201",
    )


def ctx(username, roles):
    return CallContext(org="xinqiao", actor=username, viewer=Viewer.of(username, "czb", roles))


def services():
    supplier = {"id": "s1", "name": "新桥", "credit_code": CODE, "accounts": [{"account_no": "6222020200112233445"}]}
    return (
        Recorder(),
        Recorder({"get_supplier": supplier}),
        Recorder({"check_funds": {"allowed": True, "fiscal_year": 2026, "economic_class": "30201"}}),
    )


def execute(uow, who):
    contract, procurement, budget = services()
    cmd = commands.ExecutePayment.parse({"payment_id": PID, "reference": "ICBC-1", "executed_on": "2026-05-12"})
    return payments.execute_payment(cmd, uow, who, contract, procurement, budget), contract, budget


def test_an_approver_who_is_a_cashier_is_refused_before_any_money_moves():
    uow = FakeUow(request())
    contract, procurement, budget = services()
    cmd = commands.ExecutePayment.parse({"payment_id": PID, "reference": "ICBC-1"})
    with pytest.raises(DomainError) as caught:
        payments.execute_payment(
            cmd, uow, ctx("finance", ["finance_reviewer", "cashier"]), contract, procurement, budget
        )
    assert caught.value.details["rule"] == "payment_approver/payment_executor"
    assert contract.calls == [] and budget.calls == [] and uow.events == []


def test_the_cashier_moves_the_budget_to_actual_from_the_contract_and_settles_its_ledger():
    uow = FakeUow(request())
    result, contract, budget = execute(uow, ctx("cashier", ["cashier"]))
    assert result["status"] == "executed" and result["reference"] == "ICBC-1"
    actual = next(kw for name, kw in budget.calls if name == "actual")
    assert actual["from_document"] == {"type": "contract", "id": CID, "no": "HT-2026-000001"}
    assert (actual["amount"], actual["step"]) == ("23400.00", "pay")
    assert [name for name, kw in contract.calls] == ["settle_payment", "settle_payment"]
    assert contract.calls[0][1]["dry_run"] is True and "dry_run" not in contract.calls[1][1]
    event = uow.events[-1]
    assert event.type == "payment.payment_executed" and event.payload["approvers"] == ["head", "finance"]
    assert event.payload["executed_on"] == "2026-05-12" and event.payload["executor"] == "cashier"


def test_a_request_not_approved_is_not_paid():
    uow = FakeUow(request(pr.Status.SUBMITTED))
    with pytest.raises(DomainError) as caught:
        execute(uow, ctx("cashier", ["cashier"]))
    assert caught.value.code == "payment_not_approved"


def approval(type_, **payload):
    document = {"type": "payment_request", "id": PID, "no": "FK-2026-000001"}
    return Envelope(type=type_, org="xinqiao", producer="approval", payload={"document": document, **payload})


def test_approvers_are_heard_and_a_rejection_gives_back_invoices_and_the_reservation():
    p = request(pr.Status.SUBMITTED)
    p.approvers = []
    uow = FakeUow(p)
    payments.on_step_decided(approval("approval.step_decided", decision="approved", decided_by="head"), uow)
    payments.on_step_decided(approval("approval.step_decided", decision="rejected", decided_by="x"), uow)
    assert p.approvers == ["head"]
    payments.on_approval_completed(approval("approval.completed", outcome="rejected", reason="依据不足"), uow)
    assert p.status is pr.Status.REJECTED and uow.payments.saved[-1] == {"reservation": "releasing"}
    assert uow.invoices.released and "依据不足" in uow.invoices.released[0][1]
