"""The procurement service's commands: validated input, fields named in Chinese when refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from ic_platform.commands import Code, Command, Day, Instant, Money, PageNumber, PageSize, Text
from services.procurement.domain.application import Status
from services.procurement.domain.kinds import Category, Form, Method
from services.procurement.domain.tender import EvaluationMethod

Quantity = Annotated[Decimal, Field(gt=0, max_digits=15, decimal_places=3)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class ItemInput(Command):
    name: Text
    category: Category
    quantity: Quantity
    unit_price: Money  # 预估单价
    unit: str = Field(default="", max_length=20)  # 计量单位
    catalogue_code: Code | None = None
    specification: str = Field(default="", max_length=2000)


class SubmitApplication(Command):
    title: Text
    items: list[ItemInput] = Field(min_length=1, max_length=200)
    method: Method
    form: Form | None = None
    justification: str | None = Field(default=None, max_length=2000)
    matter_application_id: Code | None = None
    budget_line_id: Code | None = None
    purchaser: Code | None = None
    major_matter: bool = False
    unit: Code  # the applicant's unit, set by the gateway from the signed-in user


class ResubmitApplication(Command):
    application_id: Code
    method: Method | None = None
    justification: str | None = Field(default=None, max_length=2000)


class RequestMethodChange(Command):
    application_id: Code
    method: Method
    reason: str | None = Field(default=None, max_length=2000)


class PreviewMethod(Command):
    items: list[ItemInput] = Field(min_length=1, max_length=200)
    on: Day | None = None


class CancelApplication(Command):
    application_id: Code
    reason: Reason


class ListApplications(Command):
    mine: bool = True
    status: Status | None = None
    method: Method | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class PublishIntention(Command):
    application_id: Code
    published_on: Day
    where: Text  # 公开媒体
    expected_start: Day | None = None


class QuoteInput(Command):
    supplier_id: Code
    amount: Money
    quoted_on: Day
    evidence: list[Code] = Field(default_factory=list, max_length=20)  # 附件编号


class ConcludeMarketResearch(Command):
    application_id: Code
    quotes: list[QuoteInput] = Field(min_length=1, max_length=50)
    chosen_supplier_id: Code
    justification: str | None = Field(default=None, max_length=2000)
    decided_on: Day
    notice_date: Day


class PublishTender(Command):
    application_id: Code
    published_at: Instant
    submission_deadline: Instant
    evaluation_method: EvaluationMethod = EvaluationMethod.LOWEST_PRICE


class ReceiveBid(Command):
    tender_id: Code
    supplier_id: Code
    amount: Money
    received_at: Instant


class DisqualifyBid(Command):
    tender_id: Code
    bid_id: Code
    reason: Reason


class EvaluateTender(Command):
    tender_id: Code
    evaluated_at: Instant
    scores: dict[Code, Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]] | None = None


class AwardTender(Command):
    tender_id: Code
    bid_id: Code
    decided_on: Day
    notice_date: Day
    justification: str | None = Field(default=None, max_length=2000)


class AwardDirectly(Command):
    application_id: Code
    supplier_id: Code
    amount: Money
    decided_on: Day
    notice_date: Day
    justification: str | None = Field(default=None, max_length=2000)


class RegisterSupplier(Command):
    credit_code: str = Field(min_length=1, max_length=40)
    name: Text
    legal_representative: Text
    sme: bool = False


class MatterFunding(Command):
    """Does a matter application fund a live procurement application? (asked by contract before a direct
    contract stands on it: one matter application's money goes by one road)."""

    matter_application_id: Code


class SupplierOn(Command):
    """A supplier's standing on a day (asked by contract when a contract is drafted and signed)."""

    supplier_id: Code
    on: Day


class ListSuppliers(Command):
    q: str | None = Field(default=None, max_length=100)
    page: PageNumber = 1
    page_size: PageSize = 20


class SetSupplierStanding(Command):
    supplier_id: Code
    standing: Annotated[str, Field(pattern="^(suspended|blacklisted)$")]
    reason: Reason
    starts_on: Day
    ends_on: Day | None = None


class Period(Command):
    date_from: Day
    date_to: Day
    unit: Code | None = None  # one unit (within the caller's scope); none: every unit the caller reads


class SupplierAnalysis(Period):
    pass


class ProcurementReport(Period):
    group_by: list[Annotated[str, Field(pattern="^(unit|method|category)$")]] = Field(
        default_factory=lambda: ["unit", "method", "category"], min_length=1, max_length=3
    )


class AccountInput(Command):
    bank_name: Text  # 开户行
    account_name: Text  # 户名
    account_no: Annotated[str, Field(min_length=1, max_length=40)]


class ChangeSupplierAccount(Command):
    """add: `account`; replace: `account_no` and `account`; remove: `account_no`. Every change needs a reason."""

    supplier_id: Code
    change: Annotated[str, Field(pattern="^(add|replace|remove)$")]
    account_no: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    account: AccountInput | None = None
    reason: Reason


class LiftSupplierStanding(Command):
    supplier_id: Code
    on: Day
    reason: Reason
