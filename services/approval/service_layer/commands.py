from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from ic_platform.commands import Code, Command

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Decide(Command):
    task_id: Code
    decision: Literal["approve", "reject", "return"]
    comment: Comment = ""  # required for a rejection or a return; the domain says so, in Chinese


class GetRoute(Command):
    document_type: Code
    document_id: Code


class Page(Command):
    page: int = 1
    page_size: int = 20
