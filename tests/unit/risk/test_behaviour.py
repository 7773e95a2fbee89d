"""Behaviour (domain/behaviour.py, service_layer/behaviour.py): the 2026 calendar as data, approvals and
payments out of hours, round amounts, the year-end spike and Benford's first-digit test (Nigrini's MAD bands)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.behaviour import (
    UnitYear,
    band,
    benford,
    day_kind,
    first_digit,
    mad,
    off_hours,
    round_amount,
    year_end_spike,
)
from services.risk.domain.rule_book import RULE_BOOK
from services.risk.domain.rules import Rule, Severity
from services.risk.service_layer import behaviour
from tests.unit.risk.payment_flow_samples import PAYMENT_FLOW_PAYLOADS
from tests.unit.risk.test_payments import FakeUow

DOC = DocumentRef("payment_request", "f1", "FK-1")


def documented(draft) -> None:  # noqa: ANN001
    book = RULE_BOOK[draft.rule]
    assert draft.severity is book.severity and set(draft.evidence) == set(book.evidence), draft.rule


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        ("2026-02-16", ("holiday", "春节")),  # 除夕, a Monday
        ("2026-02-14", ("working_weekend", "春节调休上班")),  # a Saturday worked
        ("2026-10-10", ("working_weekend", "国庆节调休上班")),
        ("2026-04-06", ("holiday", "清明节")),
        ("2026-11-28", ("weekend", None)),
        ("2026-11-27", ("workday", None)),
    ],
)
def test_the_2026_calendar(day, kind):
    assert day_kind(date.fromisoformat(day)) == kind


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00").astimezone(UTC)


def test_approvals_at_night_on_weekends_and_holidays():
    night = off_hours(DOC, shanghai("2026-11-25T23:10"), "审批通过", "head", 22, 7)
    assert (night.rule, night.severity) == (Rule.OFF_HOURS, Severity.LOW) and night.evidence["when"] == "night"
    documented(night)
    holiday = off_hours(DOC, shanghai("2026-10-03T10:00"), "付款执行", "cashier", 22, 7)
    assert (
        holiday.evidence["when"] == "holiday"
        and holiday.evidence["holiday"] == "国庆节"
        and "国庆节" in holiday.message
    )
    assert off_hours(DOC, shanghai("2026-11-28T10:00"), "审批通过", "head", 22, 7).evidence["when"] == "weekend"
    assert off_hours(DOC, shanghai("2026-02-14T10:00"), "审批通过", "head", 22, 7) is None  # 调休上班
    assert off_hours(DOC, shanghai("2026-11-25T09:00"), "审批通过", "head", 22, 7) is None
    assert off_hours(DOC, shanghai("2026-11-25T06:59"), "审批通过", "head", 22, 7) is not None


def test_round_amounts():
    draft = round_amount(DOC, Decimal("30000.00"), Decimal("1000.00"), Decimal("10000.00"))
    assert draft.rule is Rule.ROUND_AMOUNT
    documented(draft)
    assert round_amount(DOC, Decimal("30000.50"), Decimal("1000.00"), Decimal("10000.00")) is None
    assert round_amount(DOC, Decimal("9000.00"), Decimal("1000.00"), Decimal("10000.00")) is None


def test_the_payment_that_takes_a_year_end_month_above_the_ratio():
    months = {m: Decimal("50000") for m in range(1, 11)} | {12: Decimal("110000")}
    draft = year_end_spike(
        DOC, UnitYear("dzb", 2026, months), 12, Decimal("40000"), Decimal("2"), 11, Decimal("100000")
    )
    assert draft.rule is Rule.YEAR_END_SPIKE and draft.evidence["average"] == "50000.00"
    documented(draft)
    # Above before this payment already: warned then, not again.
    assert (
        year_end_spike(DOC, UnitYear("dzb", 2026, months), 12, Decimal("5000"), Decimal("2"), 11, Decimal("100000"))
        is None
    )
    assert (
        year_end_spike(DOC, UnitYear("dzb", 2026, months), 10, Decimal("50000"), Decimal("2"), 11, Decimal("1")) is None
    )


def test_first_digits_and_nigrinis_bands():
    assert [first_digit(Decimal(a)) for a in ("0.05", "123.00", "9", "0")] == [5, 1, 9, None]
    assert [band(v) for v in (0.004, 0.010, 0.014, 0.02)] == ["close", "acceptable", "marginal", "nonconformity"]
    rnd = random.Random(7)
    conforming = [0] * 9
    for _ in range(3000):
        conforming[first_digit(Decimal(str(round(10 ** rnd.uniform(2, 6), 2)))) - 1] += 1
    assert band(mad(conforming)) in ("close", "acceptable")
    uniform = [100] * 9
    assert mad(uniform) > 0.015


def test_benford_only_with_enough_payments_and_once():
    uniform = [40] * 9  # 360 payments, digits equally often: far from Benford
    draft = benford(DOC, "dzb", 2026, uniform, 300, False)
    assert (
        draft.rule is Rule.BENFORD and draft.evidence["band"] == "nonconformity" and draft.evidence["payments"] == 360
    )
    documented(draft)
    assert benford(DOC, "dzb", 2026, [30] * 9, 300, False) is None  # 270: too few to judge
    assert benford(DOC, "dzb", 2026, uniform, 300, True) is None  # warned this year already


# ── use cases ──
class Facts:
    """The behaviour rows over the payments fake."""

    def __init__(self, base) -> None:  # noqa: ANN001
        self.base, self.seen, self.months, self.digits, self.warned = base, set(), {}, {}, set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    def once(self, purpose, key):  # noqa: ANN001, ANN201
        if (purpose, key) in self.seen:
            return False
        self.seen.add((purpose, key))
        return True

    def add_to_month(self, org, unit, year, month, amount):  # noqa: ANN001, ANN201
        self.months[month] = self.months.get(month, Decimal("0")) + amount
        return dict(self.months)

    def add_digit(self, org, unit, year, digit):  # noqa: ANN001, ANN201
        counts = self.digits.setdefault((unit, year), [0] * 9)
        counts[digit - 1] += 1
        return list(counts), (unit, year) in self.warned

    def benford_warned(self, org, unit, year):  # noqa: ANN001, ANN201
        self.warned.add((unit, year))


def executed(n: int, amount: str, on: str, at: str) -> Envelope:
    p = {**PAYMENT_FLOW_PAYLOADS["payment.payment_executed"], "payment_id": f"f{n}", "no": f"FK-{n}"}
    p |= {"amount": amount, "executed_on": on, "contract_id": None}
    return Envelope(
        type="payment.payment_executed", payload=p, org="x", producer="payment", occurred_at=shanghai(at).isoformat()
    )


def test_executed_payments_feed_the_units_months_once_and_warn_at_night():
    uow = FakeUow()
    uow.payments = Facts(uow.payments)
    behaviour.on_payment_executed(executed(1, "12345.00", "2026-11-25", "2026-11-25T23:30"), uow)
    behaviour.on_payment_executed(executed(1, "12345.00", "2026-11-25", "2026-11-25T23:30"), uow)  # heard again
    assert uow.payments.months == {11: Decimal("12345.00")}
    assert set(uow.rules()) == {"off_hours"} and uow.warnings.raised[0].evidence["when"] == "night"


def test_a_decision_on_a_holiday_is_an_off_hours_approval_a_rejection_is_not():
    uow = FakeUow()
    payload = {"document": DOC.as_dict(), "task_id": "t", "step_no": 1, "decision": "approved", "decided_by": "head"}
    at = shanghai("2026-05-02T10:00").isoformat()
    behaviour.on_step_decided(
        Envelope(type="approval.step_decided", payload=payload, org="x", producer="approval", occurred_at=at), uow
    )
    assert uow.warnings.raised[0].evidence["holiday"] == "劳动节"
    rejected = {**payload, "decision": "rejected"}
    behaviour.on_step_decided(
        Envelope(type="approval.step_decided", payload=rejected, org="x", producer="approval", occurred_at=at), uow
    )
    assert len(uow.warnings.raised) == 1
