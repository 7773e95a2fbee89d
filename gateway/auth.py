"""Who is calling: an HS256 JWT issued at login, checked on every /api route but login.

Minimal for now (no refresh, no revocation): the token carries the user's unit and roles so a request needs
no look-up; the services trust the actor the gateway sends."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gateway.errors import ApiError
from gateway.openapi import answers
from ic_platform.config import DEFAULT_ORG, Settings
from ic_platform.identity import Viewer

ALGORITHM = "HS256"
TOKEN_TTL_S = 8 * 3600
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


def issue_token(user: User, cfg: Settings, now: float | None = None) -> str:
    iat = int(now if now is not None else time.time())
    claims = {
        "sub": user.username,
        "name": user.name,
        "unit": user.unit,
        "roles": list(user.roles),
        "org": user.org,
        "units_led": list(user.units_led),
        "iat": iat,
        "exp": iat + TOKEN_TTL_S,
    }
    return jwt.encode(claims, cfg.jwt_secret, algorithm=ALGORITHM)


def decode_token(token: str, cfg: Settings) -> User:
    try:
        claims = jwt.decode(token, cfg.jwt_secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise _invalid("expired") from None
    except jwt.InvalidTokenError:
        raise _invalid("invalid") from None
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


def check_secret(cfg: Settings) -> None:
    """Refuse to sign tokens with a placeholder or the development secret outside development."""
    secret = cfg.jwt_secret
    placeholder = secret.startswith("REPLACE-ME") or len(secret) < 32
    if placeholder or (cfg.env_name != "dev" and secret.startswith("dev-only")):
        raise RuntimeError("IC_JWT_SECRET must be set to a long random secret (at least 32 characters)")


def _invalid(why: str) -> ApiError:
    return ApiError(401, "unauthenticated", "登录已失效，请重新登录", {"reason": why}, _CHALLENGE)


async def current_user(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> User:
    if credentials is None:
        if request.headers.get("authorization"):
            raise _invalid("malformed")  # present but not "Bearer <token>"
        raise ApiError(401, "unauthenticated", "请先登录", {"reason": "missing"}, _CHALLENGE)
    return decode_token(credentials.credentials, request.app.state.settings)


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(role: str):  # noqa: ANN201 - a FastAPI dependency
    @answers(403)
    async def check(user: CurrentUser) -> User:
        if role not in user.roles:
            raise ApiError(403, "forbidden", "没有权限执行此操作", {"required_role": role})
        return user

    return check
