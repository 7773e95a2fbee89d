"""The org service's transport."""

from __future__ import annotations

from ic_platform.config import settings
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.org.service_layer import admin, bodies, commands, handlers, sessions
from services.org.service_layer.bus import BUS
from services.org.service_layer.unit_of_work import OrgUnitOfWork


class OrgService(PlatformService):
    name = "org"
    platform = ServicePlatform(OrgUnitOfWork, bus=BUS)

    policy = sessions.Policy.of(settings())

    @rpc(expected_exceptions=DomainError)
    def authenticate(self, **kwargs):
        """Sign-in: the person, and a new session (its first refresh token); counted and locked per username."""
        cmd = commands.Authenticate.parse(kwargs)
        return sessions.sign_in(cmd, self.platform.uow(), self.platform.ctx, self.policy)

    @rpc(expected_exceptions=DomainError)
    def refresh_session(self, **kwargs):
        """The person as org knows them now, and the session's next refresh token (the one given is used up)."""
        return sessions.refresh(commands.Refresh.parse(kwargs), self.platform.uow(), self.policy)

    @rpc(expected_exceptions=DomainError)
    def end_session(self, **kwargs):
        return sessions.end_session(commands.EndSession.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def change_password(self, **kwargs):
        return sessions.change_password(
            commands.ChangePassword.parse(kwargs), self.platform.uow(), self.platform.ctx, self.policy
        )

    @rpc(expected_exceptions=DomainError)
    def deactivate_user(self, **kwargs):
        """停用: no sign-in or refresh from now on, sessions ended, open approval tasks handed on (admin only)."""
        return admin.deactivate_user(commands.DeactivateUser.parse(kwargs), self.platform.uow(), self.platform.ctx)

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

    # ── administration (组织机构管理; admin only) ──
    @rpc(expected_exceptions=DomainError)
    def roles_catalogue(self):
        return admin.roles_catalogue(self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def search_users(self, **kwargs):
        return admin.search_users(commands.SearchUsers.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_person(self, username: str):
        return admin.get_person(username, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def unit_tree(self):
        return admin.unit_tree(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def add_user(self, **kwargs):
        """A new person with a one-time password, answered once."""
        return admin.add_user(commands.AddUser.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def change_roles(self, **kwargs):
        return admin.change_roles(commands.ChangeRoles.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def reset_password(self, **kwargs):
        return admin.reset_password(commands.ResetPassword.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def assign_unit_head(self, **kwargs):
        return admin.assign_unit_head(commands.AssignUnitHead.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_deciding_bodies(self):
        return admin.list_bodies(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def change_deciding_body(self, **kwargs):
        return admin.change_deciding_body(
            commands.ChangeDecidingBody.parse(kwargs), self.platform.uow(), self.platform.ctx
        )


SERVICE = OrgService
