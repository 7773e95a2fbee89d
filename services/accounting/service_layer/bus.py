"""Accounting's message bus (ic_platform/messagebus.py): every event handler of the service, registered here.

Heard (through the inbox, exactly once): an acceptance accrues, an executed payment pays (posting.py). No
handlers of its own events. To add one: `def on_x(event, uow)` in its use-case module, listed here."""

from __future__ import annotations

from ic_platform.messagebus import MessageBus
from services.accounting.service_layer import posting

BUS = MessageBus(heard=[posting.EVENT_HANDLERS])
