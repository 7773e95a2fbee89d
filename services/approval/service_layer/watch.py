"""approval-watch's two hooks into the approval use cases (handlers.decide and handlers._assigned), so that
those stay as they were but for one marked line each (and one more where a round opens)."""

from __future__ import annotations

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from services.approval.domain.model import Decision, DecisionResult, Route, Task
from services.approval.service_layer import assessment, commands, conflicts, cycle, deadlines, warnings
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def on_decision(
    uow: ApprovalUnitOfWork, ctx: CallContext, route: Route, result: DecisionResult, cmd: commands.Decide
) -> None:
    """In the decision's transaction, after the domain accepted it and before it is recorded: a refusal here
    (risk's assessment still pending, an incompatible position, an unacknowledged high risk warning) rolls it
    all back. The assessment first: the warnings to acknowledge are complete only once it is here."""
    assessment.check(uow, route, result.task)
    conflicts.check(uow, ctx, route)
    warnings.check_and_acknowledge(uow, ctx, route, result.task, Decision(cmd.decision), cmd)
    cycle.observe(uow, route, result)


def on_round_started(uow: ApprovalUnitOfWork, event: Envelope, route: Route) -> None:
    """A submission or a resubmission opened a round: its decisions wait for risk's assessment."""
    assessment.on_round_started(uow, event, route)


def on_assigned(uow: ApprovalUnitOfWork, route: Route, task: Task) -> None:
    deadlines.schedule(uow, route, task)
