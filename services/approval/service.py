"""The approval service's transport: RPC entrypoints that parse a command and call a handler. Events
(org cache, submitted documents) arrive through the platform's inbox, see `handlers.EVENT_HANDLERS`."""

from __future__ import annotations

from nameko.rpc import rpc

from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.approval.service_layer import commands, handlers
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


class ApprovalService(PlatformService):
    name = "approval"
    platform = ServicePlatform(ApprovalUnitOfWork, handlers.EVENT_HANDLERS)

    @rpc(expected_exceptions=DomainError)
    def decide(self, **kwargs):
        return handlers.decide(commands.Decide.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def my_tasks(self, **kwargs):
        return handlers.my_tasks(commands.Page.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def decided_by_me(self, **kwargs):
        return handlers.decided_by_me(commands.Page.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_route(self, **kwargs):
        return handlers.get_route(commands.GetRoute.parse(kwargs), self.platform.uow(), self.platform.ctx)


SERVICE = ApprovalService
