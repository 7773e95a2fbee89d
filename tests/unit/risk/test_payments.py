"""Payments against the chain (domain/payments.py, service_layer/payments.py over an in-memory fake): each
rule with its evidence, and the facts kept from contracts, acceptances, suppliers and accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.payments import (
    AccountChange,
    ContractTerms,
    EarlierPayment,
    Payment,
    bank_account_recently_changed,
    claim_above_application,
    duplicate_payment,
    near_duplicate_payment,
    one_edit_apart,
    payee_not_supplier,
    payment_before_acceptance,
    payment_before_signing,
    payment_beyond_contract,
)
from services.risk.domain.rule_book import RULE_BOOK
from services.risk.domain.rules import Rule, Severity
from services.risk.service_layer import assessment
from services.risk.service_layer import payments as use_cases
from tests.unit.risk.payment_flow_samples import PAYMENT_FLOW_PAYLOADS

CONTRACT = DocumentRef("contract", "c1", "HT-2026-000001")
PAY = DocumentRef("payment_request", "f1", "FK-2026-000001")


def terms(**changes: Any) -> ContractTerms:
    values = dict(
        contract_id="c1",
        document=CONTRACT,
        unit="dzb",
        supplier_id="S1",
        amount=Decimal("100000.00"),
        original_amount=Decimal("90000.00"),
        signed_on=date(2026, 3, 1),
        milestones={1: {"condition": "on_signing"}, 2: {"condition": "on_acceptance"}},
        amendments=1,
        paid=Decimal("60000.00"),
    )
    return ContractTerms(**{**values, **changes})


def payment(amount: str = "30000.00", **changes: Any) -> Payment:
    values = dict(
        document=PAY,
        unit="dzb",
        amount=Decimal(amount),
        on=date(2026, 4, 1),
        contract_id="c1",
        milestone_no=2,
        supplier_id="S1",
        payee_name="甲公司",
        payee_credit_code="91110000100000000A",
        account_no="6222000011112222",
        invoices=(("26442000000012345678", "26442000000012345678"),),
    )
    return Payment(**{**values, **changes})


def documented(draft) -> None:  # noqa: ANN001
    book = RULE_BOOK[draft.rule]
    assert draft.severity is book.severity and set(draft.evidence) == set(book.evidence), draft.rule


def test_beyond_the_contract_with_its_amendments():
    draft = payment_beyond_contract(payment("40000.01"), terms())
    assert (draft.rule, draft.severity) == (Rule.PAYMENT_BEYOND_CONTRACT, Severity.HIGH)
    assert draft.evidence["excess"] == "0.01" and draft.evidence["contract_amount"] == "100000.00"
    assert draft.evidence["amendments"] == 1 and draft.evidence["paid_before"] == "60000.00"
    documented(draft)
    assert payment_beyond_contract(payment("40000.00"), terms()) is None
    assert payment_beyond_contract(payment("40000.00"), None) is None
    executed = payment_beyond_contract(payment("41000.00"), terms(paid=Decimal("101000.00")), executed=True)
    assert executed.evidence["total"] == "101000.00" and executed.evidence["paid_before"] == "60000.00"


def test_before_acceptance_of_a_milestone_paid_on_acceptance():
    draft = payment_before_acceptance(payment(), terms(), None)
    assert draft.rule is Rule.PAYMENT_BEFORE_ACCEPTANCE and draft.evidence["milestone_no"] == 2
    assert draft.evidence["acceptance_result"] is None and "未见验收" in draft.message
    documented(draft)
    failed = payment_before_acceptance(payment(), terms(), ("failed", date(2026, 3, 20)))
    assert failed.evidence["acceptance_result"] == "failed" and "验收未通过" in failed.message
    assert payment_before_acceptance(payment(), terms(), ("passed_with_remarks", date(2026, 3, 20))) is None
    assert payment_before_acceptance(payment(milestone_no=1), terms(), None) is None  # paid on signing
    assert payment_before_acceptance(payment(milestone_no=None), terms(), None) is not None
    assert payment_before_acceptance(payment(milestone_no=None), terms(milestones={}), None) is None


def test_before_signing():
    draft = payment_before_signing(payment(), terms(signed_on=None))
    assert (
        draft.rule is Rule.PAYMENT_BEFORE_SIGNING
        and draft.evidence["signed_on"] is None
        and "尚未签订" in draft.message
    )
    documented(draft)
    later = payment_before_signing(payment(), terms(signed_on=date(2026, 4, 2)))
    assert later.evidence["signed_on"] == "2026-04-02"
    assert payment_before_signing(payment(), terms(signed_on=date(2026, 4, 1))) is None


def test_payee_not_the_contracts_supplier():
    other = payee_not_supplier(payment(supplier_id="S2"), terms(), None)
    assert other.rule is Rule.PAYEE_NOT_SUPPLIER and other.evidence["payment_supplier_id"] == "S2"
    documented(other)
    code = payee_not_supplier(payment(), terms(), "91110000999999999X")
    assert code.evidence["contract_supplier_credit_code"] == "91110000999999999X"
    assert payee_not_supplier(payment(), terms(), "91110000100000000A") is None


def test_an_account_changed_shortly_before():
    change = AccountChange(
        "S1", "6222000011112222", datetime(2026, 3, 25, 2, tzinfo=UTC), "replaced", "li", "开户行变更"
    )
    draft = bank_account_recently_changed(payment(), change, 30)
    assert draft.rule is Rule.BANK_ACCOUNT_RECENTLY_CHANGED and draft.evidence["days_before"] == 7
    assert draft.evidence["account_no"] == "****2222" and "6222000011112222" not in draft.message
    documented(draft)
    assert bank_account_recently_changed(payment(), change, 7) is None
    assert bank_account_recently_changed(payment(account_no="6222999999999999"), change, 30) is None


def test_a_duplicate_and_a_near_duplicate():
    earlier = EarlierPayment(DocumentRef("payment_request", "f0", "FK-0"), Decimal("30000.00"), date(2026, 3, 20), ())
    draft = duplicate_payment(payment(), "26442000000012345678", earlier)
    assert draft.rule is Rule.DUPLICATE_PAYMENT and draft.evidence["earlier"]["no"] == "FK-0"
    documented(draft)
    assert duplicate_payment(payment(), "k", EarlierPayment(PAY, Decimal("1"), date(2026, 4, 1), ())) is None

    near = EarlierPayment(
        DocumentRef("payment_request", "f0", "FK-0"), Decimal("30000.00"), date(2026, 3, 20), ("26442000000012345679",)
    )
    draft = near_duplicate_payment(payment(), [near], 30)
    assert (
        draft.rule is Rule.NEAR_DUPLICATE_PAYMENT and draft.evidence["earlier_invoice_number"] == "26442000000012345679"
    )
    documented(draft)
    far = EarlierPayment(near.document, near.amount, date(2026, 2, 1), near.invoice_numbers)
    assert near_duplicate_payment(payment(), [far], 30) is None
    assert near_duplicate_payment(payment("30000.01"), [near], 30) is None


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("12345678", "12345679", True),
        ("12345678", "1234567", True),
        ("1234578", "12345678", True),
        ("12345678", "12345678", False),
        ("12345678", "12345687", False),
        ("123", "12345", False),
    ],
)
def test_one_edit_apart(a, b, apart):
    assert one_edit_apart(a, b) is apart


def test_a_claim_far_above_its_application():
    app = DocumentRef("matter_application", "m1", "SQ-1")
    draft = claim_above_application(
        DocumentRef("expense_claim", "b1"), Decimal("1300.00"), app, Decimal("1000"), Decimal("20")
    )
    assert draft.rule is Rule.CLAIM_ABOVE_APPLICATION and draft.evidence["over_percent"] == "30.00"
    documented(draft)
    assert (
        claim_above_application(
            DocumentRef("expense_claim", "b1"), Decimal("1200.00"), app, Decimal("1000"), Decimal("20")
        )
        is None
    )
    assert claim_above_application(DocumentRef("expense_claim", "b1"), Decimal("9"), None, None, Decimal("20")) is None


# ── use cases over a fake ──
class FakeFacts:
    def __init__(self) -> None:
        self.contracts: dict[str, ContractTerms] = {}
        self.acceptances_: dict[tuple[str, int], tuple[str, date]] = {}
        self.counted: set[str] = set()
        self.onces: set[tuple[str, str]] = set()
        self.years: dict[tuple, tuple[Decimal, int]] = {}
        self.codes: dict[str, str] = {}
        self.accounts: dict[tuple[str, str], AccountChange] = {}
        self.invoices: dict[tuple, EarlierPayment] = {}
        self.seen: list[tuple[str, str, EarlierPayment]] = []
        self.applications: dict[str, tuple[DocumentRef, Decimal]] = {}

    def put_contract(self, org, terms):  # noqa: ANN001, ANN201
        self.contracts.setdefault(terms.contract_id, terms)

    def contract(self, contract_id, *, lock=False):  # noqa: ANN001, ANN201
        return self.contracts.get(contract_id) if contract_id else None

    def update_contract(self, contract_id, **values):  # noqa: ANN001, ANN201
        from dataclasses import replace

        self.contracts[contract_id] = replace(self.contracts[contract_id], **values)

    def amended(self, contract_id, amount, end_date):  # noqa: ANN001, ANN201
        c = self.contracts[contract_id]
        self.update_contract(contract_id, amount=amount, amendments=c.amendments + 1, end_date=end_date or c.end_date)

    def add_paid(self, contract_id, amount):  # noqa: ANN001, ANN201
        self.update_contract(contract_id, paid=self.contracts[contract_id].paid + amount)

    def put_acceptance(self, contract_id, milestone_no, result, on):  # noqa: ANN001, ANN201
        self.acceptances_[(contract_id, milestone_no)] = (result, on)

    def acceptance(self, contract_id, milestone_no):  # noqa: ANN001, ANN201
        return self.acceptances_.get((contract_id, milestone_no))

    def put_supplier(self, supplier_id, code, name):  # noqa: ANN001, ANN201
        self.codes[supplier_id] = code

    def credit_code(self, supplier_id):  # noqa: ANN001, ANN201
        return self.codes.get(supplier_id)

    def put_account_change(self, change):  # noqa: ANN001, ANN201
        self.accounts[(change.supplier_id, change.account_no)] = change

    def account_change(self, supplier_id, account_no):  # noqa: ANN001, ANN201
        return self.accounts.get((supplier_id, account_no))

    def use_invoice(self, org, supplier_key, key, amount, document, on):  # noqa: ANN001, ANN201
        return self.invoices.setdefault((supplier_key, key, amount), EarlierPayment(document, amount, on, ()))

    def see_payment(self, org, supplier_key, amount, on, document, numbers, first, last):  # noqa: ANN001, ANN201
        before = [e for k, a, e in self.seen if (k, a) == (supplier_key, str(amount)) and first <= e.on <= last]
        self.seen.append((supplier_key, str(amount), EarlierPayment(document, amount, on, tuple(numbers))))
        return before

    def once(self, purpose, key):  # noqa: ANN001, ANN201
        if (purpose, key) in self.onces:
            return False
        self.onces.add((purpose, key))
        return True

    def acceptances(self, contract_id):  # noqa: ANN001, ANN201
        return {m: a for (c, m), a in self.acceptances_.items() if c == contract_id and m > 0}

    def count_method(self, org, document, unit, year, method, amount):  # noqa: ANN001, ANN201
        if document.id in self.counted:
            return
        self.counted.add(document.id)
        for key in ("", method):
            total, count = self.years.get((unit, year, key), (Decimal("0"), 0))
            self.years[(unit, year, key)] = (total + amount, count + 1)

    def method_year(self, org, unit, year, method):  # noqa: ANN001, ANN201
        return self.years.get((unit, year, method), (Decimal("0"), 0))

    def put_application(self, org, document, amount):  # noqa: ANN001, ANN201
        self.applications[document.id] = (document, amount)

    def application(self, application_id):  # noqa: ANN001, ANN201
        return self.applications.get(application_id) if application_id else None


class FakeWarnings:
    def __init__(self) -> None:
        self.raised: list = []

    def raise_once(self, org, draft):  # noqa: ANN001, ANN201
        self.raised.append(draft)


class FakeRuleBook:
    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        return None


class FakeUow:
    def __init__(self) -> None:
        self.payments, self.warnings, self.rule_book = FakeFacts(), FakeWarnings(), FakeRuleBook()

    def rules(self) -> list[str]:
        return [d.rule.value for d in self.warnings.raised]


def event(type_: str, payload: dict[str, Any], at: datetime = datetime(2026, 4, 1, 2, tzinfo=UTC)) -> Envelope:
    return Envelope(
        type=type_, payload=payload, org="xinqiao", producer=type_.split(".")[0], occurred_at=at.isoformat()
    )


def hear(uow: FakeUow, e: Envelope) -> None:
    for fn in use_cases.EVENT_HANDLERS.get(e.type, ()):
        fn(e, uow)
    for _, judge in assessment.submission_rules(e.type):
        if judge.__module__ == use_cases.__name__:
            judge(e, uow)


def drafted(amount: str = "30000.00") -> dict[str, Any]:
    milestone = {
        "no": 1,
        "name": "验收款",
        "condition": "on_acceptance",
        "amount": amount,
        "share": None,
        "progress": None,
        "planned_date": "2026-06-30",
        "payment_days": 0,
    }
    return {
        "document": {"type": "contract", "id": "c1", "no": "HT-1"},
        "unit": "dzb",
        "supplier_id": "S1",
        "amount": amount,
        "start_date": "2026-03-01",
        "end_date": "2026-12-31",
        "milestones": [milestone],
    }


def requested(amount: str = "30000.00", n: int = 1, number: str = "26442000000012345678", **changes: Any) -> dict:
    p = dict(PAYMENT_FLOW_PAYLOADS["payment.payment_requested"])
    doc = {"type": "payment_request", "id": f"f{n}", "no": f"FK-{n}"}
    invoices = [{"key": number, "number": number, "amount": amount}]
    return {
        **p,
        "document": doc,
        "payment_id": doc["id"],
        "amount": amount,
        "contract_id": "c1",
        "supplier_id": "S1",
        "milestone_no": 1,
        "invoices": invoices,
        **changes,
    }


def test_a_clean_payment_after_signing_and_acceptance_raises_nothing():
    uow = FakeUow()
    hear(uow, event("contract.drafted", drafted()))
    hear(uow, event("contract.signed", {"document": {"type": "contract", "id": "c1"}, "signed_on": "2026-03-01"}))
    accepted = {**PAYMENT_FLOW_PAYLOADS["contract.acceptance_recorded"], "contract_id": "c1", "milestone_no": 1}
    hear(uow, event("contract.acceptance_recorded", accepted))
    hear(
        uow, event("payment.payment_requested", requested(payee={"name": "甲", "credit_code": None, "account_no": "1"}))
    )
    assert uow.rules() == []


def test_an_unsigned_unaccepted_contract_paid_twice_on_one_invoice():
    uow = FakeUow()
    hear(uow, event("contract.drafted", drafted()))
    hear(uow, event("payment.payment_requested", requested()))
    assert set(uow.rules()) == {"payment_before_signing", "payment_before_acceptance"}
    uow.warnings.raised.clear()
    hear(uow, event("payment.payment_requested", requested(n=2), datetime(2026, 4, 3, 2, tzinfo=UTC)))
    assert "duplicate_payment" in uow.rules() and "payment_beyond_contract" not in uow.rules()  # none executed
    uow.warnings.raised.clear()
    near = requested(n=3, number="26442000000012345679")
    hear(uow, event("payment.payment_requested", near, datetime(2026, 4, 5, 2, tzinfo=UTC)))
    assert "near_duplicate_payment" in uow.rules() and "duplicate_payment" not in uow.rules()


def test_executions_add_up_to_beyond_the_contract_and_an_amendment_raises_the_limit():
    uow = FakeUow()
    hear(uow, event("contract.drafted", drafted("30000.00")))
    executed = {**PAYMENT_FLOW_PAYLOADS["payment.payment_executed"], "contract_id": "c1", "amount": "20000.00"}
    hear(uow, event("payment.payment_executed", executed))
    hear(uow, event("payment.payment_executed", executed))  # heard again: paid once
    assert uow.payments.contracts["c1"].paid == Decimal("20000.00") and uow.rules() == []
    hear(uow, event("payment.payment_requested", requested("15000.00", number="X1")))
    assert "payment_beyond_contract" in uow.rules()
    uow.warnings.raised.clear()
    amended = {"document": {"type": "contract", "id": "c1"}, "amount": "36000.00", "end_date": "2027-03-31"}
    hear(uow, event("contract.amended", amended))
    hear(uow, event("payment.payment_requested", requested("15000.00", n=2, number="X2")))
    assert "payment_beyond_contract" not in uow.rules()


def test_a_payment_to_an_account_changed_a_week_before_and_to_another_payee():
    uow = FakeUow()
    hear(uow, event("contract.drafted", drafted()))
    registered = {
        "supplier_id": "S1",
        "credit_code": "91110000100000000A",
        "supplier_name": "甲公司",
        "legal_representative": "甲",
        "registrar": "li",
        "registered_at": "2026-01-01T00:00:00+00:00",
    }
    hear(uow, event("procurement.supplier_registered", registered))
    account = {"bank_name": "银行", "account_name": "甲公司", "account_no": "6222000011112222"}
    changed = {
        "supplier_id": "S1",
        "change": "replaced",
        "before": None,
        "after": account,
        "changed_by": "li",
        "changed_at": "2026-03-25T02:00:00+00:00",
        "reason": "开户行变更",
    }
    hear(uow, event("procurement.supplier_bank_account_changed", changed))
    payee = {"name": "乙公司", "credit_code": "91110000999999999X", "account_no": "6222000011112222"}
    hear(uow, event("payment.payment_requested", requested(payee=payee)))
    assert {"bank_account_recently_changed", "payee_not_supplier"} <= set(uow.rules())


def test_a_claim_is_compared_with_its_application():
    uow = FakeUow()
    app = {
        "document": {"type": "matter_application", "id": "m1", "no": "SQ-1"},
        "unit": "dzb",
        "applicant": "c",
        "amount": "1000.00",
        "title": "差旅",
        "budget_line_id": "L1",
    }
    hear(uow, event("payment.matter_application_submitted", app))
    claim = {**PAYMENT_FLOW_PAYLOADS["payment.expense_claim_submitted"], "application_id": "m1", "amount": "1500.00"}
    hear(uow, event("payment.expense_claim_submitted", claim))
    assert uow.rules() == ["claim_above_application"]
    assert uow.warnings.raised[0].evidence["application"]["no"] == "SQ-1"
