from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ic_platform.commands import Code, Command, FiscalYear, Money, PageNumber, PageSize, Text


class Document(Command):
    type: Code
    id: Code
    no: Code | None = None


class CheckFunds(Command):
    budget_line_id: Code
    amount: Money
    override_id: Code | None = None  # 超预算审批: an approved override, previewed (not used)
    document: Document | None = None
    # A payment's gate asks as `actual` would decide: the part `from_document` (a contract, an application)
    # still holds on the line covers that much of the amount.
    from_document: Document | None = None


class Reserve(Command):
    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "submit"
    unit: Code | None = None  # when given, the line must belong to this unit
    override_id: Code | None = None  # 超预算审批: an approved override of this document, used once


class Commit(Command):
    """合同占用: money bound by a signed contract; `from_document` is the document whose pre-commitment on the
    same line it consumes (e.g. the matter application the contract was bought under)."""

    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "sign"
    from_document: Document | None = None
    unit: Code | None = None
    # With `from_document`: whatever the source still pre-commits after the take-over (a contract signed below
    # its application's estimate) is released in the same transaction, with this reason: one call, not two.
    release_rest: Text | None = None


class Actual(Command):
    """实际支出: money paid; `from_document` is the document whose commitment (or, lacking one, whose
    pre-commitment) the payment settles (e.g. the contract)."""

    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "pay"
    from_document: Document | None = None
    unit: Code | None = None


class Relieve(Command):
    """解除承诺: give back part or all of a document's commitment on a line."""

    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "relieve"
    reason: Text = "解除承诺"


class Reverse(Command):
    """冲销: undo part or all of a document's actual on a line; the money returns to available."""

    budget_line_id: Code
    amount: Money
    document: Document
    step: Code = "reverse"
    reason: Text = "冲销实际支出"


class ReleaseDocument(Command):
    document: Document
    reason: Text
    step: Code = "release"


class CreateLine(Command):
    id: Code
    fiscal_year: FiscalYear
    unit: Code
    functional_class: Code
    functional_class_name: Annotated[str, Field(max_length=200)] = ""
    economic_class: Code
    economic_class_name: Annotated[str, Field(max_length=200)] = ""
    project: Annotated[str, Field(max_length=200)] | None = None
    expenditure_kind: Literal["basic", "project"]
    fund_source: Code
    source_kind: Literal["initial", "supplementary", "transfer", "carried_forward"] = "initial"
    amount: Money
    # None: the setting of the line's economic class if one was set for the year (set_control), else block
    control_mode: Literal["block", "warn", "tolerance"] | None = None
    reason: Text | None = None  # kept in the line's history (变更记录); an import says "Excel 导入"


class ListLines(Command):
    fiscal_year: FiscalYear | None = None
    unit: Code | None = None
    q: Annotated[str, Field(max_length=100)] | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


GroupBy = Literal["line", "unit", "economic_class", "functional_class", "project", "expenditure_kind"]


class ExecutionReport(Command):
    """预算执行情况表: one row per group (line, unit, class, project or expenditure kind) of a year."""

    fiscal_year: FiscalYear
    group_by: GroupBy = "line"
    unit: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class Actuals(Command):
    """实际支出 per line of a year, for the accounting service's reconciliation."""

    fiscal_year: FiscalYear
    unit: Code | None = None


class ExecutionTrend(Command):
    fiscal_year: FiscalYear
    unit: Code | None = None
    budget_line_id: Code | None = None


class LineMoves(Command):
    budget_line_id: Code
    page: PageNumber = 1
    page_size: PageSize = 20
