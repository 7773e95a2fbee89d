"""The posting use cases with an in-memory journal: what an acceptance and a payment of one milestone post in
either order, a payment without a contract, a redelivered payment, a late event after a month is closed, and a
reversal undoing what its original moved on the payable."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from ic_platform import catalogue
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.accounting.domain.voucher import ZERO, Kind
from services.accounting.service_layer import commands, posting

D = Decimal


class FakeJournal:
    def __init__(self):
        self.periods: dict[str, dict] = {}
        self.vouchers: list = []
        self.payables: dict[tuple, dict] = {}

    def closed_periods(self, org):
        return {p for p, row in self.periods.items() if row["status"] == "closed"}

    def lock_period(self, org, period):
        return self.periods.setdefault(period, {"status": "open", "last_seq": 0})

    def next_seq(self, org, period):
        self.periods[period]["last_seq"] += 1
        return self.periods[period]["last_seq"]

    def close(self, org, period, actor):
        self.periods[period]["status"] = "closed"

    def earliest_open_with_vouchers(self, org):
        open_ = [p for p, r in self.periods.items() if r["status"] == "open" and r["last_seq"]]
        return min(open_) if open_ else None

    def add(self, v, posted_by, event_id):
        self.vouchers.append(v)

    def exists(self, org, kind, source):
        return any(v.kind is kind and v.source.type == source.type and v.source.id == source.id for v in self.vouchers)

    def payable(self, org, contract_id, milestone_no):
        return dict(
            self.payables.setdefault((contract_id, milestone_no), {"accrued": ZERO, "paid": ZERO, "settled": ZERO})
        )

    def add_to_payable(self, org, contract_id, milestone_no, *, accrued=ZERO, paid=ZERO, settled=ZERO):
        row = self.payables[(contract_id, milestone_no)]
        row["accrued"] += accrued
        row["paid"] += paid
        row["settled"] += settled

    def get(self, org, voucher_id):
        for v in self.vouchers:
            if v.id == voucher_id:
                reversed_by = next((r.no for r in self.vouchers if r.reverses == v.id), None)
                return {
                    "id": v.id,
                    "no": v.no,
                    "kind": v.kind.value,
                    "unit": v.unit,
                    "amount": v.amount,
                    "lines": list(v.lines),
                    "budget_line_id": v.budget_line_id,
                    "fiscal_year": v.fiscal_year,
                    "contract_id": v.contract_id,
                    "milestone_no": v.milestone_no,
                    "reversed_by": reversed_by,
                    "period": v.period,
                    "voucher_date": v.voucher_date,
                    "business_date": v.business_date,
                    "source_type": v.source.type,
                    "source_id": v.source.id,
                    "source_no": v.source.no,
                    "summary": v.summary,
                    "reverses": v.reverses,
                    "posted_by": "accountant",
                }
        return None


class FakeUow:
    def __init__(self):
        self.journal = FakeJournal()
        self.published = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def publish(self, envelope):
        catalogue.validate(envelope.as_dict())
        self.published.append(envelope)

    def commit(self):
        pass

    def recall(self, *args):
        return None

    def remember(self, *args):
        pass


ACCOUNTANT = CallContext(org="xinqiao", actor="accountant", viewer=Viewer.of("accountant", "czb", ["accountant"]))


def accepted(contract_id, amount="30000.00", on="2026-06-10", result="passed"):
    return Envelope(
        type="contract.acceptance_recorded",
        org="xinqiao",
        producer="contract",
        payload={
            "acceptance_id": str(uuid.uuid4()),
            "contract_id": contract_id,
            "contract_no": "HT-2026-000001",
            "unit": "dzb",
            "milestone_no": 1,
            "result": result,
            "accepted_on": on,
            "amount": amount,
            "supplier_id": "s",
            "budget_line_id": "L1",
            "members": ["a", "b", "c"],
            "acceptor": "a",
        },
    )


def paid(contract_id, amount="30000.00", on="2026-06-15", payment_id=None, unit="dzb"):
    return Envelope(
        type="payment.payment_executed",
        org="xinqiao",
        producer="payment",
        payload={
            "payment_id": payment_id or str(uuid.uuid4()),
            "no": "FK-2026-000001",
            "unit": unit,
            "budget_line_id": "L1",
            "fiscal_year": 2026,
            "economic_class": "30201",
            "amount": amount,
            "basis": {"type": "contract_milestone", "id": "x"},
            "contract_id": contract_id,
            "milestone_no": 1 if contract_id else None,
            "supplier_id": None,
            "payee": {"name": "供应商", "credit_code": None, "account_no": "1"},
            "invoices": [],
            "executed_on": on,
            "reference": "R",
            "executor": "cashier",
            "approvers": ["head"],
        },
    )


def codes(v):
    return [(x.account_code, x.debit, x.credit) for x in v.lines]


def test_acceptance_then_payment_accrues_then_settles_the_payable():
    uow = FakeUow()
    posting.on_acceptance_recorded(accepted("C1"), uow)
    posting.on_payment_executed(paid("C1"), uow)
    accrual, payment = uow.journal.vouchers
    assert accrual.kind is Kind.ACCRUAL and codes(accrual) == [("5001", D("30000.00"), 0), ("2302", 0, D("30000.00"))]
    assert codes(payment)[0] == ("2302", D("30000.00"), 0)
    assert (accrual.no, payment.no) == ("记-2026-06-0001", "记-2026-06-0002")
    assert uow.journal.payables[("C1", 1)] == {
        "accrued": D("30000.00"),
        "paid": D("30000.00"),
        "settled": D("30000.00"),
    }
    assert [e.type for e in uow.published] == ["accounting.voucher_posted"] * 2


def test_payment_heard_before_the_acceptance_expenses_and_the_acceptance_then_accrues_nothing():
    uow = FakeUow()
    posting.on_payment_executed(paid("C1"), uow)
    posting.on_acceptance_recorded(accepted("C1"), uow)
    [payment] = uow.journal.vouchers
    assert codes(payment)[0] == ("5001", D("30000.00"), 0)


def test_a_failed_acceptance_posts_nothing_and_a_redelivered_payment_posts_once():
    uow = FakeUow()
    posting.on_acceptance_recorded(accepted("C1", result="failed"), uow)
    assert uow.journal.vouchers == []
    event = paid(None, "800.00", unit="zwzx")
    posting.on_payment_executed(event, uow)
    posting.on_payment_executed(Envelope(**{**event.__dict__, "event_id": str(uuid.uuid4())}), uow)
    [v] = uow.journal.vouchers
    assert ("7201", D("800.00"), 0) in codes(v)


def test_a_late_event_posts_into_the_next_open_month():
    uow = FakeUow()
    posting.on_payment_executed(paid(None, "10.00", on="2026-03-05"), uow)
    posting.close_period(commands.ClosePeriod(period="2026-03"), uow, ACCOUNTANT)
    posting.on_payment_executed(paid(None, "20.00", on="2026-03-25"), uow)
    late = uow.journal.vouchers[-1]
    assert (late.period, late.no, str(late.voucher_date), str(late.business_date)) == (
        "2026-04",
        "记-2026-04-0001",
        "2026-04-01",
        "2026-03-25",
    )


def test_only_the_accountant_closes_and_reverses():
    finance = CallContext(org="xinqiao", actor="finance", viewer=Viewer.of("finance", "czb", ["finance_reviewer"]))
    with pytest.raises(DomainError) as refused:
        posting.close_period(commands.ClosePeriod(period="2026-03"), FakeUow(), finance)
    assert refused.value.code == "accountant_only" and refused.value.http_status == 403


def test_reversing_a_payment_undoes_its_payable_moves_and_is_refused_twice():
    uow = FakeUow()
    posting.on_acceptance_recorded(accepted("C1"), uow)
    posting.on_payment_executed(paid("C1"), uow)
    payment = uow.journal.vouchers[-1]
    result = posting.reverse_voucher(commands.ReverseVoucher(voucher_id=payment.id, reason="付错"), uow, ACCOUNTANT)
    assert result["kind"] == "reversal" and result["reverses"] == payment.id
    assert uow.journal.payables[("C1", 1)] == {"accrued": D("30000.00"), "paid": ZERO, "settled": ZERO}
    with pytest.raises(DomainError) as twice:
        posting.reverse_voucher(commands.ReverseVoucher(voucher_id=payment.id, reason="再冲"), uow, ACCOUNTANT)
    assert twice.value.code == "voucher_already_reversed"
