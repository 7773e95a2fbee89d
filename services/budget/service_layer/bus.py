"""The budget's message bus: every event handler of the service, registered here and nowhere else.

Heard (through the inbox, exactly once, in the transaction of the inbox row): approval's answers about the
documents that hold money (the ledger, handlers.py) and about the budget's own documents (adjustments,
overrides, year reopenings: control_events.py), the end of a matter application, new units (register.py), and
the desk (ic_platform/desk.py). The budget has no handlers of its own events. To add a handler: write
`def on_x(event, uow)` in the use-case module it belongs to, and list it below."""

from __future__ import annotations

from ic_platform.desk import desk_handlers
from ic_platform.messagebus import MessageBus
from services.budget.service_layer import control_events, handlers, register
from services.budget.service_layer.unit_of_work import DESK_DOCUMENTS

LEDGER = {
    "approval.completed": [handlers.on_approval_completed],
    "approval.withdrawn": [handlers.on_approval_withdrawn],
    "payment.application_cancelled": [handlers.on_spending_ended],
    "payment.application_closed": [handlers.on_spending_ended],
}
OWN_DOCUMENTS = {
    "approval.completed": [control_events.on_completed],
    "approval.returned": [control_events.on_returned],
    "approval.withdrawn": [control_events.on_withdrawn],
}

BUS = MessageBus(heard=[LEDGER, OWN_DOCUMENTS, register.EVENT_HANDLERS, desk_handlers(DESK_DOCUMENTS)])
