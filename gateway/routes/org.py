"""组织机构: units."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body, Depends, Path, Query, Request, Response

from gateway.idempotency import IdempotencyKeyRequired
from gateway.openapi import answers
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import JsonBody, Paging, optional, paging

router = api_router("org")

UnitKind = Annotated[
    Literal["office", "community"] | None, Query(description="单位类别：office 机关单位 / community 社区")
]


@router.get("/units", summary="单位列表（部门、社区）")
async def list_units(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    kind: UnitKind = None,
) -> dict[str, Any]:
    return await rpc.call("org", "list_units", {**optional(kind=kind), **page.kwargs()})


# ── 组织机构管理 (administration; the org service refuses anyone but a system administrator: 403) ──
Username = Annotated[str, Path(min_length=1, max_length=64, description="用户名")]
UnitCode = Annotated[str, Path(min_length=1, max_length=64, description="单位代码")]


NEW_USER_EXAMPLE = {"username": "zhangsan", "full_name": "张三", "unit": "dzb", "roles": ["clerk"], "title": "科员"}


def _end_sessions(request: Request, answer: dict[str, Any]) -> dict[str, Any]:
    """Sessions org ended: their access tokens are refused here at once, not only at their next refresh."""
    ttl = request.app.state.settings.access_token_ttl_s
    for session in answer.pop("sessions", None) or []:
        request.app.state.revoked_sessions.revoke(session, ttl)
    return answer


@router.get("/org/unit-tree", summary="单位树（街道办事处 → 机关科室、社区），含负责人与分管领导（系统管理员）")
@answers(403, 404)
async def unit_tree(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "unit_tree", {})


@router.get("/org/roles", summary="角色与单位负责人职务（中文名称）（系统管理员）")
@answers(403, 404)
async def roles_catalogue(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "roles_catalogue", {})


@router.get("/org/incompatible-positions", summary="不相容岗位（同一单据上一人不得兼任的岗位对）")
@answers(403, 404)
async def incompatible_positions(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "incompatible_positions", {})


@router.get("/org/users", summary="人员名册（服务端分页、按姓名/用户名、单位、角色、状态筛选）（系统管理员）")
@answers(403, 404)
async def search_users(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    q: Annotated[str | None, Query(max_length=64, description="姓名或用户名（包含）")] = None,
    unit: Annotated[str | None, Query(max_length=64, description="单位代码")] = None,
    role: Annotated[str | None, Query(max_length=64, description="角色")] = None,
    active: Annotated[bool | None, Query(description="true 在用 / false 已停用")] = None,
) -> dict[str, Any]:
    filters = optional(q=q, unit=unit, role=role, active=active)
    return await rpc.call("org", "search_users", {**filters, **page.kwargs()})


@router.post(
    "/org/users",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="新增人员：生成一次性密码，仅在本次应答中显示一次（系统管理员）",
)
@answers(403, 404)
async def add_user(
    body: Annotated[dict[str, Any], Body(examples=[NEW_USER_EXAMPLE])],
    rpc: UserRpc,
    response: Response,
) -> dict[str, Any]:
    answer = await rpc.call("org", "add_user", body)
    response.headers["Cache-Control"] = "no-store"
    return answer


@router.get("/org/users/{username}", summary="人员详情：单位、角色、负责或分管的单位、状态（系统管理员）")
@answers(403, 404)
async def get_person(username: Username, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "get_person", {"username": username})


@router.put("/org/users/{username}/roles", summary="调整人员角色与职务（系统管理员）")
@answers(403, 404)
async def change_roles(username: Username, body: JsonBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "change_roles", {**body, "username": username})


@router.post("/org/users/{username}/deactivate", summary="停用账号：立即结束其会话，待办审批任务转办（系统管理员）")
@answers(403, 404)
async def deactivate_user(username: Username, rpc: UserRpc, request: Request) -> dict[str, Any]:
    return _end_sessions(request, await rpc.call("org", "deactivate_user", {"username": username}))


@router.post("/org/users/{username}/reset-password", summary="重置密码：一次性密码仅显示一次，其会话结束（系统管理员）")
@answers(403, 404)
async def reset_password(username: Username, rpc: UserRpc, request: Request, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    return _end_sessions(request, await rpc.call("org", "reset_password", {"username": username}))


@router.get("/org/users/{username}/trail", summary="该人员的组织机构变更留痕（系统管理员、审计、纪检）")
@answers(403, 404)
async def user_trail(username: Username, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("approval", "org_trail", {"kind": "org_user", "key": username})


@router.put("/org/units/{unit}/head", summary="指定单位负责人：unit_head 科室负责人 / leader_in_charge 分管领导")
@answers(403, 404)
async def assign_unit_head(unit: UnitCode, body: JsonBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "assign_unit_head", {**body, "unit": unit})


@router.get("/org/deciding-bodies", summary="议事决策机构（党工委、主任办公会）成员与法定人数（系统管理员）")
@answers(403, 404)
async def list_bodies(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("org", "list_deciding_bodies", {})


@router.put("/org/deciding-bodies/{code}", summary="调整议事决策机构成员与法定人数（系统管理员）")
@answers(403, 404)
async def change_body(
    code: Annotated[str, Path(min_length=1, max_length=64, description="机构代码")], body: JsonBody, rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("org", "change_deciding_body", {**body, "code": code})
