"""The approval service's refusals, each with a stable code and a Chinese message."""

from __future__ import annotations

from ic_platform.errors import (
    SOD_PREFIX,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    sod_rule,  # noqa: F401 - approval's service layer counts its refusals by it
)


class RouteRefused(DomainError):
    """No route can be drawn for a document: the organisation data does not name an approver. Raised in an
    event handler, so the inbox retries it (the org events may simply not have arrived yet) and then parks
    it as a dead letter for ops to fix the data and replay."""

    status = 409


def no_definition(document_type: str) -> RouteRefused:
    return RouteRefused(
        "approval_definition_missing", f"单据类型 {document_type} 没有配置审批流程", {"document_type": document_type}
    )


def unit_unknown(unit: str) -> RouteRefused:
    return RouteRefused("approval_unit_unknown", f"单位 {unit} 未在组织机构中登记，无法确定审批人", {"unit": unit})


def approver_missing(role_label: str, where: str, details: dict) -> RouteRefused:
    return RouteRefused("approval_approver_missing", f"{where}没有登记{role_label}，无法确定审批人", details)


def approver_ambiguous(role_label: str, where: str, candidates: list[str]) -> RouteRefused:
    return RouteRefused(
        "approval_approver_ambiguous",
        f"{where}登记了多名{role_label}（{'、'.join(candidates)}），无法确定审批人",
        {"candidates": candidates},
    )


def no_higher_authority(role_label: str, initiator: str) -> RouteRefused:
    return RouteRefused(
        "approval_no_higher_authority",
        f"申请人 {initiator} 即{role_label}，本人不能审批本人单据，且没有更高一级的审批人（应提交集体决策）",
        {"initiator": initiator},
    )


def self_approval(actor: str, document_no: str | None) -> DomainError:
    return Forbidden(
        f"{SOD_PREFIX}self_approval",
        f"不相容岗位相互分离：不能审批本人提交的单据 {document_no or ''}".rstrip(),
        {"actor": actor, "document_no": document_no or "", "rule": "self_approval"},
    )


def not_assignee(actor: str | None, assignee: str) -> DomainError:
    return Forbidden("approval_not_assignee", "该审批任务未分配给您，不能处理", {"actor": actor, "assignee": assignee})


def actor_required() -> DomainError:
    return Forbidden("actor_required", "无法识别当前用户，请重新登录")


def already_decided(task_id: str, status: str) -> DomainError:
    return Conflict("approval_task_decided", "该审批任务已处理，不能重复审批", {"task_id": task_id, "status": status})


def reason_required() -> DomainError:
    return InvalidInput("approval_reason_required", "驳回必须填写理由", {"field": "comment"})


def return_reason_required() -> DomainError:
    return InvalidInput("approval_reason_required", "退回必须填写理由", {"field": "comment"})


def not_returned(document_no: str | None, status: str) -> DomainError:
    return Conflict(
        "approval_route_not_returned",
        f"单据 {document_no or ''} 未被退回，不能重新提交",
        {"document_no": document_no or "", "status": status},
    )


def task_not_found(task_id: str) -> DomainError:
    return NotFound("approval_task_not_found", f"审批任务不存在: {task_id}", {"task_id": task_id})


def route_not_found(document_type: str, document_id: str) -> DomainError:
    return NotFound(
        "approval_route_not_found",
        "该单据尚未进入审批（或审批路径仍在生成中）",
        {"document_type": document_type, "document_id": document_id},
    )


# ── segregation of duties beyond self-approval ──
def one_step_per_person(actor: str, document_no: str | None, held_step: str) -> DomainError:
    return Forbidden(
        f"{SOD_PREFIX}one_step_per_person",
        f"不相容岗位相互分离：同一人在一份单据中只能承担一个审批节点，{actor} 已承担{held_step}",
        {"actor": actor, "document_no": document_no or "", "held_step": held_step, "rule": "one_step_per_person"},
    )


# ── withdraw, return to a step, reassign ──
def not_initiator(actor: str | None, initiator: str) -> DomainError:
    return Forbidden(
        "approval_not_initiator", "只有申请人本人可以撤回单据", {"actor": actor or "", "initiator": initiator}
    )


def withdraw_too_late(document_no: str | None, acted: str) -> DomainError:
    return Conflict(
        "approval_withdraw_too_late",
        f"单据 {document_no or ''} 已有审批人处理（{acted}），不能撤回；如需修改请联系审批人退回",
        {"document_no": document_no or "", "acted": acted},
    )


def not_in_progress(document_no: str | None, status: str) -> DomainError:
    return Conflict(
        "approval_route_not_in_progress",
        f"单据 {document_no or ''} 不在审批中，不能执行此操作",
        {"document_no": document_no or "", "status": status},
    )


def field_required(field: str, message: str) -> DomainError:
    return InvalidInput("approval_reason_required", message, {"field": field})


def no_earlier_step(to_step: int, current: int) -> DomainError:
    return InvalidInput(
        "approval_step_not_earlier",
        f"只能退回到当前节点（第 {current} 步）之前的审批节点",
        {"field": "to_step", "to_step": to_step, "current_step": current},
    )


def reassign_not_allowed(actor: str) -> DomainError:
    return Forbidden("approval_reassign_forbidden", "只有该任务的审批人或系统管理员可以转办", {"actor": actor})


def reassign_role_mismatch(target: str, role_label: str) -> DomainError:
    return InvalidInput(
        "approval_reassign_role",
        f"{target} 不具有该节点所需的审批角色（{role_label}），不能转办给其处理",
        {"field": "assignee", "assignee": target, "role": role_label},
    )


def reassign_out_of_scope(target: str, step_name: str, who: str) -> DomainError:
    return InvalidInput(
        "approval_reassign_scope",
        f"{target} 不在{step_name}的审批范围内：只能转办给{who}，且不能是申请人或已承担其他节点的人",
        {"field": "assignee", "assignee": target, "step": step_name},
    )


def user_unknown(username: str, field: str) -> DomainError:
    return InvalidInput("approval_user_unknown", f"用户 {username} 不存在", {"field": field, "username": username})


def user_inactive(username: str) -> DomainError:
    return InvalidInput(
        "approval_user_inactive", f"用户 {username} 已停用，不能承担审批", {"field": "assignee", "username": username}
    )


def reassign_to_self(target: str) -> DomainError:
    return InvalidInput(
        "approval_reassign_same", f"该任务已由 {target} 处理，无需转办", {"field": "assignee", "assignee": target}
    )


# ── delegation (代理) ──
def delegation_nothing_to_delegate(principal: str) -> DomainError:
    return InvalidInput(
        "approval_delegation_no_duty",
        f"{principal} 没有审批职责，无需设置审批代理",
        {"field": "principal", "principal": principal},
    )


def delegation_out_of_scope(principal: str, delegate: str, missing_roles: list[str], unit: str) -> DomainError:
    return InvalidInput(
        "approval_delegation_scope",
        f"代理人 {delegate} 须与委托人 {principal} 同属一个单位并具有相同的审批岗位，才能代为审批",
        {"field": "delegate", "delegate": delegate, "missing_roles": missing_roles, "unit": unit},
    )


def delegation_period_invalid() -> DomainError:
    return InvalidInput("approval_delegation_period", "代理结束时间必须晚于开始时间", {"field": "ends_at"})


def delegation_to_self() -> DomainError:
    return InvalidInput("approval_delegation_self", "不能委托本人代理", {"field": "delegate"})


def delegation_overlaps(other_delegate: str, starts_at: str, ends_at: str) -> DomainError:
    return Conflict(
        "approval_delegation_overlap",
        f"该时段已委托 {other_delegate} 代理（{starts_at} 至 {ends_at}），同一时段只能有一名代理人",
        {"delegate": other_delegate, "starts_at": starts_at, "ends_at": ends_at},
    )


def delegation_not_found(delegation_id: str) -> DomainError:
    return NotFound(
        "approval_delegation_not_found", f"代理记录不存在: {delegation_id}", {"delegation_id": delegation_id}
    )


def delegation_not_yours(actor: str, action: str = "撤销") -> DomainError:
    """`action`: what was refused, 设置 (granting for someone else) or 撤销 (revoking another's)."""
    message = f"只有委托人本人或系统管理员可以{action}代理"
    return Forbidden("approval_delegation_forbidden", message, {"actor": actor, "action": action})


def delegation_ended(delegation_id: str) -> DomainError:
    return Conflict("approval_delegation_ended", "该代理已结束或已撤销", {"delegation_id": delegation_id})


def meeting_required(step_name: str) -> DomainError:
    return Conflict(
        "approval_meeting_required",
        f"{step_name}须录入集体决策会议记录（会议日期、出席人员、决定、纪要）后完成",
        {"step_name": step_name},
    )


def not_collective(step_name: str) -> DomainError:
    return Conflict(
        "approval_not_collective", f"{step_name}不是集体决策节点，不能录入会议记录", {"step_name": step_name}
    )
