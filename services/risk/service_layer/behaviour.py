"""Behaviour as use cases (domain/behaviour.py): decisions and executed payments against the calendar, round
amounts on payment requests and claims (in their assessment), and per paying unit the months' sums and the
first digits of executed payments (running counts: a dozen rows at most per event, never the history)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.behaviour import UnitYear, benford, first_digit, off_hours, round_amount, year_end_spike
from services.risk.domain.rules import Rule
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise


def on_step_decided(event: Envelope, uow: RiskUnitOfWork) -> None:
    """An approval given at night, on a weekend or on a holiday (rejections and returns are not approvals)."""
    p = event.payload
    if p.get("decision") != "approved":
        return
    _off_hours(event, uow, _document(p["document"]), "审批通过", p.get("decided_by"))


def on_payment_executed(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    document = _payment_document(p)
    _off_hours(event, uow, document, "付款执行", p.get("executor"))
    if not uow.payments.once("behaviour:executed", str(p["payment_id"])):
        return  # heard before: already in the unit's sums
    amount, on = parse_money(p["amount"]), date.fromisoformat(p["executed_on"])
    months = uow.payments.add_to_month(event.org, p["unit"], on.year, on.month, amount)
    values = _in_force(uow, event, Rule.YEAR_END_SPIKE)
    spike = year_end_spike(
        document,
        UnitYear(p["unit"], on.year, months),
        on.month,
        amount,
        Decimal(values["ratio"]),
        int(Decimal(values["from_month"])),
        Decimal(values["min_total"]),
    )
    _raise(uow, event, spike)
    digit = first_digit(amount)
    if digit is None:
        return
    counts, warned = uow.payments.add_digit(event.org, p["unit"], on.year, digit)
    min_count = int(Decimal(_in_force(uow, event, Rule.BENFORD)["min_count"]))
    draft = benford(document, p["unit"], on.year, counts, min_count, warned)
    if draft is not None:
        uow.payments.benford_warned(event.org, p["unit"], on.year)
        _raise(uow, event, draft)


def judge_round(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    values = _in_force(uow, event, Rule.ROUND_AMOUNT)
    draft = round_amount(
        _document(p["document"]),
        parse_money(p["amount"]),
        Decimal(values["round_to"]),
        Decimal(values["min_amount"]),
    )
    _raise(uow, event, draft)


def _off_hours(event: Envelope, uow: RiskUnitOfWork, document, what: str, actor: str | None) -> None:  # noqa: ANN001
    values = _in_force(uow, event, Rule.OFF_HOURS)
    at = datetime.fromisoformat(event.occurred_at)
    draft = off_hours(document, at, what, actor, int(values["night_start"]), int(values["night_end"]))
    _raise(uow, event, draft)


def _payment_document(p: dict[str, Any]):  # noqa: ANN202
    return _document(p.get("document") or {"type": "payment_request", "id": p["payment_id"], "no": p.get("no")})


def _in_force(uow: RiskUnitOfWork, event: Envelope, rule: Rule) -> dict[str, Any]:
    return rule_book.parameters_in_force(uow, event.org, rule, datetime.fromisoformat(event.occurred_at))


SUBMISSION_RULES = {
    t: [(Rule.ROUND_AMOUNT, judge_round)]
    for t in (
        "payment.payment_requested",
        "payment.payment_request_resubmitted",  # the corrected amount
        "payment.expense_claim_submitted",
        "payment.expense_claim_resubmitted",
    )
}

EVENT_HANDLERS = {
    "approval.step_decided": [on_step_decided],
    "payment.payment_executed": [on_payment_executed],
}
