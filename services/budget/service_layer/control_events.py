"""Approval's answers about the budget service's own documents (adjustments, overrides, year reopenings),
dispatched by document type; the ledger's generic handler leaves these types alone. Registered in bus.py beside
the ledger's handlers (they used to be reached from handlers.py by a deferred import: a hidden cycle); each keeps
the inbox name it had there, so events already heard stay heard once."""

from __future__ import annotations

from collections.abc import Callable

from ic_platform.envelope import Envelope
from ic_platform.messagebus import inbox_name
from services.budget.domain import adjustments as adj
from services.budget.domain import overrides as ovr
from services.budget.domain import year_end as ye
from services.budget.service_layer import adjustments, overrides, year_end
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

Handler = Callable[[Envelope, BudgetUnitOfWork], None]

_COMPLETED: dict[str, Handler] = {
    adj.DOCUMENT_TYPE: adjustments.on_completed,
    ovr.DOCUMENT_TYPE: overrides.on_completed,
    ye.REOPEN_DOCUMENT_TYPE: year_end.on_reopen_completed,
}
_RETURNED: dict[str, Handler] = {
    adj.DOCUMENT_TYPE: adjustments.on_returned,
    ovr.DOCUMENT_TYPE: overrides.on_returned,
    ye.REOPEN_DOCUMENT_TYPE: year_end.on_reopen_returned,
}
_WITHDRAWN: dict[str, Handler] = {
    adj.DOCUMENT_TYPE: adjustments.on_withdrawn,
    ovr.DOCUMENT_TYPE: overrides.on_withdrawn,
    ye.REOPEN_DOCUMENT_TYPE: year_end.on_reopen_withdrawn,
}


@inbox_name("handlers.on_budget_document_completed")
def on_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    if (handler := _COMPLETED.get(event.payload["document"]["type"])) is not None:
        handler(event, uow)


@inbox_name("handlers.on_budget_document_returned")
def on_returned(event: Envelope, uow: BudgetUnitOfWork) -> None:
    if (handler := _RETURNED.get(event.payload["document"]["type"])) is not None:
        handler(event, uow)


@inbox_name("handlers.on_budget_document_withdrawn")
def on_withdrawn(event: Envelope, uow: BudgetUnitOfWork) -> None:
    if (handler := _WITHDRAWN.get(event.payload["document"]["type"])) is not None:
        handler(event, uow)
