"""Commands of the budget control documents: adjustments, overrides, final accounts, year close and reopen."""

from __future__ import annotations

from typing import Literal

from ic_platform.commands import Code, Command, FiscalYear, Money, PageNumber, PageSize, Text
from services.budget.domain.adjustments import Status as AdjustmentStatus
from services.budget.service_layer.commands import Document


class SubmitAdjustment(Command):
    """预算调整: a transfer (调剂) names both lines; a supplementary (追加) the line and the fund source."""

    kind: Literal["transfer", "supplementary"]
    to_budget_line_id: Code
    from_budget_line_id: Code | None = None
    amount: Money
    reason: Text
    fund_source: Code | None = None
    unit: Code | None = None  # when given, the line the money comes from (or goes to) must be this unit's


class AdjustmentId(Command):
    adjustment_id: Code


class ResubmitAdjustment(Command):
    adjustment_id: Code
    reason: Text | None = None


class ListAdjustments(Command):
    mine: bool = True
    status: AdjustmentStatus | None = None
    fiscal_year: FiscalYear | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class RequestOverride(Command):
    """超预算审批: let `document` exceed `budget_line_id` by at most `amount`, once, when approved."""

    budget_line_id: Code
    document: Document
    amount: Money
    reason: Text
    unit: Code | None = None


class OverrideId(Command):
    override_id: Code


class FinalAccounts(Command):
    fiscal_year: FiscalYear
    unit: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class CloseYear(Command):
    fiscal_year: FiscalYear
    reason: Text


class RequestReopen(Command):
    fiscal_year: FiscalYear
    reason: Text
    unit: Code


class FiscalYearOf(Command):
    fiscal_year: FiscalYear
