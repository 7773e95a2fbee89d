"""What approval does when an administrator changes the organisation (org's `org.user_deactivated`,
`org.user_roles_changed`, `org.password_reset`, `org.unit_head_assigned`, `org.deciding_body_changed`).

Each change goes on the trail (留痕) like every approval action: one hash chain per person (`org_user`), unit
(`org_unit`) or deciding body (`deciding_body`), the administrator as actor. A change of who may approve
updates approval's copy of the organisation in the same transaction. A deactivated person's pending tasks are
handed (转办) to the first person the step's rule could have chosen; a task nobody may take stays pending and
its document's trail says so (`reassignment_needed`), for an administrator to reassign by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError, Forbidden
from services.approval.domain import definitions, eligibility
from services.approval.domain.directory import DecidingBody, Unit, User
from services.approval.domain.trail import TrailAction, TrailDraft
from services.approval.service_layer import delegation
from services.approval.service_layer.actions import hand_over
from services.approval.service_layer.handlers import _Trail
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

ORG_SUBJECTS = ("org_user", "org_unit", "deciding_body")
POST_LABELS = {"unit_head": "科室（社区）负责人", "leader_in_charge": "分管领导"}


def _announced(event: Envelope) -> datetime:
    return datetime.fromisoformat(event.occurred_at)


def _record(
    uow: ApprovalUnitOfWork, event: Envelope, action: TrailAction, kind: str, key: str, label: str, comment: str
) -> None:
    ctx = CallContext.from_envelope(event)
    uow.trail.append(
        TrailDraft(
            action=action.value,
            org=event.org,
            actor=event.payload.get("by") or event.actor,
            document_type=kind,
            document_id=key,
            document_no=label,
            comment=comment,
            occurred_at=datetime.now(UTC),
            client_ip=ctx.client_ip,
            user_agent=ctx.user_agent,
        )
    )


def _roles(roles: list[str]) -> str:
    return "、".join(roles) or "无"


def on_user_registered_by_admin(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    """A person an administrator added (the seed's are not changes anyone made)."""
    if not event.payload.get("by"):
        return
    user = event.payload["user"]
    comment = f"新增人员 {user['full_name']}，单位 {user['unit']}，角色 {_roles(user['roles'])}"
    _record(uow, event, TrailAction.ORG_USER_ADDED, "org_user", user["username"], user["full_name"], comment)


def on_user_roles_changed(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    user = User.from_payload(p["user"])
    uow.directory.upsert_user(event.org, user, _announced(event))
    comment = f"角色由 {_roles(p['previous_roles'])} 调整为 {_roles(list(user.roles))}"
    _record(uow, event, TrailAction.ORG_ROLES_CHANGED, "org_user", user.username, user.full_name, comment)


def on_password_reset(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    comment = f"重置密码（一次性密码），结束会话 {p['sessions_revoked']} 个"
    _record(uow, event, TrailAction.ORG_PASSWORD_RESET, "org_user", p["username"], p["username"], comment)


def on_unit_head_assigned(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    unit = Unit.from_payload(p["unit"])
    uow.directory.upsert_unit(event.org, unit, _announced(event))
    before = f"（原 {_roles(p['previous'])}）" if p["previous"] else ""
    comment = f"{POST_LABELS.get(p['post'], p['post'])}：{p['username']}{before}"
    _record(uow, event, TrailAction.ORG_UNIT_HEAD_ASSIGNED, "org_unit", unit.code, unit.name, comment)


def on_deciding_body_changed(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    body = DecidingBody.from_payload(p["body"])
    uow.directory.upsert_body(event.org, body, _announced(event))
    comment = (
        f"成员由 {_roles(p['previous_members'])}（法定人数 {p['previous_quorum']}）调整为 "
        f"{_roles(list(body.members))}（法定人数 {body.quorum}）"
    )
    _record(uow, event, TrailAction.ORG_BODY_CHANGED, "deciding_body", body.code, body.name, comment)


def on_user_deactivated(event: Envelope, uow: ApprovalUnitOfWork) -> None:
    p = event.payload
    user = User.from_payload(p["user"], active=False)
    uow.directory.upsert_user(event.org, user, _announced(event))
    ctx = CallContext.from_envelope(event)
    handed, left = [], []
    for task_id in uow.tasks.pending_of(event.org, user.username):
        route_id = uow.tasks.route_of(task_id)
        route = uow.routes.lock(route_id)
        task = uow.tasks.get(task_id)
        target = _successor(uow, route, task)
        reason = f"{user.full_name}（{user.username}）已停用，待办任务由系统转办"
        if target is None:
            _Trail(uow, ctx, route, actor=ctx.actor).add(
                TrailAction.REASSIGNMENT_NEEDED,
                task=task,
                from_step=task.step_no,
                comment=f"{reason}：无符合条件的接替人，请系统管理员转办",
            )
            left.append(task_id)
            continue
        try:
            hand_over(uow, ctx, route, task, target.username, reason, actor_is_admin=True)
            handed.append(task_id)
        except DomainError:
            left.append(task_id)
    comment = f"停用账号，结束会话 {p['sessions_revoked']} 个；待办任务转办 {len(handed)} 件，待人工转办 {len(left)} 件"
    _record(uow, event, TrailAction.ORG_USER_DEACTIVATED, "org_user", user.username, user.full_name, comment)


def _successor(uow: ApprovalUnitOfWork, route: Any, task: Any) -> User | None:
    directory = uow.directory.of(route.org)
    step = route.step(task.step_no)
    definition = definitions.version(route.document.type, route.definition_version)
    scope = eligibility.step_scope(definition, step.name, step.roles)
    unit = directory.unit(route.unit)
    candidates = {u.username: u for role in step.roles for u in directory.users_with_role(role)}
    holders = {who for s in route.steps for who in s.assignees}
    return eligibility.successor(list(candidates.values()), step.roles, scope, unit, route.initiator, holders)


def org_trail(kind: str, key: str, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The trail of administrative changes to one person, unit or deciding body (admin, auditor, inspector)."""
    with uow:
        viewer = uow.directory.of(ctx.org).user(ctx.actor) if ctx.actor else None
        allowed = delegation.is_admin(uow, ctx) or (viewer is not None and {"auditor", "inspector"} & set(viewer.roles))
        if kind not in ORG_SUBJECTS or not allowed:
            raise Forbidden("org_trail_forbidden", "只有系统管理员、审计和纪检人员可以查看组织机构变更留痕", {})
        entries = [e for e in uow.trail.for_document(kind, key) if e.org == ctx.org]
    return {"subject": {"type": kind, "id": key}, "entries": [e.as_dict() for e in entries]}


EVENT_HANDLERS = {
    "org.user_deactivated": [on_user_deactivated],
    "org.user_roles_changed": [on_user_roles_changed],
    "org.password_reset": [on_password_reset],
    "org.unit_head_assigned": [on_unit_head_assigned],
    "org.deciding_body_changed": [on_deciding_body_changed],
}
