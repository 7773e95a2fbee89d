"""The procurement service's transport. Only the platform's entrypoints (ping, dead letters) until its use
cases arrive; they will parse a command and call a handler, as in the budget service."""

from __future__ import annotations

from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.procurement.service_layer import handlers
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork


class ProcurementService(PlatformService):
    name = "procurement"
    platform = ServicePlatform(ProcurementUnitOfWork, handlers.EVENT_HANDLERS)


SERVICE = ProcurementService
