from __future__ import annotations

from typing import Literal

from pydantic import Field

from ic_platform.commands import Code, Command, Money, Text


class SubmitMatterApplication(Command):
    title: Text
    purpose: str = Field(default="", max_length=2000)
    budget_line_id: Code
    amount: Money
    major_matter: bool = False
    unit: Code  # the applicant's unit, set by the gateway from the signed-in user


class ListMatterApplications(Command):
    mine: bool = True
    status: Literal["reserving", "refused", "submitted", "approved", "rejected"] | None = None
    page: int = 1
    page_size: int = 20
