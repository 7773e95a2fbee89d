"""Organisation use cases. The org service is the one owner of units and people; others cache them from
`org.unit_registered` / `org.user_registered`, published only when something actually changed."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ic_platform.context import CallContext
from ic_platform.errors import not_found
from ic_platform.paging import page_window, paged
from services.org.domain.model import Unit, User, hash_password
from services.org.service_layer import commands
from services.org.service_layer.unit_of_work import OrgUnitOfWork


def unit_view(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "leader_in_charge": unit.leader_in_charge,
        "responsible_for": list(unit.responsible_for),
    }


def user_view(user: User, unit: Unit | None = None) -> dict[str, Any]:
    view = {
        "username": user.username,
        "full_name": user.full_name,
        "unit": user.unit,
        "roles": list(user.roles),
        "title": user.title,
    }
    if unit is not None:
        view["unit_name"] = unit.name
    return view


def register_unit(cmd: commands.RegisterUnit, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    unit = Unit(**cmd.model_dump())
    with uow:
        if uow.org.unit(unit.code) != unit:
            uow.org.save_unit(ctx.org, unit)
            uow.publish(ctx.event("org.unit_registered", {"unit": unit_view(unit)}))
        uow.commit()
    return unit_view(unit)


def register_user(cmd: commands.RegisterUser, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    data = cmd.model_dump(exclude={"password"})
    with uow:
        if uow.org.unit(cmd.unit) is None:
            raise not_found("unit", cmd.unit, "单位")
        existing = uow.org.user(cmd.username)
        user = User(**data, password_hash="")
        if (
            existing is not None
            and replace(existing, password_hash="") == user
            and existing.check_password(cmd.password)
        ):
            uow.commit()
            return user_view(existing)
        uow.org.save_user(ctx.org, replace(user, password_hash=hash_password(cmd.password)))
        uow.publish(ctx.event("org.user_registered", {"user": user_view(user)}))
        uow.commit()
    return user_view(user)


def principal_view(user: User, unit: Unit | None, units_led: list[str]) -> dict[str, Any]:
    """A person as the gateway signs them in: their view plus what their data scope needs (units led)."""
    return {**user_view(user, unit), "units_led": units_led}


def get_user(username: str, uow: OrgUnitOfWork) -> dict[str, Any]:
    with uow:
        user = uow.org.user(username)
        unit = uow.org.unit(user.unit) if user else None
        units_led = uow.org.units_led_by(user.username) if user else []
    if user is None:
        raise not_found("user", username, "人员")
    return principal_view(user, unit, units_led)


def list_units(cmd: commands.ListUnits, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, units = uow.org.units(org=ctx.org, kind=cmd.kind, limit=limit, offset=offset)
    return paged([unit_view(u) for u in units], total, cmd.page, limit)


def list_users(cmd: commands.ListUsers, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, users = uow.org.users(org=ctx.org, unit=cmd.unit, role=cmd.role, limit=limit, offset=offset)
    return paged([user_view(u) for u in users], total, cmd.page, limit)


EVENT_HANDLERS: dict = {}
