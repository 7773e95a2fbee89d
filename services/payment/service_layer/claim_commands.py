"""Expense claim commands: the request's shape, each kind's detail, every bad field named in Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from ic_platform.commands import Code, Command, Day, Money, PageNumber, PageSize, Text, invalid_input
from services.payment.domain.claims import CITY_TIERS, RANKS, ClaimKind, ClaimStatus
from services.payment.service_layer.invoices import InvoiceLine, MoneyOrZero

Persons = Annotated[int, Field(ge=1, le=100_000)]
Days = Annotated[int, Field(ge=1, le=366)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class TripLine(Command):
    departed_on: Day
    returned_on: Day
    from_city: Name
    to_city: Name
    city_tier: Literal[CITY_TIERS]  # type: ignore[valid-type]
    nights: Annotated[int, Field(ge=0, le=365)]
    transport_mode: Literal["火车", "飞机", "轮船", "汽车", "其他"]
    transport_class: Name
    fare: MoneyOrZero = Decimal("0.00")
    lodging: MoneyOrZero = Decimal("0.00")
    meals: MoneyOrZero = Decimal("0.00")
    city_transport: MoneyOrZero = Decimal("0.00")


class TravelDetail(Command):
    traveller: Name
    rank: Literal[RANKS]  # type: ignore[valid-type]
    purpose: str = Field(default="", max_length=500)
    trips: Annotated[list[TripLine], Field(min_length=1, max_length=20)]


class MeetingDetail(Command):
    name: Text
    category: Literal["一类", "二类", "三类", "四类"]
    held_on: Day
    persons: Persons
    days: Days
    amount: Money


class TrainingDetail(Command):
    name: Text
    category: Literal["一类", "二类", "三类"]
    held_on: Day
    persons: Persons
    days: Days
    amount: Money


class Letter(Command):
    """公函: the visiting body's official letter, without which there is no official reception."""

    no: Code
    issuer: Text
    dated: Day


class Guest(Command):
    name: Name
    organisation: Text
    position: Name | None = None


class ReceptionDetail(Command):
    letter: Letter
    held_on: Day
    guests: Annotated[list[Guest], Field(min_length=1, max_length=100)]
    accompany: Annotated[int, Field(ge=0, le=100)] = 0
    meals: Annotated[int, Field(ge=1, le=30)] = 1
    amount: Money


class OtherItem(Command):
    description: Text
    amount: Money


class OtherDetail(Command):
    spent_on: Day
    items: Annotated[list[OtherItem], Field(min_length=1, max_length=50)]


DETAILS: dict[ClaimKind, type[BaseModel]] = {
    ClaimKind.TRAVEL: TravelDetail,
    ClaimKind.MEETING: MeetingDetail,
    ClaimKind.TRAINING: TrainingDetail,
    ClaimKind.RECEPTION: ReceptionDetail,
    ClaimKind.OTHER: OtherDetail,
}


class SubmitExpenseClaim(Command):
    title: Text
    kind: ClaimKind
    application_id: Code | None = None  # the approved matter application it follows; none: a standalone claim
    budget_line_id: Code | None = None  # standalone: required; with an application: its line (may be omitted)
    detail: dict[str, Any]
    invoices: Annotated[list[InvoiceLine], Field(max_length=50)] = []
    unit: Code  # the claimant's unit, set by the gateway from the signed-in user


def parse_detail(kind: ClaimKind, detail: dict[str, Any]) -> Any:
    """The kind's detail, checked; errors name `detail.<field>`."""
    try:
        return DETAILS[kind].model_validate(detail)
    except ValidationError as exc:
        refusal = invalid_input(exc)
        fields = [{**f, "field": f"detail.{f['field']}"} for f in refusal.details["fields"]]
        summary = "；".join(f"{f['field']}: {f['reason']}" for f in fields[:3])
        raise type(refusal)("invalid_input", f"输入有误：{summary}", {"fields": fields}) from None


class ClaimId(Command):
    claim_id: Code


class CancelExpenseClaim(Command):
    claim_id: Code
    reason: Text


class ResubmitExpenseClaim(Command):
    """A returned claim corrected (any field left out stays as it was). The kind, the application and the budget
    line stay: they are what the claim is; the detail and the invoices are examined again as on submission."""

    claim_id: Code
    title: Text | None = None
    detail: dict[str, Any] | None = None
    invoices: Annotated[list[InvoiceLine], Field(max_length=50)] | None = None


class ListExpenseClaims(Command):
    mine: bool = True
    status: ClaimStatus | None = None
    kind: ClaimKind | None = None
    page: PageNumber = 1
    page_size: PageSize = 20
