"""Organisation administration as use cases (组织机构管理). Only a system administrator may; each change is
announced (`org.user_registered`, `org.user_roles_changed`, `org.user_deactivated`, `org.password_reset`,
`org.unit_head_assigned`, `org.deciding_body_changed`) in the same transaction, through the outbox. Approval
hears them: it updates its copy of the organisation, records each change on its trail (留痕), and hands the
open tasks of a deactivated person to someone who may hold them (转办)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform.context import CallContext
from ic_platform.errors import DomainError, not_found
from ic_platform.paging import page_window, paged
from services.org.domain import admin
from services.org.domain.bodies import DecidingBody
from services.org.domain.model import ROLES, User, hash_password
from services.org.service_layer import commands
from services.org.service_layer.handlers import unit_view, user_view
from services.org.service_layer.unit_of_work import OrgUnitOfWork


def _admin(ctx: CallContext, what: str) -> str:
    is_admin = ctx.viewer is not None and ctx.viewer.has_any(admin.ADMIN)
    admin.require_admin(is_admin, what)
    return ctx.viewer.username


def person_view(user: User, uow: OrgUnitOfWork) -> dict[str, Any]:
    unit = uow.org.unit(user.unit)
    return {
        **user_view(user, unit),
        "active": user.active,
        "role_labels": [admin.ROLE_LABELS.get(r, r) for r in user.roles],
        "units_led": [unit_view(u) for u in uow.org.units_where_leader(user.username)],
        "heads": [u for u in ([unit_view(unit)] if unit and "unit_head" in user.roles else [])],
    }


def _user(uow: OrgUnitOfWork, username: str) -> User:
    user = uow.org.user(username)
    if user is None:
        raise not_found("user", username, "人员")
    return user


def roles_catalogue(ctx: CallContext) -> dict[str, Any]:
    """The roles a person may hold and the posts that lead a unit, with their Chinese names."""
    _admin(ctx, "查看角色")
    return {
        "roles": [{"code": r, "label": admin.ROLE_LABELS.get(r, r)} for r in ROLES],
        "posts": [{"code": p, "label": label} for p, label in admin.POSTS.items()],
    }


def search_users(cmd: commands.SearchUsers, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    _admin(ctx, "查看人员名册")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, users = uow.org.search_users(
            org=ctx.org, q=cmd.q, unit=cmd.unit, role=cmd.role, active=cmd.active, limit=limit, offset=offset
        )
        names = {u.code: u.name for u in uow.org.all_units(ctx.org)}
    items = [
        {
            **user_view(u),
            "unit_name": names.get(u.unit, u.unit),
            "active": u.active,
            "role_labels": [admin.ROLE_LABELS.get(r, r) for r in u.roles],
        }
        for u in users
    ]
    return paged(items, total, cmd.page, limit)


def get_person(username: str, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    _admin(ctx, "查看人员")
    with uow:
        return person_view(_user(uow, username), uow)


def unit_tree(uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Every unit with who heads it and who is in charge of it, under the office (街道办事处)."""
    _admin(ctx, "查看单位")
    with uow:
        units = uow.org.all_units(ctx.org)
        heads = uow.org.heads_by_unit(ctx.org)
        people = uow.org.head_counts(ctx.org)
        names = uow.org.full_names(ctx.org, [u.leader_in_charge for u in units if u.leader_in_charge])
    items = [
        {
            **unit_view(u),
            "leader_name": names.get(u.leader_in_charge or "", None),
            "heads": heads.get(u.code, []),
            "people": people.get(u.code, 0),
        }
        for u in units
    ]
    kinds = {"office": "机关科室", "community": "社区"}
    return {
        "name": "街道办事处",
        "children": [
            {"kind": kind, "name": label, "children": [i for i in items if i["kind"] == kind]}
            for kind, label in kinds.items()
        ],
    }


def add_user(cmd: commands.AddUser, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A new person with a one-time password, shown once in the answer (stored only as its hash)."""
    actor = _admin(ctx, "新增人员")
    roles = admin.checked_roles(cmd.roles)
    password = admin.one_time_password(cmd.username)
    with uow:
        if uow.org.unit(cmd.unit) is None:
            raise DomainError("unit_not_found", f"单位不存在: {cmd.unit}", {"field": "unit", "unit": cmd.unit}, 422)
        if uow.org.user(cmd.username) is not None:
            raise DomainError("org_username_taken", f"用户名 {cmd.username} 已被使用", {"field": "username"}, 409)
        user = User(cmd.username, cmd.full_name, cmd.unit, roles, cmd.title, hash_password(password))
        uow.org.save_user(ctx.org, user)
        uow.publish(ctx.event("org.user_registered", {"user": user_view(user), "by": actor}))
        view = person_view(user, uow)
        uow.commit()
    return {**view, "one_time_password": password}


def change_roles(cmd: commands.ChangeRoles, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    actor = _admin(ctx, "调整人员角色")
    with uow:
        before = _user(uow, cmd.username)
        after = admin.change_roles(before, cmd.roles, actor=actor, title=cmd.title)
        if after != before:
            uow.org.save_user(ctx.org, after)
            _roles_changed(uow, ctx, before, after, actor)
        view = person_view(after, uow)
        uow.commit()
    return view


def _roles_changed(uow: OrgUnitOfWork, ctx: CallContext, before: User, after: User, actor: str) -> None:
    payload = {"user": user_view(after), "previous_roles": list(before.roles), "by": actor}
    uow.publish(ctx.event("org.user_roles_changed", payload))


def deactivate_user(cmd: commands.DeactivateUser, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """An administrator switches an account off: no sign-in, no refresh; its sessions end now (the gateway
    refuses their access tokens too, from the `sessions` answered); approval hands their open tasks on."""
    actor = _admin(ctx, "停用账号")
    now = datetime.now(UTC)
    with uow:
        user = _user(uow, cmd.username)
        sessions = uow.sessions.live_families(cmd.username, now)
        if not user.active:
            uow.commit()
            return {"username": cmd.username, "active": False, "sessions_revoked": 0, "sessions": sessions}
        uow.org.save_user(ctx.org, admin.deactivate(user, actor=actor))
        revoked = uow.sessions.revoke_user(cmd.username, now)
        payload = {"user": user_view(user), "by": actor, "sessions_revoked": revoked}
        uow.publish(ctx.event("org.user_deactivated", payload))
        uow.commit()
    return {"username": cmd.username, "active": False, "sessions_revoked": revoked, "sessions": sessions}


def reset_password(cmd: commands.ResetPassword, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A new one-time password, shown once; the person's sessions end (whoever knew the old one is out)."""
    actor = _admin(ctx, "重置密码")
    password = admin.one_time_password(cmd.username)
    now = datetime.now(UTC)
    with uow:
        user = _user(uow, cmd.username)
        if not user.active:
            raise admin.inactive(user.username)
        sessions = uow.sessions.live_families(cmd.username, now)
        uow.org.set_password_hash(user.username, hash_password(password))
        revoked = uow.sessions.revoke_user(user.username, now)
        uow.sessions.clear_attempts(user.username)
        payload = {"username": user.username, "by": actor, "sessions_revoked": revoked}
        uow.publish(ctx.event("org.password_reset", payload))
        uow.commit()
    return {"username": user.username, "one_time_password": password, "sessions_revoked": revoked, "sessions": sessions}


def assign_unit_head(cmd: commands.AssignUnitHead, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """科室（社区）负责人 or 分管领导 of a unit. The people whose roles change are announced as such; a new
    leader in charge re-announces the unit (budget and approval keep copies)."""
    actor = _admin(ctx, "指定单位负责人")
    with uow:
        unit = uow.org.unit(cmd.unit)
        if unit is None:
            raise DomainError("unit_not_found", f"单位不存在: {cmd.unit}", {"field": "unit", "unit": cmd.unit}, 404)
        person = _user(uow, cmd.username)
        if cmd.post == "unit_head":
            change = admin.assign_head(unit, person, uow.org.heads_of(unit.code))
        else:
            change = admin.assign_leader(unit, person)
        for changed in change.changed_users:
            _roles_changed(uow, ctx, _user(uow, changed.username), changed, actor)
            uow.org.save_user(ctx.org, changed)
        if change.unit != unit:
            uow.org.save_unit(ctx.org, change.unit)
            uow.publish(ctx.event("org.unit_registered", {"unit": unit_view(change.unit)}))
        payload = {
            "unit": unit_view(change.unit),
            "post": change.post,
            "username": change.username,
            "previous": list(change.previous),
            "by": actor,
        }
        uow.publish(ctx.event("org.unit_head_assigned", payload))
        uow.commit()
    return payload


def list_bodies(uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    _admin(ctx, "查看议事决策机构")
    with uow:
        bodies = uow.bodies.all(ctx.org)
        names = uow.org.full_names(ctx.org, [m for b in bodies for m in b.members])
    return {"items": [{**b.as_dict(), "member_names": [names.get(m, m) for m in b.members]} for b in bodies]}


def change_deciding_body(cmd: commands.ChangeDecidingBody, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    actor = _admin(ctx, "调整议事决策机构成员")
    with uow:
        repo = uow.bodies
        before = repo.get(cmd.code)
        if before is None:
            raise not_found("deciding_body", cmd.code, "议事决策机构")
        known = {u for u in repo.known_users(list(cmd.members)) if (_user(uow, u).active)}
        body = DecidingBody.of(cmd.code, before.name, list(cmd.members), cmd.quorum, known)
        if body != before:
            repo.save(ctx.org, body)
            uow.publish(ctx.event("org.deciding_body_registered", {"body": body.as_dict()}))
            payload = {
                "body": body.as_dict(),
                "previous_members": list(before.members),
                "previous_quorum": before.quorum,
                "by": actor,
            }
            uow.publish(ctx.event("org.deciding_body_changed", payload))
        uow.commit()
    return body.as_dict()
