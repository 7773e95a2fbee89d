"""Who is calling, as every service sees it: the viewer whose data scope (数据权限) a read is checked against.

The gateway signs the user in and forwards the identity with every RPC, in the context data under
`IDENTITY_KEY`, as a signed assertion: an EdDSA JWT for the audience `ic-services`, valid 60 seconds, signed with
the gateway's private key (ic_platform/keys.py). Each service verifies it with the public key before anything
runs (ic_platform/entrypoints.py) and reads it into `CallContext.viewer`; a plain JSON identity, an expired or
forged one is no identity at all. The identity carries what the scope rule needs and nothing the services could
look up cheaper themselves: username, unit, roles and the units the person leads (分管).

Two other callers exist: the gateway before anyone has signed in (sign-in, refresh: subject `anonymous`), and a
service on its own (a timer, an event handler, a command-line tool: subject `service:<name>`, signed with the
services' key). Each may make only the calls listed for it (`ANONYMOUS_CALLS`, `SYSTEM_CALLS`)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jwt

from ic_platform import keys
from ic_platform.config import settings

IDENTITY_KEY = "identity"
AUDIENCE = "ic-services"
ASSERTION_TTL_S = 60
GATEWAY_ISSUER, SERVICE_ISSUER = "ic-gateway", "ic-service"
ANONYMOUS = "anonymous"
# What the gateway calls before anyone signed in, and what a service may call on its own (service.method).
ANONYMOUS_CALLS = frozenset({"org.authenticate", "org.refresh_session"})
# Per calling service: payment and procurement redrive their reservations, payment settles approved expense
# claims (commit from the application, release the rest) and gives back the contract reservations of ended
# payment requests, contract settles approved amendments on the line; every service may read the org's units.
SYSTEM_CALLS: dict[str, frozenset[str]] = {
    "payment": frozenset(
        {
            "budget.reserve",
            "budget.check_standard",
            "budget.commit",
            "budget.release_document",
            "contract.release_payment",
        }
    ),
    "procurement": frozenset({"budget.reserve"}),
    "contract": frozenset({"budget.commit", "budget.relieve"}),
    "*": frozenset({"org.list_units"}),
}


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


@dataclass(frozen=True)
class Caller:
    """A verified assertion: who signed it (the gateway or a service), whom it names, and the viewer, if a
    person."""

    issuer: str
    subject: str
    org: str | None = None
    viewer: Viewer | None = None

    def may_call(self, service: str, method: str) -> bool:
        call = f"{service}.{method}"
        if self.issuer == SERVICE_ISSUER:
            caller = self.subject.removeprefix("service:")
            return call in SYSTEM_CALLS.get(caller, frozenset()) or call in SYSTEM_CALLS["*"]
        return self.viewer is not None or call in ANONYMOUS_CALLS


def sign_identity(viewer: Viewer | None, org: str | None = None, *, key=None, now: float | None = None) -> str:  # noqa: ANN001
    """The gateway's assertion for a signed-in viewer, or for nobody yet (`anonymous`)."""
    claims = {**viewer.claims(), "org": org} if viewer is not None else {"sub": ANONYMOUS, "org": org}
    return _sign(claims, GATEWAY_ISSUER, key or keys.cached_signing_key(settings().signing_key_file), now)


class ReusedAssertions:
    """The gateway's assertions, each handed out again for `reuse_s` to the same viewer in the same org instead
    of signing one per request (an Ed25519 signature each). Reused for a third of its minute, an assertion
    has at least 40 s left when it is sent, longer than any call waits; the services verify each one once."""

    def __init__(self, reuse_s: float = ASSERTION_TTL_S / 3, size: int = 4096):
        self.reuse_s, self.size = reuse_s, size
        self._signed: dict[tuple, tuple[str, float]] = {}

    def sign(self, viewer: Viewer | None, org: str | None, *, key) -> str:  # noqa: ANN001
        claims = {**viewer.claims(), "org": org} if viewer is not None else {"sub": ANONYMOUS, "org": org}
        name = (id(key), *sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in claims.items()))
        now = time.monotonic()
        known = self._signed.get(name)
        if known is not None and now < known[1]:
            return known[0]
        if len(self._signed) >= self.size:
            self._signed.clear()
        assertion = sign_identity(viewer, org, key=key)
        self._signed[name] = (assertion, now + self.reuse_s)
        return assertion


def sign_service(name: str, *, key=None, now: float | None = None) -> str:  # noqa: ANN001
    """A service's assertion for the calls it makes on its own."""
    key = key or keys.cached_service_key(settings().service_key_file)
    return _sign({"sub": f"service:{name}"}, SERVICE_ISSUER, key, now)


def _sign(claims: dict[str, Any], issuer: str, key, now: float | None) -> str:  # noqa: ANN001
    iat = int(now if now is not None else time.time())
    body = {**claims, "iss": issuer, "aud": AUDIENCE, "iat": iat, "exp": iat + ASSERTION_TTL_S}
    return jwt.encode(body, key, algorithm=keys.ALGORITHM)


def verify(value: Any) -> Caller | None:
    """The caller an assertion names, when a key of ours signed it, for the services, within its minute.
    An assertion already verified in this process is not verified again until it expires: a call checks its
    caller twice (the entrypoint, then the worker's context) and the calls it makes pass the same one on."""
    if not isinstance(value, str) or not value or len(value) > 8192:
        return None
    known = _VERIFIED.get(value)
    if known is not None:
        caller, expires = known
        if time.time() < expires:
            return caller
        _VERIFIED.pop(value, None)
        return None
    caller, expires = _verify(value)
    if caller is not None:
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()  # a minute's worth of assertions at most; clearing is cheaper than ordering them
        _VERIFIED[value] = (caller, expires)
    return caller


_VERIFIED: dict[str, tuple[Caller, float]] = {}
_VERIFIED_MAX = 4096


def _verify(value: str) -> tuple[Caller | None, float]:
    try:
        issuer = jwt.decode(value, options={"verify_signature": False}).get("iss")
        key = _public_key(issuer)
        claims = jwt.decode(
            value,
            key,
            algorithms=[keys.ALGORITHM],
            audience=AUDIENCE,
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
        )
    except (jwt.InvalidTokenError, keys.MissingKey, ValueError):
        return None, 0.0
    expires = float(claims["exp"])
    org = claims.get("org") if isinstance(claims.get("org"), str) else None
    if issuer == SERVICE_ISSUER or claims.get("sub") == ANONYMOUS:
        return Caller(issuer, str(claims["sub"]), org), expires
    viewer = Viewer.from_claims(claims)
    return (Caller(issuer, viewer.username, org, viewer) if viewer else None), expires


def _public_key(issuer: Any):  # noqa: ANN202
    if issuer == GATEWAY_ISSUER:
        return keys.cached_verify_key(settings().verify_key_file)
    if issuer == SERVICE_ISSUER:
        return keys.cached_service_key(settings().service_key_file).public_key()
    raise ValueError("unknown issuer")


def encode_identity(viewer: Viewer) -> str:
    """The identity as it travels in context data: signed with this process's signing key (the gateway's)."""
    return sign_identity(viewer)


def decode_identity(value: Any) -> Viewer | None:
    """The viewer a context-data value names, or None when there is none or it is not a valid assertion."""
    caller = verify(value)
    return caller.viewer if caller else None
