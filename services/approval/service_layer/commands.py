from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from ic_platform.commands import Code, Command, Day, Instant, PageNumber, PageSize

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Decide(Command):
    task_id: Code
    decision: Literal["approve", "reject", "return"]
    comment: Comment = ""  # required for a rejection or a return; the domain says so, in Chinese


class GetRoute(Command):
    document_type: Code
    document_id: Code


class Page(Command):
    page: PageNumber = 1
    page_size: PageSize = 20


class MySubmissions(Page):
    status: Literal["in_progress", "approved", "rejected", "returned", "withdrawn"] | None = None


Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Withdraw(Command):
    document_type: Code
    document_id: Code
    reason: Reason = ""  # optional for a withdrawal


class ReturnToStep(Command):
    task_id: Code
    to_step: int = Field(ge=1, le=100)
    reason: Reason = ""  # required; the domain says so, in Chinese


class Reassign(Command):
    task_id: Code
    assignee: Code
    reason: Reason = ""  # required


class GrantDelegation(Command):
    delegate: Code
    starts_at: Instant
    ends_at: Instant
    reason: Reason = ""  # required
    principal: Code | None = None  # an administrator may record a delegation for someone; default: the caller


class RevokeDelegation(Command):
    delegation_id: Code


class RecordMeeting(Command):
    task_id: Code
    meeting_date: Day
    attendees: list[Code] = Field(max_length=100)
    decision: Literal["approve", "reject"]
    minutes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)] = ""  # required
    attachment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
