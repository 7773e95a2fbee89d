"""A matter application's expense section, checked against the budget's expenditure standards (支出标准).

Budget owns the standards and answers `check_standard` without side effects; payment owns the application,
so payment decides and publishes: a `block` standard exceeded refuses the submission before anything is
stored or reserved; a `flag` standard exceeded lets it through and `payment.standard_exceeded` is published in
the same transaction that stores the application (so the fact is on the document's dossier even if the
budget later refuses the money)."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from ic_platform.commands import Command, Day
from ic_platform.context import CallContext
from ic_platform.errors import Conflict
from services.payment.domain.model import MatterApplication


class ExpenseSection(Command):
    """What the application will spend, as the standards measure it (see budget's check_standard)."""

    kind: Literal["travel", "meeting", "training", "reception"]
    expense_date: Day
    details: dict[str, Any]


class Standards(Protocol):
    def check_standard(self, **kwargs: Any) -> dict[str, Any]: ...


def check_expense(expense: ExpenseSection | None, budget: Standards) -> dict[str, Any] | None:
    """The budget's answer, or None without an expense section; refuses (409) over a block standard."""
    if expense is None:
        return None
    answer = budget.check_standard(**expense.model_dump(mode="json"))
    if answer["blocked"]:
        raise Conflict(
            "expenditure_standard_exceeded",
            answer["message"],
            {
                "citation": answer["citation"],
                "standard": answer["standard"],
                "items": answer["items"],
                "excess_total": answer["excess_total"],
                "action": answer["action"],
            },
        )
    return answer


def publish_if_exceeded(uow: Any, ctx: CallContext, app: MatterApplication, answer: dict[str, Any] | None) -> None:
    """A flag standard exceeded: filed on the application's dossier, for the risk service to weigh."""
    if answer is None or answer["within"]:
        return
    standard = answer["standard"]
    uow.publish(
        ctx.event(
            "payment.standard_exceeded",
            {
                "document": app.document,
                "unit": app.unit,
                "applicant": app.applicant,
                "kind": answer["kind"],
                "expense_date": answer["expense_date"],
                "standard_code": standard["code"],
                "standard_version": int(standard["version"]),
                "citation": answer["citation"],
                "action": answer["action"],
                "excess_total": answer["excess_total"],
                "items": [
                    {
                        "item": i["item"],
                        "label": i["label"],
                        "limit": str(i["limit"]),
                        "asked": str(i["asked"]),
                        "excess": str(i["excess"]),
                    }
                    for i in answer["items"]
                    if i["exceeded"]
                ],
            },
            subject=app.subject,
            actor=app.applicant,
        )
    )
