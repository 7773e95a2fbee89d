"""What the accounting service's RPCs accept: checked here, so bad input is a 422 naming the field, never a 500."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ic_platform.commands import Code, Command, FiscalYear, PageNumber, PageSize, Text

Period = Annotated[str, Field(pattern=r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$", description="会计期间 YYYY-MM")]
AccountCode = Annotated[str, Field(pattern=r"^[0-9]{4,8}$", description="会计科目代码")]


class VoucherId(Command):
    voucher_id: Code


class ListVouchers(Command):
    period: Period | None = None
    kind: Literal["accrual", "payment", "reversal"] | None = None
    unit: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class ReverseVoucher(Command):
    voucher_id: Code
    reason: Text


class ClosePeriod(Command):
    period: Period


class TrialBalance(Command):
    period: Period
    unit: Code | None = None


class Ledger(Command):
    account_code: AccountCode
    period_from: Period
    period_to: Period
    unit: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class Reconciliation(Command):
    fiscal_year: FiscalYear
    unit: Code | None = None
