"""登录、刷新、退出、修改密码与当前用户.

Sign-in and refresh both answer an access token (≤ 15 minutes, signed by this gateway) and a refresh token
(used once: each refresh hands out the next). The org service decides who may sign in (password, lockout per
username, demo passwords only in the demo) and reads the person afresh at every refresh; this gateway bounds
failures per client address."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from gateway.auth import CurrentUser, issue_token, user_from_org
from gateway.client_address import client_address
from gateway.errors import ApiError, domain_error
from gateway.openapi import answers
from gateway.routes.base import api_router
from gateway.rpc import AnonymousRpc, UserRpc
from gateway.schemas import LoginBody, PasswordBody, RefreshBody
from ic_platform.rpc_client import RemoteError

router = api_router("auth")

_BAD_LOGIN = ("invalid_credentials", "用户名或密码错误")


@router.post("/auth/login", summary="登录，获取访问令牌与刷新令牌")
@answers(401, 403, 423, 429)  # wrong credentials; a demo password outside the demo; locked; too many failures
async def login(body: LoginBody, rpc: AnonymousRpc, request: Request) -> dict[str, Any]:
    limiter, address = request.app.state.signin_limiter, client_address(request)
    if wait := limiter.retry_after(address):
        raise ApiError(
            429, "too_many_sign_in_failures", f"登录失败次数过多，请 {wait} 秒后再试", {"retry_after_s": wait},
            {"Retry-After": str(wait)},
        )  # fmt: skip
    try:
        answer = await rpc.call("org", "authenticate", {"username": body.username, "password": body.password})
    except RemoteError as exc:
        mapped = domain_error(exc)
        if mapped is not None and mapped.status in (401, 404, 423):
            limiter.failed(address)  # a try at a locked account is a failure of the address too
        if mapped is not None and mapped.status in (401, 404):
            raise ApiError(401, *_BAD_LOGIN) from None  # "no such user" is not told apart from "wrong password"
        raise _with_retry_after(mapped) if mapped is not None else exc from None
    return _signed_in(request, answer, body.username, rpc.context["org"])


@router.post("/auth/refresh", summary="用刷新令牌换取新的访问令牌（刷新令牌随之更换）")
@answers(401)  # unknown, used, revoked or expired refresh token; the person deactivated
async def refresh(body: RefreshBody, rpc: AnonymousRpc, request: Request) -> dict[str, Any]:
    try:
        answer = await rpc.call("org", "refresh_session", {"refresh_token": body.refresh_token})
    except RemoteError as exc:
        mapped = domain_error(exc)
        if mapped is not None and mapped.status in (401, 404):
            raise ApiError(401, mapped.code, mapped.message, mapped.details, {"WWW-Authenticate": "Bearer"}) from None
        raise
    return _signed_in(request, answer, str(answer.get("username") or ""), rpc.context["org"])


@router.post("/auth/logout", summary="退出登录：本会话的访问令牌与刷新令牌立即失效")
async def logout(user: CurrentUser, rpc: UserRpc, request: Request) -> dict[str, Any]:
    session = getattr(request.state, "session", None)
    if session:
        await rpc.call("org", "end_session", {"session": session})
        request.app.state.revoked_sessions.revoke(session, request.app.state.settings.access_token_ttl_s)
    return {"logged_out": True, "username": user.username}


@router.post("/auth/password", summary="修改本人密码（需原密码）；其他会话随之失效")
@answers(403, 423)  # the old password is wrong; locked after repeated failures
async def change_password(body: PasswordBody, user: CurrentUser, rpc: UserRpc, request: Request) -> dict[str, Any]:
    try:
        answer = await rpc.call("org", "change_password", body.model_dump())
    except RemoteError as exc:
        mapped = domain_error(exc)
        raise _with_retry_after(mapped) if mapped is not None else exc from None
    old = getattr(request.state, "session", None)
    if old:
        request.app.state.revoked_sessions.revoke(old, request.app.state.settings.access_token_ttl_s)
    return _signed_in(request, answer, user.username, user.org)


@router.get("/me", summary="当前登录用户")
async def me(user: CurrentUser) -> dict[str, Any]:
    return user.view()


def _signed_in(request: Request, answer: Any, username: str, org: str) -> dict[str, Any]:
    if not isinstance(answer, dict) or not answer.get("refresh_token"):
        raise ApiError(401, *_BAD_LOGIN)
    cfg = request.app.state.settings
    user = user_from_org(answer, username, org)
    token = issue_token(user, cfg, session=answer.get("session"))
    # Display-only fields (职务, unit name) ride along in the answer, not in the token.
    shown = {key: answer[key] for key in ("title", "unit_name") if key in answer}
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": cfg.access_token_ttl_s,
        "refresh_token": answer["refresh_token"],
        "refresh_expires_in": answer.get("refresh_expires_in"),
        "user": {**user.view(), **shown},
    }


def _with_retry_after(error: ApiError) -> ApiError:
    wait = error.details.get("retry_after_s")
    if error.status in (423, 429) and isinstance(wait, int):
        error.headers = {**(error.headers or {}), "Retry-After": str(wait)}
    return error
