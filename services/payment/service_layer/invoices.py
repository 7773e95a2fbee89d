"""Invoices as a request lists them, turned into checked domain invoices (for expense claims and payment
requests alike): every error names the field of the invoice it is about ("invoices.2.number")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer

from ic_platform.commands import Code, Command, Day, Money, Text
from ic_platform.money import MoneyError, money_str, parse_money
from services.payment.domain.invoices import Invoice, InvoiceError, distinct


def _zero_or_more(value: Any) -> Decimal:
    try:
        return parse_money(value, positive=False)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


# A tax may be zero (免税, 0 % rate), never negative (checked by the domain with the figures).
Tax = Annotated[Decimal, BeforeValidator(_zero_or_more), PlainSerializer(money_str, return_type=str, when_used="json")]


class InvoiceLine(Command):
    """One invoice: the 20-digit 全电发票 number alone, or an older invoice's 8-digit number and its 10- or
    12-digit code; written however (full-width digits, blanks, dashes are normalised)."""

    number: str = Field(min_length=1, max_length=64)
    code: str | None = Field(default=None, max_length=64)
    issued_on: Day
    issuer_credit_code: Code
    issuer_name: Text | None = None
    amount: Money  # 价税合计, with tax
    tax: Tax = Decimal("0.00")  # 税额


def parse_invoices(lines: list[InvoiceLine], today: date | None = None, field: str = "invoices") -> list[Invoice]:
    """The checked invoices, or 422 naming the invoice and its field; the same invoice twice is refused."""
    invoices = []
    for i, line in enumerate(lines):
        try:
            invoices.append(
                Invoice.of(
                    number=line.number,
                    code=line.code,
                    issued_on=line.issued_on,
                    issuer_credit_code=line.issuer_credit_code,
                    amount=line.amount,
                    tax=line.tax,
                    issuer_name=line.issuer_name,
                    today=today,
                )
            )
        except InvoiceError as exc:
            raise exc.at(f"{field}.{i}") from None
    return distinct(invoices)
