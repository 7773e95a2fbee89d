"""What the contract service's RPCs accept: checked here, so bad input is a 422 naming the field, never a 500."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from ic_platform.commands import Code, Command, Day, Money, PageNumber, PageSize, Text
from services.contract.domain.contract import Status
from services.contract.domain.terms import Condition

Percent = Annotated[Decimal, Field(gt=0, le=100, max_digits=7, decimal_places=4)]
Days = Annotated[int, Field(ge=0, le=3650)]
LongText = Annotated[str, Field(max_length=2000)]


class MilestoneIn(Command):
    """One payment milestone (付款节点): an amount or a share of the contract amount, and its condition."""

    name: Text
    condition: Condition
    amount: Money | None = None
    share: Percent | None = None
    progress: Percent | None = None
    planned_date: Day | None = None
    payment_days: Days | None = None


class DraftContract(Command):
    # The basis, one of the two: an award heard from procurement, or (for spending below the policy's
    # direct-contract amount, which needs no procurement) an approved matter application.
    award_id: Code | None = None
    matter_application_id: Code | None = None
    title: Text
    supplier_id: Code
    amount: Money
    start_date: Day
    end_date: Day
    milestones: list[MilestoneIn] = Field(min_length=1, max_length=50)
    warranty_end: Day | None = None
    scope: LongText = ""
    purchaser: Code
    unit: Code  # the drafter's unit, set by the gateway from the signed-in user


class ContractId(Command):
    contract_id: Code


class CancelContract(Command):
    """作废 a contract never signed: its reason is required."""

    contract_id: Code
    reason: Text


class SignContract(Command):
    contract_id: Code
    signed_on: Day


class ProposeAmendment(Command):
    contract_id: Code
    reason: Text
    amount: Money | None = None
    end_date: Day | None = None
    scope: LongText | None = None
    milestones: list[MilestoneIn] | None = Field(default=None, min_length=1, max_length=50)
    # The award of a new procurement for the same supplier covering an increase beyond the 10 % (its one use).
    new_award_id: Code | None = None


class MatterContract(Command):
    matter_application_id: Code


class TerminateContract(Command):
    contract_id: Code
    kind: Literal["rescission", "termination"]
    terminated_on: Day
    reason: Text
    settlement_amount: Money | None = None


class ListContracts(Command):
    status: Status | None = None
    supplier_id: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class ExecutionReport(Command):
    """合同执行情况表: per contract, or summed by unit or supplier, as of a day (default today)."""

    group_by: Literal["contract", "unit", "supplier"] = "contract"
    unit: Code | None = None
    supplier_id: Code | None = None
    as_of: Day | None = None
    page: PageNumber = 1
    page_size: PageSize = 20


class ContractExecution(Command):
    contract_id: Code
    as_of: Day | None = None


class RecordAcceptance(Command):
    """An acceptance (验收) of a milestone (`milestone_no`) or of a delivery (`delivery`)."""

    contract_id: Code
    milestone_no: Annotated[int, Field(ge=1, le=50)] | None = None
    delivery: Text | None = None
    result: Literal["passed", "failed", "passed_with_remarks"]
    accepted_on: Day
    members: list[Code] = Field(min_length=1, max_length=30)
    findings: LongText = ""


class CertifyProgress(Command):
    """A progress certificate (进度确认): the work stands at `percent` on `certified_on`."""

    contract_id: Code
    percent: Percent
    certified_on: Day
    remarks: LongText = ""


class Document(Command):
    type: Code
    id: Code
    no: Code | None = None


class ReservePayment(Command):
    """A payment request reserves its amount against a contract milestone (before approval)."""

    contract_id: Code
    milestone_no: Annotated[int, Field(ge=1, le=50)]
    amount: Money
    payment: Document


class CheckPayment(Command):
    """The payment form's dry run: would this payment pass the contract's rules now (nothing reserved)?"""

    contract_id: Code
    milestone_no: Annotated[int, Field(ge=1, le=50)]
    amount: Money


class SettlePayment(Command):
    """Execution: the reserved payment is checked again and marked paid."""

    contract_id: Code
    payment: Document
    paid_on: Day
    reference: Text | None = None
    dry_run: bool = False


class ReleasePayment(Command):
    contract_id: Code
    payment: Document
