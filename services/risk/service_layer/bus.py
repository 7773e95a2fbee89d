"""Risk's message bus. Heard (through the inbox, exactly once): every other service's event, filed on its
document's dossier, and what the rules judge. Own (in the publishing transaction, before commit): risk's own
events, filed on their dossiers as they are written (handlers.OWN_EVENT_HANDLERS)."""

from __future__ import annotations

from typing import Any

from ic_platform import catalogue
from ic_platform.desk import with_desk_handlers
from ic_platform.handler_tables import combine
from ic_platform.messagebus import MessageBus
from services.risk.service_layer import (
    assessment,
    authority,
    behaviour,
    chain,
    handlers,
    ocds,
    payments,
    project,
    splitting,
    suppliers,
    warnings,
    warnings_work,
)
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

HEARD = with_desk_handlers(
    combine(
        handlers.EVENT_HANDLERS,
        warnings.EVENT_HANDLERS,
        chain.EVENT_HANDLERS,
        splitting.EVENT_HANDLERS,
        payments.EVENT_HANDLERS,
        suppliers.EVENT_HANDLERS,
        behaviour.EVENT_HANDLERS,
        authority.EVENT_HANDLERS,
        assessment.EVENT_HANDLERS,
        warnings_work.EVENT_HANDLERS,
        project.EVENT_HANDLERS,
        ocds.EVENT_HANDLERS,
    ),
    owners_from=catalogue.approval_requests(),
)

BUS = MessageBus(heard=[HEARD], own=[handlers.OWN_EVENT_HANDLERS])


def unit_of_work(engine: Any) -> RiskUnitOfWork:  # an SQLAlchemy engine, as UnitOfWork takes it
    """A unit of work on the bus, for callers outside the service process (the replay, the cli, tests)."""
    return RiskUnitOfWork(engine, bus=BUS)
