"""The rules across the chain (domain/chain.py), and their use cases over in-memory fakes: the facts kept as
events are heard, the contract rules judged in the submission's assessment, per-event cost flat."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.adapters.chain import UNIT_TOTAL
from services.risk.domain.chain import (
    AwardFact,
    Concentration,
    ContractFact,
    ThresholdPolicy,
    contract_above_award,
    contract_signed_before_award,
    contract_supplier_not_awarded,
    contract_without_procurement,
    just_below_threshold,
    supplier_concentration,
)
from services.risk.domain.rule_book import RULE_BOOK, ParameterInvalid
from services.risk.domain.rules import Rule, Severity
from services.risk.service_layer import assessment, chain
from tests.unit.risk.fake_splits import FakeSplits
from tests.unit.risk.test_payments import FakeFacts

APP = DocumentRef("procurement_application", "p1", "CG-2026-000001")
CONTRACT = DocumentRef("contract", "c1", "HT-2026-000001")
AWARD = AwardFact("award-1", APP, "dzb", "sup-A", "甲公司", Decimal("100000.00"), date(2026, 11, 10))


def contract(supplier: str = "sup-A", amount: str = "100000.00", award_id: str | None = "award-1") -> ContractFact:
    return ContractFact(CONTRACT, "dzb", supplier, Decimal(amount), "award", award_id)


# ── domain ──
def test_a_contract_with_another_supplier_than_the_awards_warns_high_with_both_suppliers():
    draft = contract_supplier_not_awarded(contract(supplier="sup-B"), AWARD)
    assert draft is not None and (draft.rule, draft.severity) == (Rule.CONTRACT_SUPPLIER_NOT_AWARDED, Severity.HIGH)
    assert draft.document == CONTRACT
    assert draft.evidence["award_supplier_id"] == "sup-A" and draft.evidence["contract_supplier_id"] == "sup-B"
    assert draft.evidence["award_id"] == "award-1" and "甲公司" in draft.message
    assert set(draft.evidence) == set(RULE_BOOK[Rule.CONTRACT_SUPPLIER_NOT_AWARDED].evidence)


def test_the_awarded_supplier_or_an_unknown_award_raises_no_supplier_warning():
    assert contract_supplier_not_awarded(contract(), AWARD) is None
    assert contract_supplier_not_awarded(contract(supplier="sup-B"), None) is None


def test_a_contract_above_the_award_warns_with_the_excess_and_at_the_award_does_not():
    draft = contract_above_award(contract(amount="100000.01"), AWARD)
    assert draft is not None and draft.rule is Rule.CONTRACT_ABOVE_AWARD and draft.evidence["excess"] == "0.01"
    assert draft.evidence["award_amount"] == "100000.00" and draft.evidence["contract_amount"] == "100000.01"
    assert set(draft.evidence) == set(RULE_BOOK[Rule.CONTRACT_ABOVE_AWARD].evidence)
    assert contract_above_award(contract(amount="100000.00"), AWARD) is None
    assert contract_above_award(contract(amount="90000.00"), AWARD) is None


def test_a_contract_on_an_award_risk_never_heard_has_no_completed_procurement():
    draft = contract_without_procurement(contract(award_id="award-x"), None)
    assert (
        draft is not None
        and draft.rule is Rule.CONTRACT_WITHOUT_PROCUREMENT
        and draft.evidence["award_id"] == "award-x"
    )
    assert set(draft.evidence) == set(RULE_BOOK[Rule.CONTRACT_WITHOUT_PROCUREMENT].evidence)
    assert contract_without_procurement(contract(), AWARD) is None
    on_application = ContractFact(CONTRACT, "dzb", "sup-A", Decimal("1000.00"), "matter_application", None)
    assert contract_without_procurement(on_application, None) is None


def test_signing_before_the_award_notice_warns_using_the_awards_own_date():
    draft = contract_signed_before_award(CONTRACT, date(2026, 11, 8), AWARD, date(2026, 11, 1))
    assert draft is not None and draft.rule is Rule.CONTRACT_SIGNED_BEFORE_AWARD
    assert draft.evidence["award_notice_date"] == "2026-11-10" and draft.evidence["days_before"] == 2
    assert set(draft.evidence) == set(RULE_BOOK[Rule.CONTRACT_SIGNED_BEFORE_AWARD].evidence)
    assert contract_signed_before_award(CONTRACT, date(2026, 11, 10), AWARD, None) is None
    # without the award heard, the date the contract event carries is used
    assert contract_signed_before_award(CONTRACT, date(2026, 11, 8), None, date(2026, 11, 9)) is not None
    assert contract_signed_before_award(CONTRACT, date(2026, 11, 8), None, None) is None


POLICY = ThresholdPolicy(Decimal("10"), Decimal("1000000.00"), Decimal("4000000.00"))


@pytest.mark.parametrize(
    ("amount", "name"),
    [
        ("999999.99", "decentralised"),
        ("900000.00", "decentralised"),
        ("3999000.00", "open_tender"),
        ("3600000.00", "open_tender"),
    ],
)
def test_an_amount_within_the_margin_below_a_threshold_warns_naming_it(amount: str, name: str):
    draft = just_below_threshold(APP, Decimal(amount), POLICY)
    assert draft is not None and draft.rule is Rule.JUST_BELOW_THRESHOLD and draft.severity is Severity.MEDIUM
    assert draft.evidence["threshold_name"] == name
    assert set(draft.evidence) == set(RULE_BOOK[Rule.JUST_BELOW_THRESHOLD].evidence)


@pytest.mark.parametrize("amount", ["899999.99", "1000000.00", "2000000.00", "4000000.00", "50000.00"])
def test_an_amount_at_or_above_a_threshold_or_well_below_does_not_warn(amount: str):
    assert just_below_threshold(APP, Decimal(amount), POLICY) is None


def test_the_thresholds_of_the_event_win_over_the_parameters():
    values = RULE_BOOK[Rule.JUST_BELOW_THRESHOLD].defaults()
    policy = ThresholdPolicy.from_parameters(values, {"decentralised_threshold": "500000.00"})
    assert policy.decentralised == Decimal("500000.00") and policy.open_tender == Decimal("4000000.00")
    assert just_below_threshold(APP, Decimal("480000.00"), policy) is not None
    assert ThresholdPolicy.from_parameters(values, None) == POLICY


def concentration(supplier_total: str, unit_total: str, awards: int = 3) -> Concentration:
    return Concentration("dzb", 2026, "sup-A", "甲公司", Decimal(supplier_total), Decimal(unit_total), awards)


def test_one_suppliers_share_above_the_parameter_warns_once_enough_was_awarded():
    args = (Decimal("50"), Decimal("200000.00"), 3)
    draft = supplier_concentration(APP, concentration("150000.00", "250000.00"), *args)
    assert draft is not None and draft.rule is Rule.SUPPLIER_CONCENTRATION and draft.evidence["share"] == "60.00"
    assert set(draft.evidence) == set(RULE_BOOK[Rule.SUPPLIER_CONCENTRATION].evidence)
    assert supplier_concentration(APP, concentration("125000.00", "250000.00"), *args) is None  # exactly 50%
    assert supplier_concentration(APP, concentration("150000.00", "150000.00"), *args) is None  # too little
    assert supplier_concentration(APP, concentration("150000.00", "250000.00", 2), *args) is None  # too few


# ── use cases over fakes ──
class FakeChain:
    def __init__(self) -> None:
        self.awards: dict[str, AwardFact] = {}
        self.contracts: dict[tuple[str, str], tuple[str, str | None]] = {}
        self.tally: dict[tuple, tuple[Decimal, int]] = {}
        self.calls = 0

    def add_award(self, org: str, award: AwardFact) -> bool:
        self.calls += 1
        if award.award_id in self.awards:
            return False
        self.awards[award.award_id] = award
        return True

    def award(self, org: str, award_id: str | None) -> AwardFact | None:
        self.calls += 1
        return self.awards.get(award_id or "")

    def add_contract(self, org: str, document: DocumentRef, basis_type: str, award_id: str | None) -> None:
        self.calls += 1
        self.contracts.setdefault((document.type, document.id), (basis_type, award_id))

    def contract_basis(self, document: DocumentRef) -> tuple[str, str | None] | None:
        self.calls += 1
        return self.contracts.get((document.type, document.id))

    def add_to_tally(self, org: str, unit: str, year: int, supplier_id: str, amount: Decimal) -> tuple[Decimal, int]:
        self.calls += 1
        total, count = self.tally.get((unit, year, supplier_id), (Decimal("0"), 0))
        self.tally[(unit, year, supplier_id)] = (total + amount, count + 1)
        return self.tally[(unit, year, supplier_id)]


class FakeWarnings:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def raise_once(self, org: str, draft) -> dict[str, Any] | None:  # noqa: ANN001
        if any(w["document"]["id"] == draft.document.id and w["rule"] == draft.rule.value for w in self.items):
            return None
        stored = {
            "id": len(self.items) + 1,
            "document": draft.document.as_dict(),
            "rule": draft.rule.value,
            "severity": draft.severity.value,
            "message": draft.message,
            "evidence": draft.evidence,
            "raised_at": "2026-11-25T08:00:00+00:00",
        }
        self.items.append(stored)
        return stored

    def for_document(self, org: str, document_type: str, document_id: str) -> list[dict[str, Any]]:
        return [w for w in self.items if (w["document"]["type"], w["document"]["id"]) == (document_type, document_id)]


class FakeRuleBook:
    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        return None  # the defaults


class FakeAssessments:
    def __init__(self) -> None:
        self.rows: dict[Any, tuple] = {}

    def add(self, org, event_id, type_, document, rules, warning_ids):  # noqa: ANN001, ANN201
        self.rows[event_id] = (type_, document, rules, warning_ids)
        return date(2026, 11, 25)


class FakeUow:
    def __init__(self) -> None:
        self.chain, self.warnings, self.rule_book = FakeChain(), FakeWarnings(), FakeRuleBook()
        self.splits, self.payments = FakeSplits(), FakeFacts()
        self.assessments, self.published = FakeAssessments(), []

    def publish(self, envelope: Envelope) -> None:
        self.published.append(envelope)


def event(type_: str, **payload: Any) -> Envelope:
    return Envelope(type=type_, payload=payload, org="demo", producer=type_.split(".")[0], actor="clerk")


def award_event(award_id: str = "award-1", supplier: str = "sup-A", amount: str = "100000.00") -> Envelope:
    return event(
        "procurement.award_decided",
        document=APP.as_dict(),
        award_id=award_id,
        unit="dzb",
        supplier_id=supplier,
        supplier_name=f"{supplier} 公司",
        amount=amount,
        decided_on="2026-11-09",
        notice_date="2026-11-10",
    )


def drafted(award_id: str | None = "award-1") -> Envelope:
    return event("contract.drafted", document=CONTRACT.as_dict(), basis={"type": "award", "award_id": award_id})


def submitted(supplier: str = "sup-B", amount: str = "120000.00") -> Envelope:
    return event(
        "contract.submitted",
        document=CONTRACT.as_dict(),
        unit="dzb",
        applicant="clerk",
        amount=amount,
        title="合同",
        supplier_id=supplier,
    )


def test_the_contract_rules_run_in_the_submissions_assessment_which_lists_their_warnings():
    uow = FakeUow()
    chain.on_award_decided(award_event(), uow)
    chain.on_contract_drafted(drafted(), uow)
    assessment.assess_submission(submitted(), uow)
    rules = {w["rule"] for w in uow.warnings.items}
    assert rules == {"contract_supplier_not_awarded", "contract_above_award"}
    announced = [e for e in uow.published if e.type == assessment.ASSESSED]
    assert len(announced) == 1
    assert {w["rule"] for w in announced[0].payload["warnings"]} == rules
    assert "contract_supplier_not_awarded" in announced[0].payload["rules"]


def test_a_matching_contract_raises_nothing_and_an_unknown_award_is_a_missing_procurement():
    uow = FakeUow()
    chain.on_award_decided(award_event(), uow)
    chain.on_contract_drafted(drafted(), uow)
    assessment.assess_submission(submitted("sup-A", "100000.00"), uow)
    assert uow.warnings.items == []
    other = FakeUow()
    chain.on_contract_drafted(drafted("award-unknown"), other)
    assessment.assess_submission(submitted("sup-A", "100000.00"), other)
    assert [w["rule"] for w in other.warnings.items] == ["contract_without_procurement"]


def test_signing_before_the_awards_notice_warns_on_the_signing():
    uow = FakeUow()
    chain.on_award_decided(award_event(), uow)
    chain.on_contract_signed(
        event(
            "contract.signed",
            document=CONTRACT.as_dict(),
            signed_on="2026-11-09",
            award_id="award-1",
            award_notice_date="2026-11-10",
        ),
        uow,
    )
    assert [w["rule"] for w in uow.warnings.items] == ["contract_signed_before_award"]


def test_a_procurement_application_just_below_the_events_threshold_warns_in_its_assessment():
    uow = FakeUow()
    submission = event(
        "procurement.application_submitted",
        document=APP.as_dict(),
        unit="dzb",
        applicant="clerk",
        amount="980000.00",
        title="设备",
        method="request_for_quotation",
        requirement={"decentralised_threshold": "1000000.00", "open_tender_threshold": "4000000.00"},
    )
    assessment.assess_submission(submission, uow)
    assert [w["rule"] for w in uow.warnings.items] == ["just_below_threshold"]


def test_concentration_counts_each_award_once_and_warns_on_the_award_that_crosses():
    uow = FakeUow()
    chain.on_award_decided(award_event("a1", "sup-A", "100000.00"), uow)
    chain.on_award_decided(award_event("a1", "sup-A", "100000.00"), uow)  # heard again: not counted twice
    chain.on_award_decided(award_event("a2", "sup-B", "100000.00"), uow)
    assert uow.chain.tally[("dzb", 2026, UNIT_TOTAL)] == (Decimal("200000.00"), 2)
    assert uow.warnings.items == []
    chain.on_award_decided(award_event("a3", "sup-A", "100000.00"), uow)  # A: 200k of 300k in 3 awards
    assert [(w["rule"], w["evidence"]["share"]) for w in uow.warnings.items] == [("supplier_concentration", "66.67")]


def test_the_cost_of_an_award_or_a_contract_submission_is_flat_as_history_grows():
    uow = FakeUow()

    def cost(action) -> int:  # noqa: ANN001
        before = uow.chain.calls
        action()
        return uow.chain.calls - before

    first_award = cost(lambda: chain.on_award_decided(award_event("a0", "sup-0"), uow))
    for n in range(1, 1000):
        chain.on_award_decided(award_event(f"a{n}", f"sup-{n}"), uow)
    assert cost(lambda: chain.on_award_decided(award_event("a-last", "sup-x"), uow)) == first_award
    chain.on_contract_drafted(drafted("a0"), uow)
    assert cost(lambda: assessment.assess_submission(submitted(), uow)) == 6  # basis + award, per contract rule


def test_the_concentration_parameters_are_validated_as_data():
    book = RULE_BOOK[Rule.SUPPLIER_CONCENTRATION]
    assert book.defaults() == {"share_percent": "50", "min_total": "200000.00", "min_awards": "3"}
    with pytest.raises(ParameterInvalid) as refused:
        book.validate({"share_percent": "60", "min_total": "100000", "min_awards": "2.5"})
    assert refused.value.name == "min_awards" and "整数" in refused.value.reason
    assert book.validate({"share_percent": "60", "min_total": "100000", "min_awards": "4"})["min_awards"] == "4"
