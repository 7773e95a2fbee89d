"""Org's message bus (ic_platform/messagebus.py): every event handler of the service, registered here.

Heard: nothing yet (org is where the organisation's events start). No handlers of its own events. To add one:
`def on_x(event, uow)` in its use-case module, listed here."""

from __future__ import annotations

from ic_platform.messagebus import MessageBus
from services.org.service_layer import handlers

BUS = MessageBus(heard=[handlers.EVENT_HANDLERS])
