"""The contract service's transport. Only the platform's entrypoints (ping, dead letters) until its use
cases arrive; they will parse a command and call a handler, as in the budget service."""

from __future__ import annotations

from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.contract.service_layer import handlers
from services.contract.service_layer.unit_of_work import ContractUnitOfWork


class ContractService(PlatformService):
    name = "contract"
    platform = ServicePlatform(ContractUnitOfWork, handlers.EVENT_HANDLERS)


SERVICE = ContractService
