"""Suppliers and contracts as use cases (domain/suppliers.py): single-source overuse judged on a procurement
application's submission, change-order inflation on an amendment's, and overdue milestones and lapsed
contracts on the events that pass by (acceptances, payment requests, amendments). The contract's terms and
acceptances are the payment rules' facts (adapters/payments.py); each event reads a few rows by key."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.rules import Rule
from services.risk.domain.splitting import office_day
from services.risk.domain.suppliers import (
    Amendment,
    MethodYear,
    change_order_inflation,
    lapsed_contract,
    overdue_milestones,
    single_source_overuse,
)
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise

PROCUREMENT_SUBMITTED = ("procurement.application_submitted", "procurement.application_resubmitted")


def judge_single_source(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Every procurement application counts in its unit's year; a single-source one is judged."""
    p = event.payload
    if not p.get("method"):
        return
    document, year = _document(p["document"]), _day(event).year
    uow.payments.count_method(event.org, document, p["unit"], year, p["method"], parse_money(p["amount"]))
    if p["method"] != "single_source":
        return
    total, count = uow.payments.method_year(event.org, p["unit"], year, "")
    single_total, single_count = uow.payments.method_year(event.org, p["unit"], year, "single_source")
    values = _in_force(uow, event, Rule.SINGLE_SOURCE_OVERUSE)
    found = MethodYear(p["unit"], year, total, count, single_total, single_count)
    draft = single_source_overuse(document, found, Decimal(values["share_percent"]), int(Decimal(values["min_count"])))
    _raise(uow, event, draft)


def judge_amendment(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    contract = uow.payments.contract(p["contract"]["id"])
    values = _in_force(uow, event, Rule.CHANGE_ORDER_INFLATION)
    amendment = Amendment(
        _document(p["document"]),
        parse_money(p["previous_amount"]),
        parse_money(p["new_amount"]),
        date.fromisoformat(p["end_date"]) if p.get("end_date") else None,
    )
    growth, most = Decimal(values["growth_percent"]), int(Decimal(values["max_amendments"]))
    _raise(uow, event, change_order_inflation(amendment, contract, growth, most))
    _raise(uow, event, lapsed_contract(amendment.document, contract, _day(event), "变更"))
    _overdue(event, uow, p["contract"]["id"], _day(event))


def judge_payment(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    if not p.get("contract_id"):
        return
    doc = p.get("document") or {"type": "payment_request", "id": p["payment_id"], "no": p.get("no")}
    contract = uow.payments.contract(p["contract_id"])
    _raise(uow, event, lapsed_contract(_document(doc), contract, _day(event), "付款"))
    _overdue(event, uow, p["contract_id"], _day(event))


def on_acceptance_recorded(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    on = date.fromisoformat(p["accepted_on"])
    contract = uow.payments.contract(p["contract_id"])
    if contract is not None:
        _raise(uow, event, lapsed_contract(contract.document, contract, on, "验收"))
    current = {int(p["milestone_no"]): (p["result"], on)} if p.get("milestone_no") else {}
    _overdue(event, uow, p["contract_id"], on, current)


def _overdue(event: Envelope, uow: RiskUnitOfWork, contract_id: str, today: date, current=None) -> None:  # noqa: ANN001
    contract = uow.payments.contract(contract_id)
    if contract is None:
        return
    acceptances = {**uow.payments.acceptances(contract_id), **(current or {})}
    grace = int(Decimal(_in_force(uow, event, Rule.OVERDUE_MILESTONE)["grace_days"]))
    _raise(uow, event, overdue_milestones(contract, acceptances, today, grace))


def _day(event: Envelope) -> date:
    return office_day(datetime.fromisoformat(event.occurred_at))


def _in_force(uow: RiskUnitOfWork, event: Envelope, rule: Rule) -> dict[str, Any]:
    return rule_book.parameters_in_force(uow, event.org, rule, datetime.fromisoformat(event.occurred_at))


SUBMISSION_RULES = {
    **{t: [(Rule.SINGLE_SOURCE_OVERUSE, judge_single_source)] for t in PROCUREMENT_SUBMITTED},
    "contract.amendment_submitted": [(Rule.CHANGE_ORDER_INFLATION, judge_amendment)],
    "payment.payment_requested": [(Rule.LAPSED_CONTRACT, judge_payment)],
    "payment.payment_request_resubmitted": [(Rule.LAPSED_CONTRACT, judge_payment)],
}

EVENT_HANDLERS = {"contract.acceptance_recorded": [on_acceptance_recorded]}
