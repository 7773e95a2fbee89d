"""Procurement's message bus: every event handler of the service, registered here and nowhere else.

Heard (through the inbox, exactly once): approval's answers about applications (handlers.py) and about method
changes, a document of their own (method_change.py), the contract signed on an award, and the desk. To add a
handler: write `def on_x(event, uow)` in the use-case module it belongs to, and list it below."""

from __future__ import annotations

from ic_platform.desk import desk_handlers
from ic_platform.messagebus import MessageBus
from services.procurement.service_layer import handlers, method_change
from services.procurement.service_layer.unit_of_work import DESK_DOCUMENTS

METHOD_CHANGES = {
    "approval.completed": [method_change.on_approval_completed],
    "approval.returned": [method_change.on_approval_ended],
    "approval.withdrawn": [method_change.on_approval_ended],
}

BUS = MessageBus(heard=[handlers.EVENT_HANDLERS, METHOD_CHANGES, desk_handlers(DESK_DOCUMENTS)])
