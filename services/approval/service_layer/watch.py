"""approval-watch's two hooks into the approval use cases (handlers.decide and handlers._assigned), so that
those stay as they were but for one marked line each."""

from __future__ import annotations

from ic_platform.context import CallContext
from services.approval.domain.model import Decision, DecisionResult, Route, Task
from services.approval.service_layer import commands, conflicts, cycle, deadlines, warnings
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def on_decision(
    uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, result: DecisionResult, cmd: commands.Decide
) -> None:
    """In the decision's transaction, after the domain accepted it and before it is recorded: a refusal here
    (an incompatible position, an unacknowledged high risk warning) rolls it all back."""
    conflicts.check(uow, ctx, route)
    warnings.check_and_acknowledge(uow, ctx, route, result.task, Decision(cmd.decision), cmd)
    cycle.observe(uow, route, result)


def on_assigned(uow: ApprovalUnitOfWork, route: Route, task: Task) -> None:
    deadlines.schedule(uow, route, task)
