"""Approval's message bus: every event handler of the service, registered here and nowhere else.

Heard (through the inbox, exactly once): the org cache, every submitting event (routes), risk's warnings and
assessments, the supervision desk, organisation changes. Own (in the publishing transaction, before commit):
the notifications (消息通知) that tell the one person an event concerns. To add a handler: write
`def on_x(event, uow)` in the use-case module it belongs to, and list it in HEARD or OWN below."""

from __future__ import annotations

from typing import Any

from ic_platform.messagebus import MessageBus
from services.approval.service_layer import assessment, handlers, notifications, org_changes, supervision, warnings
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

HEARD = [
    handlers.EVENT_HANDLERS,
    {"risk.warning_raised": [warnings.on_warning_raised]},
    assessment.EVENT_HANDLERS,
    supervision.EVENT_HANDLERS,
    org_changes.EVENT_HANDLERS,
    {"org.user_registered": [org_changes.on_user_registered_by_admin]},
]
OWN = [notifications.NOTIFY]

BUS = MessageBus(heard=HEARD, own=OWN)


def unit_of_work(engine: Any) -> ApprovalUnitOfWork:  # an SQLAlchemy engine, as UnitOfWork takes it
    """A unit of work on the bus, for callers outside the service process (the trail cli, the seed, tests)."""
    return ApprovalUnitOfWork(engine, bus=BUS)
