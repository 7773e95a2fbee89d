"""Suppliers and contracts (domain/suppliers.py, service_layer/suppliers.py over in-memory fakes): single-source
overuse, change-order inflation, overdue milestones and lapsed contracts, each with its evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.rule_book import RULE_BOOK
from services.risk.domain.rules import Rule, Severity
from services.risk.domain.suppliers import (
    Amendment,
    MethodYear,
    change_order_inflation,
    lapsed_contract,
    overdue_milestones,
    single_source_overuse,
)
from services.risk.service_layer import assessment, suppliers
from tests.unit.risk.test_payments import FakeRuleBook, FakeWarnings, terms
from tests.unit.risk.test_payments import FakeUow as PaymentsUow

AMENDMENT = DocumentRef("contract_amendment", "a1", "HT-1-BG1")


def documented(draft) -> None:  # noqa: ANN001
    book = RULE_BOOK[draft.rule]
    assert draft.severity is book.severity and set(draft.evidence) == set(book.evidence), draft.rule


def test_single_source_beyond_its_share_of_the_units_year():
    year = MethodYear("dzb", 2026, Decimal("1000000"), 10, Decimal("400000"), 3)
    draft = single_source_overuse(DocumentRef("procurement_application", "p1"), year, Decimal("30"), 3)
    assert (draft.rule, draft.severity) == (Rule.SINGLE_SOURCE_OVERUSE, Severity.MEDIUM)
    assert draft.evidence["share"] == "40.00" and draft.evidence["single_source_count"] == 3
    documented(draft)
    assert single_source_overuse(DocumentRef("p", "1"), year, Decimal("40"), 3) is None
    assert single_source_overuse(DocumentRef("p", "1"), year, Decimal("30"), 4) is None


def test_change_orders_growth_count_and_price_with_term():
    c = terms(original_amount=Decimal("100000.00"), amendments=0, end_date=date(2026, 12, 31))
    grown = change_order_inflation(
        Amendment(AMENDMENT, Decimal("100000.00"), Decimal("112000.00"), None), c, Decimal("10"), 3
    )
    assert grown.rule is Rule.CHANGE_ORDER_INFLATION and grown.evidence["growth"] == "12.00"
    documented(grown)
    both = change_order_inflation(
        Amendment(AMENDMENT, Decimal("100000.00"), Decimal("101000.00"), date(2027, 3, 31)), c, Decimal("10"), 3
    )
    assert both.evidence["price_increase"] and both.evidence["term_extended"] and "既加价又延期" in both.message
    third = change_order_inflation(
        Amendment(AMENDMENT, Decimal("100000.00"), Decimal("99000.00"), None), terms(amendments=2), Decimal("10"), 3
    )
    assert third.evidence["amendments"] == 3
    small = Amendment(AMENDMENT, Decimal("100000.00"), Decimal("101000.00"), None)
    assert change_order_inflation(small, c, Decimal("10"), 3) is None


def test_overdue_milestones_as_of_the_event_passing_by():
    c = terms(milestones={1: {"planned_date": "2026-05-01"}, 2: {"planned_date": "2026-09-01"}})
    draft = overdue_milestones(c, {}, date(2026, 6, 1), 15)
    assert draft.rule is Rule.OVERDUE_MILESTONE and draft.document == c.document
    assert draft.evidence["milestones"] == [
        {"milestone_no": 1, "planned_date": "2026-05-01", "accepted_on": None, "days_late": 31}
    ]
    documented(draft)
    assert overdue_milestones(c, {1: ("passed", date(2026, 5, 10))}, date(2026, 6, 1), 15) is None
    late = overdue_milestones(c, {1: ("passed", date(2026, 5, 20))}, date(2026, 6, 1), 15)
    assert late.evidence["milestones"][0]["days_late"] == 19
    assert overdue_milestones(c, {}, date(2026, 5, 10), 15) is None


def test_a_lapsed_contract_paid_or_amended():
    c = terms(end_date=date(2026, 6, 30))
    draft = lapsed_contract(AMENDMENT, c, date(2026, 7, 10), "变更")
    assert draft.rule is Rule.LAPSED_CONTRACT and draft.evidence["days_after"] == 10
    documented(draft)
    assert lapsed_contract(AMENDMENT, c, date(2026, 6, 30), "变更") is None
    assert lapsed_contract(AMENDMENT, terms(end_date=date(2026, 6, 30), closed=True), date(2026, 7, 10), "x") is None


# ── use cases ──
class FakeUow(PaymentsUow):
    def __init__(self) -> None:
        super().__init__()
        self.warnings, self.rule_book = FakeWarnings(), FakeRuleBook()


def hear(uow: FakeUow, type_: str, payload: dict[str, Any], at: datetime) -> None:
    e = Envelope(type=type_, payload=payload, org="x", producer=type_.split(".")[0], occurred_at=at.isoformat())
    for fn in suppliers.EVENT_HANDLERS.get(type_, ()):
        fn(e, uow)
    for _, judge in assessment.submission_rules(type_):
        if judge.__module__ == suppliers.__name__:
            judge(e, uow)


def application(n: int, method: str, amount: str) -> dict[str, Any]:
    doc = {"type": "procurement_application", "id": f"p{n}", "no": f"CG-{n}"}
    return {"document": doc, "unit": "dzb", "applicant": "c", "amount": amount, "title": "t", "method": method}


def test_the_third_single_source_of_the_year_above_the_share_warns():
    uow, at = FakeUow(), datetime(2026, 5, 1, 2, tzinfo=UTC)
    hear(uow, "procurement.application_submitted", application(1, "open_tender", "500000.00"), at)
    for n in (2, 3):
        hear(uow, "procurement.application_submitted", application(n, "single_source", "100000.00"), at)
    hear(uow, "procurement.application_resubmitted", application(3, "single_source", "100000.00"), at)
    assert uow.rules() == []  # two single-source so far (a resubmission is counted once)
    hear(uow, "procurement.application_submitted", application(4, "single_source", "100000.00"), at)
    [draft] = uow.warnings.raised
    assert draft.document.id == "p4" and draft.evidence["share"] == "37.50"


def test_an_amendment_of_a_lapsed_contract_with_an_overdue_milestone():
    uow = FakeUow()
    c = terms(
        contract_id="c1",
        end_date=date(2026, 6, 30),
        original_amount=Decimal("100000.00"),
        amendments=0,
        milestones={1: {"condition": "on_acceptance", "planned_date": "2026-05-01"}},
    )
    uow.payments.contracts["c1"] = c
    payload = {
        "document": AMENDMENT.as_dict(),
        "unit": "dzb",
        "applicant": "c",
        "amount": "105000.00",
        "title": "t",
        "contract": c.document.as_dict(),
        "previous_amount": "100000.00",
        "new_amount": "105000.00",
        "end_date": "2026-12-31",
    }
    hear(uow, "contract.amendment_submitted", payload, datetime(2026, 7, 10, 2, tzinfo=UTC))
    assert set(uow.rules()) == {"change_order_inflation", "lapsed_contract", "overdue_milestone"}
