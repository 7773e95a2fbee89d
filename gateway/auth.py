"""Who is calling: a short-lived access token (an EdDSA-signed JWT, at most 15 minutes) issued at sign-in and
at each refresh, checked on every /api route but sign-in and refresh.

Only the gateway holds the private key (ic_platform/keys.py), so only the gateway can mint a token; no shared
secret exists that a reader of the source could sign with. The token carries unit, roles and units led so a
request needs no look-up; they are read again from org at every refresh (routes/auth.py), so a role change or
a deactivation holds within one token lifetime. Logging out ends the session in org and, on this gateway, the
access tokens of that session at once (`RevokedSessions`)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.errors import ApiError
from gateway.openapi import answers
from ic_platform import keys
from ic_platform.config import DEFAULT_ORG, Settings
from ic_platform.identity import Viewer

ALGORITHM = keys.ALGORITHM
AUDIENCE = "ic-api"  # an access token; the identity forwarded to the services has another (ic_platform/identity)
ISSUER = "ic-gateway"
TOKEN_TTL_S = 900
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

_bearer = HTTPBearer(auto_error=False, description="登录后获得的访问令牌")


@dataclass(frozen=True)
class User:
    username: str
    name: str
    unit: str | None
    roles: tuple[str, ...]
    org: str
    units_led: tuple[str, ...] = ()  # the units this person is 分管领导 of: part of their data scope

    def view(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "name": self.name,
            "unit": self.unit,
            "roles": list(self.roles),
            "org": self.org,
            "units_led": list(self.units_led),
        }

    def viewer(self) -> Viewer:
        """The identity forwarded to the services, which check data scope against it."""
        return Viewer.of(self.username, self.unit, self.roles, self.units_led)


def user_from_org(answer: dict[str, Any], username: str, org: str) -> User:
    """org.authenticate's answer, read leniently: the org service names a few fields its own way."""
    return User(
        username=answer.get("username") or username,
        name=answer.get("full_name") or answer.get("name") or username,
        unit=answer.get("unit") or answer.get("unit_code"),
        roles=tuple(answer.get("roles") or ()),
        org=answer.get("org") or org,
        units_led=tuple(answer.get("units_led") or ()),
    )


def issue_token(user: User, cfg: Settings, now: float | None = None, session: str | None = None) -> str:
    iat = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sid": session,
        "sub": user.username,
        "name": user.name,
        "unit": user.unit,
        "roles": list(user.roles),
        "org": user.org,
        "units_led": list(user.units_led),
        "iat": iat,
        "exp": iat + min(cfg.access_token_ttl_s, TOKEN_TTL_S),
    }
    return jwt.encode(claims, keys.cached_signing_key(cfg.signing_key_file), algorithm=ALGORITHM)


def decode_token(token: str, cfg: Settings) -> User:
    return user_from_claims(token_claims(token, cfg))


def token_claims(token: str, cfg: Settings) -> dict[str, Any]:
    """The claims of a token this gateway signed; anything else (another algorithm, `none`, another key,
    another audience, expired) is a 401. A token verified once is taken at its word until it expires
    (`VerifiedTokens`): the signature cannot change, and checking it again on each request of a session was a
    tenth of the gateway's CPU per submission."""
    claims = _verified.get(token, cfg.signing_key_file)
    if claims is not None:
        return claims
    public = keys.cached_signing_key(cfg.signing_key_file).public_key()
    try:
        claims = jwt.decode(
            token,
            public,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise _invalid("expired") from None
    except jwt.InvalidTokenError:
        raise _invalid("invalid") from None
    _verified.put(token, cfg.signing_key_file, claims)
    return claims


class VerifiedTokens:
    """Tokens whose signature, audience and issuer were checked, with their claims, until they expire. Bounded:
    when full, the expired go, and if that frees nothing, all (each is then verified once more). Logging out is
    checked on every request after this (`RevokedSessions`), so it holds at once as before."""

    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self._claims: dict[tuple[str, str | None], dict[str, Any]] = {}

    def get(self, token: str, key_file: str | None, now: float | None = None) -> dict[str, Any] | None:
        claims = self._claims.get((token, key_file))
        if claims is None:
            return None
        if claims["exp"] <= (time.time() if now is None else now):  # as jwt.decode judges it (no leeway)
            self._claims.pop((token, key_file), None)
            raise _invalid("expired")
        return claims

    def put(self, token: str, key_file: str | None, claims: dict[str, Any], now: float | None = None) -> None:
        if len(self._claims) >= self.limit:
            now = time.time() if now is None else now
            self._claims = {k: c for k, c in self._claims.items() if c["exp"] > now}
            if len(self._claims) >= self.limit:
                self._claims.clear()
        self._claims[(token, key_file)] = claims


_verified = VerifiedTokens()


def user_from_claims(claims: dict[str, Any]) -> User:
    roles, units_led = claims.get("roles") or [], claims.get("units_led") or []
    if not all(isinstance(x, list) and all(isinstance(v, str) for v in x) for x in (roles, units_led)):
        raise _invalid("invalid")
    return User(
        username=claims["sub"],
        name=str(claims.get("name") or claims["sub"]),
        unit=claims.get("unit"),
        roles=tuple(roles),
        org=str(claims.get("org") or DEFAULT_ORG),
        units_led=tuple(units_led),
    )


def check_keys(cfg: Settings) -> None:
    """Refuse to start without the signing key; raises keys.MissingKey naming IC_SIGNING_KEY_FILE."""
    keys.cached_signing_key(cfg.signing_key_file)


class RevokedSessions:
    """Sessions logged out on this gateway, kept until the last access token they issued has expired."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, session: str, ttl_s: float) -> None:
        now = time.time()
        with self._lock:
            self._until = {s: t for s, t in self._until.items() if t > now}
            self._until[session] = now + ttl_s

    def __contains__(self, session: object) -> bool:
        return isinstance(session, str) and self._until.get(session, 0) > time.time()


def _invalid(why: str) -> ApiError:
    return ApiError(401, "unauthenticated", "登录已失效，请重新登录", {"reason": why}, _CHALLENGE)


async def current_user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> User:
    if credentials is None:
        if request.headers.get("authorization"):
            raise _invalid("malformed")  # present but not "Bearer <token>"
        raise ApiError(401, "unauthenticated", "请先登录", {"reason": "missing"}, _CHALLENGE)
    claims = token_claims(credentials.credentials, request.app.state.settings)
    if claims.get("sid") in request.app.state.revoked_sessions:
        raise _invalid("logged_out")
    request.state.session = claims.get("sid")
    return user_from_claims(claims)


CurrentUser = Annotated[User, Depends(current_user)]


def require_any_role(*roles: str, message: str = "没有权限执行此操作"):  # noqa: ANN201 - a FastAPI dependency
    """The signed-in user, when they hold one of `roles`; otherwise 403 naming the roles (and, in `message`,
    in Chinese, who may)."""

    @answers(403)
    async def check(user: CurrentUser) -> User:
        if not set(roles) & set(user.roles):
            raise ApiError(403, "forbidden", message, {"required_roles": list(roles)})
        return user

    return check
