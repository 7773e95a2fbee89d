"""The org service's transport."""

from __future__ import annotations

from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.org.service_layer import bodies, commands, handlers
from services.org.service_layer.unit_of_work import OrgUnitOfWork


class OrgService(PlatformService):
    name = "org"
    platform = ServicePlatform(OrgUnitOfWork, handlers.EVENT_HANDLERS)

    @rpc(expected_exceptions=DomainError)
    def authenticate(self, **kwargs):
        return handlers.authenticate(commands.Authenticate.parse(kwargs), self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def get_user(self, username: str):
        return handlers.get_user(username, self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def list_units(self, **kwargs):
        return handlers.list_units(commands.ListUnits.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_users(self, **kwargs):
        return handlers.list_users(commands.ListUsers.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def register_unit(self, **kwargs):
        return handlers.register_unit(commands.RegisterUnit.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def register_deciding_body(self, **kwargs):
        """党工委 / 主任办公会: members and quorum of a body that takes collective decisions."""
        return bodies.register_deciding_body(
            commands.RegisterDecidingBody.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def register_user(self, **kwargs):
        return handlers.register_user(commands.RegisterUser.parse(kwargs), self.platform.uow(), self.platform.ctx)


SERVICE = OrgService
