"""Due times (办理时限), reminders (催办) and escalation (督办) of approval tasks. Pure: no I/O.

Each step of a definition has a due time in hours, by the authority that holds it (data below, beside the
process definitions); a task is due that long after it was assigned. Past due, its assignee is reminded once;
a further period later, still undecided, it is escalated once: to the next authority up on the route, or the
unit's leader in charge, or the principal, whoever comes first that is not the assignee."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

DEFAULT_DUE_HOURS = 24

# Per document type and approver role: a higher authority has more on its desk and sits less often.
STEP_DUE_HOURS: dict[str, dict[str, int]] = {
    "matter_application": {"unit_head": 24, "leader_in_charge": 48, "principal": 72},
    "procurement_application": {"unit_head": 24, "leader_in_charge": 48, "principal": 72},
    "procurement_method_change": {"unit_head": 24, "leader_in_charge": 48, "principal": 72},
}


@dataclass(frozen=True)
class DuePolicy:
    due_hours: dict[str, dict[str, int]] = field(default_factory=lambda: STEP_DUE_HOURS)
    default_hours: float = DEFAULT_DUE_HOURS
    escalate_after: timedelta = timedelta(hours=24)  # after the due time, on top of it
    due_override: timedelta | None = None  # one due time for every step (tests, drills)

    def due_at(self, assigned_at: datetime, document_type: str, approver_role: str) -> datetime:
        if self.due_override is not None:
            return assigned_at + self.due_override
        hours = self.due_hours.get(document_type, {}).get(approver_role, self.default_hours)
        return assigned_at + timedelta(hours=hours)

    def escalation_due_before(self, now: datetime) -> datetime:
        """Tasks due before this moment, reminded and still pending, are escalated now."""
        return now - self.escalate_after


@dataclass(frozen=True)
class Escalation:
    to: str
    reason: str  # Chinese: why this person


def escalation_target(
    assignee: str, later_steps: Iterable[tuple[str, str]], leader_in_charge: str | None, principals: Iterable[str]
) -> Escalation | None:
    """Who an overdue task goes up to. `later_steps`: (assignee, step name) of the route's steps after the
    task's, in order. None when nobody above the assignee can be named."""
    for username, step_name in later_steps:
        if username and username != assignee:
            return Escalation(username, f"上一级审批人（{step_name}）")
    if leader_in_charge and leader_in_charge != assignee:
        return Escalation(leader_in_charge, "单位分管领导")
    for username in principals:
        if username != assignee:
            return Escalation(username, "主要领导")
    return None
