"""The approval service's copy of the organisation: units and people, as the org service announced them.

Routing needs to know who heads a unit and who is in charge of it; asking the org service on every
submission would couple the two at run time, so approval keeps its own cache, filled from `org.*` events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # office | community
    leader_in_charge: str | None = None  # username of the 分管领导
    responsible_for: tuple[str, ...] = ()

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Unit:
        return cls(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            leader_in_charge=data.get("leader_in_charge") or None,
            responsible_for=tuple(data.get("responsible_for") or ()),
        )


@dataclass(frozen=True)
class User:
    username: str
    full_name: str
    unit: str
    roles: tuple[str, ...] = ()
    title: str = ""
    active: bool = True  # false once org announced the person deactivated: never chosen for a step again

    @classmethod
    def from_payload(cls, data: dict[str, Any], *, active: bool = True) -> User:
        return cls(
            username=data["username"],
            full_name=data["full_name"],
            unit=data["unit"],
            roles=tuple(data.get("roles") or ()),
            title=data.get("title") or "",
            active=active,
        )


@dataclass(frozen=True)
class DecidingBody:
    """A body that takes collective decisions (党工委, 主任办公会), as org announced it."""

    code: str
    name: str
    members: tuple[str, ...]
    quorum: int

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> DecidingBody:
        return cls(data["code"], data["name"], tuple(data["members"]), int(data["quorum"]))


class Directory(Protocol):
    """What route resolution may ask about the organisation. One org's view."""

    def unit(self, code: str) -> Unit | None: ...

    def user(self, username: str) -> User | None: ...

    def users_with_role(self, role: str, unit: str | None = None) -> list[User]: ...


@dataclass
class InMemoryDirectory:
    """A directory held in memory: the unit tests' fake, and a snapshot when one is handy."""

    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    @classmethod
    def of(cls, units: Iterable[Unit], users: Iterable[User]) -> InMemoryDirectory:
        return cls({u.code: u for u in units}, {u.username: u for u in users})

    def unit(self, code: str) -> Unit | None:
        return self.units.get(code)

    def user(self, username: str) -> User | None:
        return self.users.get(username)

    def users_with_role(self, role: str, unit: str | None = None) -> list[User]:
        return sorted(
            (u for u in self.users.values() if role in u.roles and u.active and (unit is None or u.unit == unit)),
            key=lambda u: u.username,
        )
