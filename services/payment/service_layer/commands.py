from __future__ import annotations

from pydantic import Field

from ic_platform.commands import Code, Command, Money, PageNumber, PageSize, Text
from services.payment.domain.model import Status
from services.payment.service_layer.standards import ExpenseSection


class SubmitMatterApplication(Command):
    title: Text
    purpose: str = Field(default="", max_length=2000)
    budget_line_id: Code
    amount: Money
    major_matter: bool = False
    unit: Code  # the applicant's unit, set by the gateway from the signed-in user
    expense: ExpenseSection | None = None  # checked against the expenditure standards before reserving


class ResubmitMatterApplication(Command):
    """Only the wording may change on a resubmission (see MatterApplication.resubmit); a refused application
    may name the approved over-budget override (超预算审批) its new reservation uses."""

    application_id: Code
    title: Text | None = None
    purpose: str | None = Field(default=None, max_length=2000)
    override_id: Code | None = None


class EndMatterApplication(Command):
    """Cancel (作废) or close (结项) an application, with the reason (required)."""

    application_id: Code
    reason: Text


class ListMatterApplications(Command):
    mine: bool = True
    status: Status | None = None  # any status an application can have
    page: PageNumber = 1
    page_size: PageSize = 20
