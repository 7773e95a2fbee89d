"""Organisation administration (组织机构管理): adding people, changing their roles, deactivating them,
resetting passwords, naming who leads a unit. Only a system administrator (系统管理员, role `admin`) may.
Pure: no I/O.

Each rule refuses with a `DomainError` whose code is the rule's id and whose message, in Chinese, names it."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ic_platform.errors import DomainError, Forbidden, InvalidInput
from services.org.domain.model import ROLES, Unit, User
from services.org.domain.passwords import weaknesses

ADMIN = "admin"
ROLE_LABELS = {
    "clerk": "经办人",
    "unit_head": "科室（社区）负责人",
    "finance_reviewer": "财务审核",
    "leader_in_charge": "分管领导",
    "principal": "主要负责人",
    "inspector": "纪检监察",
    "auditor": "内部审计",
    "admin": "系统管理员",
    "cashier": "出纳",
    "accountant": "会计",
}
# Posts that say who leads a unit (单位负责人): the head inside the unit, the leader in charge above it.
POSTS = {"unit_head": "科室（社区）负责人", "leader_in_charge": "分管领导"}
# A one-time password: letters and digits without look-alikes (0/O, 1/l/I), long enough for every rule.
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
ONE_TIME_LENGTH = 12


def require_admin(is_admin: bool, what: str) -> None:
    if not is_admin:
        raise Forbidden("org_admin_only", f"只有系统管理员可以{what}", {"required_role": ADMIN})


def one_time_password(username: str) -> str:
    """A random password shown once to the administrator; it satisfies `passwords.weaknesses`."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if not weaknesses(candidate, username):
            return candidate


def checked_roles(roles: Iterable[str], known: Iterable[str] = ROLES) -> tuple[str, ...]:
    """The roles in a stable order, without repeats; an unknown role or none at all is refused."""
    wanted = tuple(dict.fromkeys(r.strip() for r in roles if r.strip()))
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise InvalidInput(
            "org_role_unknown", f"角色不存在：{'、'.join(unknown)}", {"field": "roles", "unknown": unknown}
        )
    if not wanted:
        raise InvalidInput("org_roles_required", "至少须有一个角色", {"field": "roles"})
    return wanted


def change_roles(user: User, roles: Iterable[str], *, actor: str, title: str | None = None) -> User:
    """The person with these roles (and title). An administrator cannot take away their own `admin` role:
    the office would risk having nobody left to administer it."""
    wanted = checked_roles(roles)
    if not user.active:
        raise inactive(user.username)
    if user.username == actor and ADMIN in user.roles and ADMIN not in wanted:
        raise DomainError(
            "org_admin_self_demote",
            "不能取消自己的系统管理员角色（须由另一名系统管理员操作）",
            {"field": "roles", "user": user.username},
            409,
        )
    return replace(user, roles=wanted, title=user.title if title is None else title)


def deactivate(user: User, *, actor: str) -> User:
    if user.username == actor:
        raise DomainError("org_deactivate_self", "不能停用自己的账号", {"user": user.username}, 409)
    return replace(user, active=False)


def inactive(username: str) -> DomainError:
    return DomainError("org_user_inactive", f"人员 {username} 已停用，不能再修改", {"user": username}, 409)


@dataclass(frozen=True)
class HeadChange:
    """Who leads a unit after the change: the unit as it is now, and the people whose roles changed."""

    unit: Unit
    post: str
    username: str
    previous: tuple[str, ...]
    changed_users: tuple[User, ...]


def assign_head(unit: Unit, person: User, current_heads: list[User]) -> HeadChange:
    """科室（社区）负责人: one person of the unit holds `unit_head` there; whoever held it before loses it."""
    if not person.active:
        raise inactive(person.username)
    if person.unit != unit.code:
        raise InvalidInput(
            "org_unit_head_not_member",
            f"{person.full_name}（{person.username}）不属于{unit.name}，不能担任其负责人",
            {"field": "username", "user": person.username, "unit": unit.code},
        )
    previous = tuple(u.username for u in current_heads if u.username != person.username)
    changed = [replace(u, roles=tuple(r for r in u.roles if r != "unit_head")) for u in current_heads]
    changed = [u for u in changed if u.username != person.username]
    if "unit_head" not in person.roles:
        changed.append(replace(person, roles=(*person.roles, "unit_head")))
    return HeadChange(unit, "unit_head", person.username, previous, tuple(changed))


def assign_leader(unit: Unit, person: User) -> HeadChange:
    """分管领导: a person holding the `leader_in_charge` role, of any unit, is in charge of this one."""
    if not person.active:
        raise inactive(person.username)
    if "leader_in_charge" not in person.roles:
        raise InvalidInput(
            "org_leader_role_missing",
            f"{person.full_name}（{person.username}）没有分管领导角色，不能分管{unit.name}",
            {"field": "username", "user": person.username, "required_role": "leader_in_charge"},
        )
    previous = tuple(p for p in (unit.leader_in_charge,) if p and p != person.username)
    led = replace(unit, leader_in_charge=person.username)
    return HeadChange(led, "leader_in_charge", person.username, previous, ())
