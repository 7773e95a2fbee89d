"""Contract's message bus (ic_platform/messagebus.py): every event handler of the service, registered here.

Heard (through the inbox, exactly once): awards, unit names, approval's answers about contracts and amendments,
and the desk's (handlers.EVENT_HANDLERS). No handlers of its own events. To add one: `def on_x(event, uow)` in
its use-case module, listed here."""

from __future__ import annotations

from ic_platform.messagebus import MessageBus
from services.contract.service_layer import handlers

BUS = MessageBus(heard=[handlers.EVENT_HANDLERS])
