"""Sign-in, sessions and passwords: the org service owns who may sign in and whose session still holds.

The gateway signs short-lived access tokens; what keeps them honest is here: every refresh reads the person
again (roles, unit, units led, still active) and rotates the refresh token (domain/sessions.py)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ic_platform.commands import invalid_fields
from ic_platform.config import Settings
from ic_platform.context import CallContext
from ic_platform.errors import DomainError, Forbidden
from services.org.domain import passwords
from services.org.domain.model import User
from services.org.domain.sessions import RefreshToken, new_refresh_token, token_digest
from services.org.service_layer import commands
from services.org.service_layer.handlers import principal_view
from services.org.service_layer.unit_of_work import OrgUnitOfWork

_BAD_LOGIN = ("invalid_credentials", "用户名或密码错误")


@dataclass(frozen=True)
class Policy:
    demo: bool = False
    max_failures: int = 5
    lockout_s: int = 900
    refresh_ttl_s: int = 12 * 3600

    @classmethod
    def of(cls, cfg: Settings) -> Policy:
        return cls(cfg.demo, cfg.signin_max_failures, cfg.signin_lockout_s, cfg.refresh_token_ttl_s)


def sign_in(cmd: commands.Authenticate, uow: OrgUnitOfWork, ctx: CallContext, policy: Policy) -> dict[str, Any]:
    now = datetime.now(UTC)
    if not policy.demo and cmd.password in passwords.DEMO_PASSWORDS:
        passwords.dummy_verify(cmd.password)  # the same work as any other answer
        raise Forbidden("demo_password_refused", "演示密码只能在演示环境中使用，请联系管理员设置正式密码")
    with uow:
        attempts = uow.sessions.attempts(cmd.username)
        if wait := attempts.locked_for(now):
            raise _locked(wait)
        user = _verified(uow, cmd.username, cmd.password)
        if user is None:
            uow.sessions.save_attempts(attempts.failed(now, policy.max_failures, policy.lockout_s))
            uow.commit()
            raise DomainError(*_BAD_LOGIN, {}, 401)
        if attempts.failures:
            uow.sessions.clear_attempts(cmd.username)
        if passwords.needs_rehash(user.password_hash):  # PBKDF2 of before, or weaker argon2 parameters
            uow.org.set_password_hash(user.username, passwords.hash_password(cmd.password))
        answer = _open_session(uow, user, ctx.org, policy, now)
        uow.commit()
    return answer


def refresh(cmd: commands.Refresh, uow: OrgUnitOfWork, policy: Policy) -> dict[str, Any]:
    now = datetime.now(UTC)
    with uow:
        token = uow.sessions.token(token_digest(cmd.refresh_token))
        if token is None:
            raise _ended("unknown")
        if token.reused():
            uow.sessions.revoke_family(token.family, now)
            uow.commit()
            raise DomainError(
                "refresh_token_reused", "该登录凭据已被使用过，为安全起见本次会话已注销，请重新登录", {}, 401
            )
        if not token.usable(now):
            raise _ended("revoked" if token.revoked_at else "expired")
        user = uow.org.user(token.username)
        if user is None or not user.active:
            uow.sessions.revoke_family(token.family, now)
            uow.commit()
            raise _ended("inactive")
        uow.sessions.rotated(token.digest, now)
        answer = _open_session(uow, user, token.org, policy, now, family=token.family)
        uow.commit()
    return answer


def end_session(cmd: commands.EndSession, uow: OrgUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    username = _caller(ctx)
    with uow:
        revoked = uow.sessions.revoke_family(cmd.session, datetime.now(UTC), username=username)
        uow.commit()
    return {"session": cmd.session, "revoked": revoked}


def change_password(
    cmd: commands.ChangePassword, uow: OrgUnitOfWork, ctx: CallContext, policy: Policy
) -> dict[str, Any]:
    """The caller's own password: the old one proves it is them; every session of theirs ends, a new one opens."""
    username, now = _caller(ctx), datetime.now(UTC)
    weak = passwords.weaknesses(cmd.new_password, username)
    if weak:
        raise invalid_fields([{"field": "new_password", "reason": "；".join(weak)}])
    with uow:
        attempts = uow.sessions.attempts(username)
        if wait := attempts.locked_for(now):
            raise _locked(wait)
        user = _verified(uow, username, cmd.old_password)
        if user is None:
            uow.sessions.save_attempts(attempts.failed(now, policy.max_failures, policy.lockout_s))
            uow.commit()
            raise DomainError("invalid_old_password", "原密码不正确", {"fields": [{"field": "old_password"}]}, 403)
        uow.org.set_password_hash(username, passwords.hash_password(cmd.new_password))
        uow.sessions.revoke_user(username, now)
        answer = _open_session(uow, user, ctx.org, policy, now)
        uow.commit()
    return answer


def _verified(uow: OrgUnitOfWork, username: str, password: str) -> User | None:
    """The account, when the password is its own; the same work whether or not the account exists."""
    user = uow.org.user(username)
    if user is None:
        passwords.dummy_verify(password)
        return None
    return user if user.check_password(password) else None


def _open_session(
    uow: OrgUnitOfWork, user: User, org: str, policy: Policy, now: datetime, family: str | None = None
) -> dict[str, Any]:
    token, family = new_refresh_token(), family or uuid.uuid4().hex
    expires = now + timedelta(seconds=policy.refresh_ttl_s)
    uow.sessions.add(RefreshToken(token_digest(token), family, user.username, org, expires), now)
    unit = uow.org.unit(user.unit)
    view = principal_view(user, unit, uow.org.units_led_by(user.username))
    return {**view, "org": org, "refresh_token": token, "session": family, "refresh_expires_in": policy.refresh_ttl_s}


def _caller(ctx: CallContext) -> str:
    if ctx.viewer is None:
        raise DomainError("unauthenticated", "请先登录", {}, 401)
    return ctx.viewer.username


def _locked(wait: int) -> DomainError:
    minutes = math.ceil(wait / 60)
    return DomainError(
        "sign_in_locked", f"登录失败次数过多，该账号已临时锁定，请 {minutes} 分钟后再试", {"retry_after_s": wait}, 423
    )


def _ended(reason: str) -> DomainError:
    return DomainError("session_ended", "登录已失效，请重新登录", {"reason": reason}, 401)
