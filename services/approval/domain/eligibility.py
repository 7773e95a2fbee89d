"""Who could hold a step (可承担该节点的人): the one question behind reassigning (转办) and delegating (代理).

A step is drawn by its authority's rule: a role, looked for in a scope relative to the document's unit (the
unit itself, the unit's leader in charge, or the whole office; see process.SCOPES). A task may be handed only
to someone that rule could have chosen now: the same role, in the same unit or line of authority. A delegation
hands a person's steps to someone else for a while, so the delegate must be able to hold every step the
principal holds: the same approver roles, in the same unit. Pure: no I/O."""

from __future__ import annotations

from services.approval.domain import errors
from services.approval.domain.directory import Unit, User
from services.approval.domain.process import ProcessDefinition

# Roles that hold approval steps; a person without any has no tasks to delegate.
APPROVER_ROLES = ("unit_head", "leader_in_charge", "finance_reviewer", "inspector", "principal")


def step_scope(definition: ProcessDefinition | None, step_name: str, roles: tuple[str, ...]) -> str:
    """The scope of a route step, from the definition it was drawn from (its authority, found by the step's
    name and roles). A step no definition explains is treated as the narrowest: the document's unit."""
    authority = definition.authority_of_step(step_name, roles) if definition is not None else None
    return authority.scope if authority is not None else "unit"


def could_hold(user: User, roles: tuple[str, ...], scope: str, unit: Unit) -> bool:
    """Could the step's rule have chosen `user` for a document of `unit`? Never a deactivated person."""
    if not user.active or not set(roles) & set(user.roles):
        return False
    if scope == "unit":
        return user.unit == unit.code
    if scope == "unit_leader":
        return unit.leader_in_charge == user.username
    return scope == "org"


def check_reassignee(user: User, roles: tuple[str, ...], scope: str, unit: Unit | None, step_name: str) -> None:
    if not user.active:
        raise errors.user_inactive(user.username)
    if not set(roles) & set(user.roles):
        raise errors.reassign_role_mismatch(user.username, step_name)
    if unit is None or not could_hold(user, roles, scope, unit):
        raise errors.reassign_out_of_scope(user.username, step_name, _where(scope, unit))


def _where(scope: str, unit: Unit | None) -> str:
    name = f"{unit.name}（{unit.code}）" if unit else "申请单位"
    where = {"unit": f"{name}的同岗位人员", "unit_leader": f"{name}的分管领导", "org": "本街道同岗位人员"}
    return where.get(scope, name)


def check_delegate(principal: User, delegate: User) -> None:
    """A delegate must be able to hold the principal's steps: every approver role of theirs, in their unit."""
    if not delegate.active:
        raise errors.user_inactive(delegate.username)
    held = [r for r in APPROVER_ROLES if r in principal.roles]
    if not held:
        raise errors.delegation_nothing_to_delegate(principal.username)
    missing = [r for r in held if r not in delegate.roles]
    if missing or delegate.unit != principal.unit:
        raise errors.delegation_out_of_scope(principal.username, delegate.username, missing, principal.unit)


def successor(
    candidates: list[User], roles: tuple[str, ...], scope: str, unit: Unit | None, initiator: str, holders: set[str]
) -> User | None:
    """Who takes over a deactivated person's task: the first (by username) whom the step's rule could have
    chosen, who is not the document's initiator and holds no step of it yet; None when nobody may."""
    if unit is None:
        return None
    for user in sorted(candidates, key=lambda u: u.username):
        if user.username != initiator and user.username not in holders and could_hold(user, roles, scope, unit):
            return user
    return None
