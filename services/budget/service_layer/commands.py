from __future__ import annotations

from typing import Literal

from ic_platform.commands import Code, Command, Money, Text


class Document(Command):
    type: Code
    id: Code
    no: Code | None = None


class CheckFunds(Command):
    budget_line_id: Code
    amount: Money


class Reserve(Command):
    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "submit"
    unit: Code | None = None  # when given, the line must belong to this unit


class ReleaseDocument(Command):
    document: Document
    reason: Text


class CreateLine(Command):
    id: Code
    fiscal_year: int
    unit: Code
    functional_class: Code
    functional_class_name: str = ""
    economic_class: Code
    economic_class_name: str = ""
    project: str | None = None
    expenditure_kind: Literal["basic", "project"]
    fund_source: Code
    source_kind: Literal["initial", "supplementary", "transfer", "carried_forward"] = "initial"
    amount: Money
    control_mode: Literal["block", "warn", "tolerance"] = "block"


class ListLines(Command):
    fiscal_year: int | None = None
    unit: Code | None = None
    q: str | None = None
    page: int = 1
    page_size: int = 20
