"""Delegation during absence (代理): granting, listing, revoking, and who a delegate acts for right now."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ic_platform.context import CallContext
from ic_platform.paging import page_window, paged
from services.approval.domain import eligibility, errors
from services.approval.domain.delegation import Delegation, acting_for
from services.approval.domain.model import Task
from services.approval.service_layer import commands
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

ADMIN = "admin"


def _now() -> datetime:
    return datetime.now(UTC)


def is_admin(uow: ApprovalUnitOfWork, ctx: CallContext) -> bool:
    """Roles come from approval's copy of the organisation (the call context carries only the username)."""
    user = uow.directory.of(ctx.org).user(ctx.actor) if ctx.actor else None
    return user is not None and ADMIN in user.roles


def acting_for_on(uow: ApprovalUnitOfWork, ctx: CallContext, task: Task | None) -> str | None:
    """Whom the caller acts for on this task: its assignee, if the caller is their delegate now."""
    if task is None or not ctx.actor or ctx.actor == task.assignee:
        return None
    return acting_for(task.assignee, ctx.actor, uow.delegations.active_for_delegate(ctx.org, ctx.actor, _now()), _now())


def principals_of(uow: ApprovalUnitOfWork, ctx: CallContext) -> tuple[str, ...]:
    """The people whose tasks the caller may act on now, as their delegate."""
    if not ctx.actor:
        return ()
    return tuple(sorted({d.principal for d in uow.delegations.active_for_delegate(ctx.org, ctx.actor, _now())}))


GRANT_SCOPE = "grant_delegation"


def grant(cmd: commands.GrantDelegation, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if not ctx.actor:
        raise errors.actor_required()
    request, key = cmd.model_dump(mode="json"), ctx.scoped_key
    with uow:
        if key and (stored := uow.recall(GRANT_SCOPE, key, request)) is not None:
            return stored  # the same request again (a double click, a retry): one delegation
        principal = cmd.principal or ctx.actor
        if principal != ctx.actor and not is_admin(uow, ctx):
            raise errors.delegation_not_yours(ctx.actor, "设置")
        directory = uow.directory.of(ctx.org)
        principal_user, delegate_user = directory.user(principal), directory.user(cmd.delegate)
        if principal_user is None:
            raise errors.user_unknown(principal, "principal")
        if delegate_user is None:
            raise errors.user_unknown(cmd.delegate, "delegate")
        if delegate_user.username != principal_user.username:  # delegating to oneself is refused below, by name
            eligibility.check_delegate(principal_user, delegate_user)
        delegation = Delegation.grant(
            org=ctx.org,
            principal=principal,
            delegate=cmd.delegate,
            starts_at=cmd.starts_at,
            ends_at=cmd.ends_at,
            reason=cmd.reason,
            created_by=ctx.actor,
            others=uow.delegations.of_principal(ctx.org, principal, lock=True),
        )
        uow.delegations.add(delegation)
        uow.publish(
            ctx.event(
                "approval.delegation_granted",
                {
                    "delegation_id": delegation.id,
                    "principal": principal,
                    "delegate": delegation.delegate,
                    "starts_at": delegation.starts_at.isoformat(),
                    "ends_at": delegation.ends_at.isoformat(),
                    "reason": delegation.reason,
                },
            )
        )
        result = delegation.as_dict(_now())
        if key:
            uow.remember(GRANT_SCOPE, key, request, result)
        uow.commit()
    return result


def revoke(cmd: commands.RevokeDelegation, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if not ctx.actor:
        raise errors.actor_required()
    with uow:
        delegation = uow.delegations.get(cmd.delegation_id, for_update=True)
        if delegation is None or delegation.org != ctx.org:
            raise errors.delegation_not_found(cmd.delegation_id)
        delegation.revoke(ctx.actor, actor_is_admin=is_admin(uow, ctx), moment=_now())
        uow.delegations.save_revocation(delegation)
        uow.publish(
            ctx.event(
                "approval.delegation_revoked",
                {
                    "delegation_id": delegation.id,
                    "principal": delegation.principal,
                    "delegate": delegation.delegate,
                    "revoked_by": ctx.actor,
                },
            )
        )
        uow.commit()
    return delegation.as_dict(_now())


def list_mine(cmd: commands.Page, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Delegations the caller granted or received (revoked and expired ones too: the history), latest first."""
    if not ctx.actor:
        raise errors.actor_required()
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, found = uow.delegations.involving(ctx.org, ctx.actor, limit, offset)
    now = _now()
    return paged([d.as_dict(now) for d in found], total, cmd.page, limit)
