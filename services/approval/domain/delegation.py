"""Delegation during absence (代理): A names B to act for A over a period [starts_at, ends_at). Pure: no I/O.

While a delegation is active, B sees A's pending tasks and may act on them; what B does is recorded as
"B 代 A" (the decider is B, acting for A). Outside its period a delegation does nothing. It is the person,
not the role, that is delegated: B still may not act on a document B initiated, nor take a second step of
one document by acting for A (segregation of duties is checked on B, see Route.decide). Delegations are
never deleted: a revoked one keeps its row, with who revoked it and when (the history)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.approval.domain import errors


@dataclass
class Delegation:
    org: str
    principal: str  # A, who is away
    delegate: str  # B, who acts for A
    starts_at: datetime
    ends_at: datetime  # exclusive
    reason: str
    created_by: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @classmethod
    def grant(
        cls,
        *,
        org: str,
        principal: str,
        delegate: str,
        starts_at: datetime,
        ends_at: datetime,
        reason: str | None,
        created_by: str,
        others: list[Delegation],
    ) -> Delegation:
        """A new delegation of `principal`; `others` are the principal's delegations stored so far. One
        delegate at a time: two overlapping delegations would make "who acts for A now" ambiguous."""
        reason = (reason or "").strip()
        if not reason:
            raise errors.field_required("reason", "设置代理必须填写事由")
        if delegate == principal:
            raise errors.delegation_to_self()
        if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at:
            raise errors.delegation_period_invalid()
        for other in others:
            if other.revoked_at is None and other.starts_at < ends_at and starts_at < other.ends_at:
                raise errors.delegation_overlaps(other.delegate, other.starts_at.isoformat(), other.ends_at.isoformat())
        return cls(
            org=org,
            principal=principal,
            delegate=delegate,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_by=created_by,
        )

    def active_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and self.starts_at <= moment < self.ends_at

    def revoke(self, actor: str, *, actor_is_admin: bool, moment: datetime) -> None:
        """Ends the delegation now (or cancels it before it starts); its row stays as history."""
        if actor != self.principal and not actor_is_admin:
            raise errors.delegation_not_yours(actor)
        if self.revoked_at is not None or self.ends_at <= moment:
            raise errors.delegation_ended(self.id)
        self.revoked_at, self.revoked_by = moment, actor

    def as_dict(self, moment: datetime) -> dict[str, Any]:
        if self.revoked_at is not None:
            state = "revoked"
        elif moment < self.starts_at:
            state = "scheduled"
        elif moment < self.ends_at:
            state = "active"
        else:
            state = "expired"
        return {
            "id": self.id,
            "principal": self.principal,
            "delegate": self.delegate,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "reason": self.reason,
            "created_by": self.created_by,
            "state": state,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revoked_by": self.revoked_by,
        }


def acting_for(assignee: str, actor: str, delegations: list[Delegation], moment: datetime) -> str | None:
    """Whom `actor` acts for on a task of `assignee`: the assignee, if the actor is their active delegate;
    None if the actor acts as themself (their own task, or no delegation applies)."""
    if actor == assignee:
        return None
    for d in delegations:
        if d.principal == assignee and d.delegate == actor and d.active_at(moment):
            return assignee
    return None
