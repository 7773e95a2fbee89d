"""Commands of the expenditure standards (支出标准) and the 三公经费 caps. Kept apart from commands.py so the
feature stays in its own modules."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer

from ic_platform.commands import Code, Command, Day, Money, PageNumber, PageSize, Text
from ic_platform.money import MoneyError, money_str, parse_money

KindName = Literal["travel", "meeting", "training", "reception"]
CategoryName = Literal["overseas_trips", "official_vehicles", "official_reception"]
Count = Annotated[int, Field(ge=1, le=100_000)]


def _money_or_zero(value: Any) -> Decimal:
    try:
        amount = parse_money(value, positive=False)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None
    if amount < 0:
        raise ValueError("金额不能为负数")
    return amount


# An expense's part may be nothing (a trip without lodging), never less.
MoneyOrZero = Annotated[
    Decimal, BeforeValidator(_money_or_zero), PlainSerializer(money_str, return_type=str, when_used="json")
]


class AddStandardVersion(Command):
    """A new version of a standard; the first version of a new code needs kind, name and key."""

    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")]
    kind: KindName | None = None
    name: Text | None = None
    key: dict[str, str] | None = None
    limits: dict[str, Any]
    action: Literal["block", "flag"]
    effective_from: Day


class ListStandards(Command):
    kind: KindName | None = None
    code: Code | None = None
    as_of: Day | None = None  # only the versions in force on this day
    page: PageNumber = 1
    page_size: PageSize = 20


class CheckStandard(Command):
    kind: KindName
    expense_date: Day
    details: dict[str, Any]


class TravelDetails(Command):
    city_tier: Literal["一类", "二类", "三类"]
    city: Text | None = None  # a named city with its own standard (e.g. 北京) takes precedence over the tier
    rank: Literal["省部级", "厅局级", "其余人员"]
    persons: Count = 1
    days: Count
    lodging: MoneyOrZero
    meals: MoneyOrZero
    transport: MoneyOrZero


class MeetingDetails(Command):
    category: Literal["一类", "二类", "三类", "四类"]
    persons: Count
    days: Count
    amount: Money


class TrainingDetails(Command):
    category: Literal["一类", "二类", "三类"]
    persons: Count
    days: Count
    amount: Money


class ReceptionDetails(Command):
    guests: Count  # 接待对象人数
    accompany: Annotated[int, Field(ge=0, le=100_000)] = 0  # 陪餐人数
    meals: Count = 1
    amount: Money


DETAILS = {
    "travel": TravelDetails,
    "meeting": MeetingDetails,
    "training": TrainingDetails,
    "reception": ReceptionDetails,
}


class SetThreePublicCap(Command):
    fiscal_year: Annotated[int, Field(ge=2000, le=2100)]
    category: CategoryName
    amount: Annotated[Decimal, BeforeValidator(_money_or_zero)]
    unit: Code | None = None  # None: the whole organisation


class ThreePublicReport(Command):
    fiscal_year: Annotated[int, Field(ge=2000, le=2100)]
    unit: Code | None = None
