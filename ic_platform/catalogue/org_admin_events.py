"""Organisation administration (组织机构管理) event types: the org service announces each change an
administrator makes; approval hears them (its copy of the organisation, its trail, the open tasks of a
deactivated person). `merge_into(SPECS)` adds them and lets `org.user_registered` say who added the person."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from ic_platform.catalogue.fragments import USERNAME, obj

_BY = {**USERNAME, "description": "操作的系统管理员"}


def _specs(unit: dict[str, Any], user: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        dict(
            type="org.user_deactivated",
            version=1,
            producer="org",
            summary="人员账号已停用：不能再登录，会话立即结束，其待办审批任务转办他人",
            subscribers=("approval",),
            payload=obj(
                ["user", "by", "sessions_revoked"],
                user=user,
                by=_BY,
                sessions_revoked={"type": "integer", "minimum": 0, "description": "结束的会话令牌数"},
            ),
        ),
        dict(
            type="org.user_roles_changed",
            version=1,
            producer="org",
            summary="人员的角色（岗位）或职务已调整",
            subscribers=("approval",),
            payload=obj(
                ["user", "previous_roles", "by"],
                user=user,
                previous_roles={"type": "array", "items": {"type": "string"}},
                by=_BY,
            ),
        ),
        dict(
            type="org.password_reset",
            version=1,
            producer="org",
            summary="系统管理员重置了人员的密码（一次性密码只显示给管理员一次，不在事件中）；其会话已结束",
            subscribers=("approval",),
            payload=obj(
                ["username", "by", "sessions_revoked"],
                username=USERNAME,
                by=_BY,
                sessions_revoked={"type": "integer", "minimum": 0},
            ),
        ),
        dict(
            type="org.unit_head_assigned",
            version=1,
            producer="org",
            summary="单位负责人已指定：科室（社区）负责人或分管领导",
            subscribers=("approval",),
            payload=obj(
                ["unit", "post", "username", "previous", "by"],
                unit=unit,
                post={"enum": ["unit_head", "leader_in_charge"], "description": "unit_head 负责人 / 分管领导"},
                username=USERNAME,
                previous={"type": "array", "items": USERNAME, "description": "此前担任该职的人"},
                by=_BY,
            ),
        ),
        dict(
            type="org.deciding_body_changed",
            version=1,
            producer="org",
            summary="议事决策机构（党工委、主任办公会）的成员或法定人数已由系统管理员调整",
            subscribers=("approval",),
            payload=obj(
                ["body", "previous_members", "previous_quorum", "by"],
                body=obj(
                    ["code", "name", "members", "quorum"],
                    code={"type": "string", "minLength": 1},
                    name={"type": "string", "minLength": 1},
                    members={"type": "array", "items": USERNAME, "minItems": 1},
                    quorum={"type": "integer", "minimum": 3},
                ),
                previous_members={"type": "array", "items": USERNAME},
                previous_quorum={"type": "integer"},
                by=_BY,
            ),
        ),
    ]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    registered = next(s for s in specs if s["type"] == "org.user_registered")
    registered["payload"]["properties"]["by"] = {**_BY, "description": "新增该人员的系统管理员（管理员新增时）"}
    unit = deepcopy(next(s for s in specs if s["type"] == "org.unit_registered")["payload"]["properties"]["unit"])
    user = deepcopy(registered["payload"]["properties"]["user"])
    return [*specs, *_specs(unit, user)]


__all__ = ["merge_into"]
