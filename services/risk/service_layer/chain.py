"""The chain rules as use cases (domain/chain.py): keeping the facts they need as the events are heard
(procurement.award_decided, contract.drafted), and judging contract and procurement submissions, contract
signing and awards. Each event reads and writes a few rows by key: never history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.adapters.chain import UNIT_TOTAL, parse_date
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
from services.risk.domain.rules import Rule
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise

CONTRACT_SUBMITTED = ("contract.submitted", "contract.resubmitted")
PROCUREMENT_SUBMITTED = ("procurement.application_submitted", "procurement.application_resubmitted")


def on_award_decided(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Keep the award (the contract rules compare against it) and judge the unit's supplier concentration."""
    p = event.payload
    award = AwardFact(
        str(p["award_id"]),
        _document(p["document"]),
        p["unit"],
        str(p["supplier_id"]),
        p["supplier_name"],
        parse_money(p["amount"]),
        parse_date(p.get("notice_date")),
    )
    if not uow.chain.add_award(event.org, award):
        return  # heard before: already counted
    year = (parse_date(p.get("decided_on")) or datetime.fromisoformat(event.occurred_at).date()).year
    supplier_total, _ = uow.chain.add_to_tally(event.org, award.unit, year, award.supplier_id, award.amount)
    unit_total, awards = uow.chain.add_to_tally(event.org, award.unit, year, UNIT_TOTAL, award.amount)
    values = _in_force(uow, event, Rule.SUPPLIER_CONCENTRATION)
    concentration = Concentration(
        award.unit, year, award.supplier_id, award.supplier_name, supplier_total, unit_total, awards
    )
    _raise(
        uow,
        event,
        supplier_concentration(
            award.document,
            concentration,
            Decimal(values["share_percent"]),
            Decimal(values["min_total"]),
            int(Decimal(values["min_awards"])),
        ),
    )


def on_contract_drafted(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Keep the contract's basis: the submission for signing does not repeat which award it rests on."""
    p = event.payload
    basis = p.get("basis") or {}
    award_id = basis.get("award_id")
    uow.chain.add_contract(
        event.org, _document(p["document"]), basis.get("type", ""), str(award_id) if award_id else None
    )


def _contract(event: Envelope, uow: RiskUnitOfWork) -> tuple[ContractFact, AwardFact | None] | None:
    p = event.payload
    document = _document(p["document"])
    basis = uow.chain.contract_basis(document)
    if basis is None:
        return None  # a contract risk never heard drafted: nothing to compare with
    contract = ContractFact(document, p["unit"], str(p["supplier_id"]), parse_money(p["amount"]), *basis)
    return contract, uow.chain.award(event.org, contract.award_id)


def judge_contract(rule_fn):
    def judge(event: Envelope, uow: RiskUnitOfWork) -> None:
        found = _contract(event, uow)
        if found is not None:
            _raise(uow, event, rule_fn(*found))

    return judge


def on_contract_signed(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    award = uow.chain.award(event.org, str(p["award_id"]) if p.get("award_id") else None)
    draft = contract_signed_before_award(
        _document(p["document"]), date.fromisoformat(p["signed_on"]), award, parse_date(p.get("award_notice_date"))
    )
    _raise(uow, event, draft)


def on_procurement_submitted(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    policy = ThresholdPolicy.from_parameters(_in_force(uow, event, Rule.JUST_BELOW_THRESHOLD), p.get("requirement"))
    _raise(uow, event, just_below_threshold(_document(p["document"]), parse_money(p["amount"]), policy))


def _in_force(uow: RiskUnitOfWork, event: Envelope, rule: Rule) -> dict[str, Any]:
    return rule_book.parameters_in_force(uow, event.org, rule, datetime.fromisoformat(event.occurred_at))


# Judged on the submission itself, so part of its assessment (the approver sees them before deciding).
SUBMISSION_RULES = {
    **{
        t: [
            (Rule.CONTRACT_SUPPLIER_NOT_AWARDED, judge_contract(contract_supplier_not_awarded)),
            (Rule.CONTRACT_ABOVE_AWARD, judge_contract(contract_above_award)),
            (Rule.CONTRACT_WITHOUT_PROCUREMENT, judge_contract(contract_without_procurement)),
        ]
        for t in CONTRACT_SUBMITTED
    },
    **{t: [(Rule.JUST_BELOW_THRESHOLD, on_procurement_submitted)] for t in PROCUREMENT_SUBMITTED},
}

EVENT_HANDLERS = {
    "procurement.award_decided": [on_award_decided],
    "contract.drafted": [on_contract_drafted],
    "contract.signed": [on_contract_signed],
}
