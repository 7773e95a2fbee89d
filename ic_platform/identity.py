"""Who is calling, as every service sees it: the viewer whose data scope (数据权限) a read is checked against.

The gateway signs the user in and forwards the identity with every RPC, in the context data under
`IDENTITY_KEY`; each service reads it into `CallContext.viewer` and decides there, in the service that owns the
data, what the caller may see and do. The identity carries what the scope rule needs and nothing the services
could look up cheaper themselves: username, unit, roles and the units the person leads (分管)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

IDENTITY_KEY = "identity"


@dataclass(frozen=True)
class Viewer:
    username: str
    unit: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    units_led: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, username: str, unit: str | None, roles: Iterable[str], units_led: Iterable[str] = ()) -> Viewer:
        return cls(username, unit, frozenset(roles), frozenset(units_led))

    def has_any(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.username,
            "unit": self.unit,
            "roles": sorted(self.roles),
            "units_led": sorted(self.units_led),
        }

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Viewer | None:
        username, roles, led = claims.get("sub"), claims.get("roles") or [], claims.get("units_led") or []
        if not isinstance(username, str) or not username:
            return None
        if not all(isinstance(x, str) for x in (*roles, *led)):
            return None
        unit = claims.get("unit")
        return cls.of(username, unit if isinstance(unit, str) else None, roles, led)


def encode_identity(viewer: Viewer) -> str:
    """The identity as it travels in context data (an AMQP header value)."""
    return json.dumps(viewer.claims(), separators=(",", ":"), ensure_ascii=False)


def decode_identity(value: Any) -> Viewer | None:
    """The viewer a context-data value names, or None when there is none or it cannot be read."""
    if not isinstance(value, str) or not value:
        return None
    try:
        claims = json.loads(value)
    except ValueError:
        return None
    return Viewer.from_claims(claims) if isinstance(claims, dict) else None
