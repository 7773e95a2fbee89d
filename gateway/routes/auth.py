"""登录与当前用户."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from gateway.auth import TOKEN_TTL_S, CurrentUser, issue_token, user_from_org
from gateway.errors import ApiError, domain_error
from gateway.openapi import answers
from gateway.routes.base import api_router
from gateway.rpc import AnonymousRpc
from gateway.schemas import LoginBody
from ic_platform.rpc_client import RemoteError

router = api_router("auth")

_BAD_LOGIN = ("invalid_credentials", "用户名或密码错误")


@router.post("/auth/login", summary="登录，获取访问令牌")
@answers(401)  # wrong username or password
async def login(body: LoginBody, rpc: AnonymousRpc, request: Request) -> dict[str, Any]:
    try:
        answer = await rpc.call("org", "authenticate", {"username": body.username, "password": body.password})
    except RemoteError as exc:
        mapped = domain_error(exc)
        # "no such user" must not be told apart from "wrong password".
        if mapped is not None and mapped.status == 404:
            raise ApiError(401, *_BAD_LOGIN) from None
        raise
    if not isinstance(answer, dict) or not answer:
        raise ApiError(401, *_BAD_LOGIN)
    user = user_from_org(answer, body.username, rpc.context["org"])
    token = issue_token(user, request.app.state.settings)
    # Display-only fields (职务, unit name) ride along in the answer, not in the token.
    shown = {key: answer[key] for key in ("title", "unit_name") if key in answer}
    return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_TTL_S, "user": {**user.view(), **shown}}


@router.get("/me", summary="当前登录用户")
async def me(user: CurrentUser) -> dict[str, Any]:
    return user.view()
