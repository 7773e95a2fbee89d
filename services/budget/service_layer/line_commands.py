"""Commands of the line register: history, decomposition, control settings, export."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from ic_platform.commands import Code, Command, FiscalYear, Money, PageNumber, PageSize, Text


class LineHistory(Command):
    budget_line_id: Code
    page: PageNumber = 1
    page_size: PageSize = 20


class DecompositionPart(Command):
    unit: Code
    amount: Money


class DecomposeLine(Command):
    """指标分解: give parts of a line's available amount to units, as child lines."""

    budget_line_id: Code
    parts: Annotated[list[DecompositionPart], Field(min_length=1, max_length=200)]
    reason: Text
    request_id: Code | None = None  # idempotency: the same id again answers the first result


Rate = Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]


class SetControl(Command):
    """控制方式: on one line, or on every line of a year whose economic class starts with a prefix."""

    budget_line_id: Code | None = None
    economic_class: Code | None = None  # a prefix: 302 covers 30201, 30211, …
    fiscal_year: FiscalYear | None = None
    control_mode: Literal["block", "warn", "tolerance"]
    tolerance_rate: Rate | None = None  # percent of the line's amount
    tolerance: Money | None = None  # or an amount of money
    reason: Text

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.budget_line_id is None) == (self.economic_class is None):
            raise ValueError("请指定预算指标（budget_line_id）或经济分类（economic_class + fiscal_year）之一")
        if self.economic_class is not None and self.fiscal_year is None:
            raise ValueError("按经济分类设置时须指定年度（fiscal_year）")
        return self


class ExportLines(Command):
    fiscal_year: FiscalYear | None = None
    unit: Code | None = None
    q: Annotated[str, Field(max_length=100)] | None = None
