"""Routes (审批路径), their steps (节点) and tasks (待办). Pure: no I/O, no frameworks.

A route is drawn once, when the document enters approval, and frozen: later changes to the organisation or
to the process definition do not move a document that is already on its way. Each step that is reached gets
a task for its assignee; a task is decided once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ic_platform.documents import DocumentRef  # noqa: F401 - re-exported: part of this domain's language
from services.approval.domain import errors


class RouteStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # sent back to the initiator to correct; a resubmission starts a new round
    WITHDRAWN = "withdrawn"  # taken back by the initiator before anyone acted; may be resubmitted, a new round

    @property
    def resubmittable(self) -> bool:
        return self in (RouteStatus.RETURNED, RouteStatus.WITHDRAWN)


class TaskStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"  # to the initiator
    # Closed without a decision on the document; see domain/actions.py.
    RETURNED_TO_STEP = "returned_to_step"  # sent back to an earlier step of the route
    REASSIGNED = "reassigned"  # handed to another approver (转办), whose new task carries on
    WITHDRAWN = "withdrawn"  # the initiator withdrew the document while the task was pending
    SKIPPED = "skipped"  # a parallel task no longer needed: its step was decided by another assignee


class Decision(StrEnum):
    """What an approver says (imperative); the task's status records what it became."""

    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"  # 退回: back to the initiator, who may correct and resubmit (a new round)

    @property
    def status(self) -> TaskStatus:
        return {
            Decision.APPROVE: TaskStatus.APPROVED,
            Decision.REJECT: TaskStatus.REJECTED,
            Decision.RETURN: TaskStatus.RETURNED,
        }[self]


class StepKind(StrEnum):
    SINGLE = "single"  # one approver
    COUNTERSIGN = "countersign"  # 会签: several in parallel, all must approve; any other decision decides the step
    ANY_ONE = "any_one"  # 或签: several in parallel, the first to decide decides; the others are skipped
    COLLECTIVE = "collective"  # 集体决策: one task, completed by recording the meeting (see domain/meeting.py)

    @property
    def parallel(self) -> bool:
        return self in (StepKind.COUNTERSIGN, StepKind.ANY_ONE)


@dataclass(frozen=True)
class PlannedStep:
    step_no: int
    name: str  # what people see, e.g. 部门负责人审批
    approver_role: str  # for a parallel step: its roles, comma-separated
    assignee: str  # username, resolved when the route was drawn; a parallel step's first assignee
    reason: str  # why this step is on the route, in Chinese
    kind: StepKind = StepKind.SINGLE
    co_assignees: tuple[str, ...] = ()  # a parallel step's other assignees

    @property
    def assignees(self) -> tuple[str, ...]:
        return (self.assignee, *self.co_assignees)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.approver_role.split(","))

    def tasks(self, round_: int) -> list[Task]:
        """The step's tasks when it is reached: one per assignee."""
        return [Task(step_no=self.step_no, assignee=who, round=round_) for who in self.assignees]

    def as_dict(self) -> dict[str, Any]:
        data = {
            "step_no": self.step_no,
            "name": self.name,
            "approver_role": self.approver_role,
            "assignee": self.assignee,
            "reason": self.reason,
        }
        if self.kind is not StepKind.SINGLE:
            data.update(kind=self.kind.value, assignees=list(self.assignees))
        return data


@dataclass
class Task:
    step_no: int
    assignee: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: TaskStatus = TaskStatus.PENDING
    decided_by: str | None = None
    comment: str | None = None
    round: int = 1  # which submission of the document the task belongs to
    acting_for: str | None = None  # 代理: the assignee the decider acted for, when it was their delegate


@dataclass(frozen=True)
class DecisionResult:
    task: Task  # the task just decided
    next_task: Task | None  # the next step's (first) task, if the route goes on
    outcome: RouteStatus | None  # set when the route completed, or was returned to the initiator
    reason: str | None = None  # why it completed (for approval.completed) or was returned
    also_opened: tuple[Task, ...] = ()  # a parallel next step's other tasks
    skipped: tuple[Task, ...] = ()  # the decided step's parallel tasks that are no longer needed
    waiting: bool = False  # a countersign step still waits for other assignees

    @property
    def opened(self) -> tuple[Task, ...]:
        return (self.next_task, *self.also_opened) if self.next_task else ()


@dataclass
class Route:
    document: DocumentRef
    org: str
    title: str
    amount: Decimal
    initiator: str
    unit: str
    definition_version: int
    steps: list[PlannedStep]
    status: RouteStatus = RouteStatus.IN_PROGRESS
    current_step: int | None = None  # the step holding the document; None once completed or returned
    round: int = 1  # 1 for the first submission, +1 for each resubmission after a return
    id: int | None = None  # given by storage
    economic_class: str | None = None  # the spending's category (budget line's class), for major-matter rules
    major_matter: bool = False  # 三重一大, as ticked or as a rule set it (this round)
    major_reasons: tuple[str, ...] = ()  # the rules that made it major, described

    @classmethod
    def start(cls, steps: list[PlannedStep], **fields: Any) -> tuple[Route, Task]:
        """A new route, standing at its first step, and that step's task."""
        if not steps:
            raise ValueError("a route needs at least one step")
        if steps[0].kind.parallel:
            raise ValueError("a route's first step has one approver")  # see ProcessDefinition._check
        route = cls(steps=list(steps), current_step=steps[0].step_no, **fields)
        return route, Task(step_no=steps[0].step_no, assignee=steps[0].assignee)

    def restart(self, steps: list[PlannedStep], definition_version: int, title: str) -> Task:
        """A returned document was corrected and resubmitted: a new round on a freshly drawn route (from the
        definition in force now), standing at its first step. Earlier rounds stay stored as they were."""
        if not self.status.resubmittable:
            raise errors.not_returned(self.document.no, self.status.value)
        if not steps or steps[0].kind.parallel:
            raise ValueError("a route needs at least one step, the first with one approver")
        self.round += 1
        self.steps, self.definition_version, self.title = list(steps), definition_version, title
        self.status, self.current_step = RouteStatus.IN_PROGRESS, steps[0].step_no
        return Task(step_no=steps[0].step_no, assignee=steps[0].assignee, round=self.round)

    def step(self, step_no: int) -> PlannedStep:
        return next(s for s in self.steps if s.step_no == step_no)

    def approvals(
        self, tasks: Iterable[Task], authority_of: Callable[[PlannedStep], str | None]
    ) -> list[dict[str, Any]]:
        """The approving decisions of this round, by step (what `approval.completed` tells): who approved, at which
        step, in which capacity (`authority`: the authority of the definition the step stands for, 分级授权), for
        whom (a delegate's `acting_for`), and whether by a meeting's record (a collective step is decided only so).
        A step approved again after a return to an earlier step counts once per approver (the latest decision)."""
        latest: dict[tuple[int, str], dict[str, Any]] = {}
        for task in tasks:
            if task.round != self.round or task.status is not TaskStatus.APPROVED or task.decided_by is None:
                continue
            step = self.step(task.step_no)
            item = {
                "step_no": step.step_no,
                "step_name": step.name,
                "authority": authority_of(step) or step.approver_role,
                "decided_by": task.decided_by,
                "by_meeting": step.kind is StepKind.COLLECTIVE,
            }
            if task.acting_for:
                item["acting_for"] = task.acting_for
            latest[(step.step_no, task.acting_for or task.decided_by)] = item
        return [latest[k] for k in sorted(latest)]

    def _after(self, step_no: int) -> PlannedStep | None:
        return next((s for s in self.steps if s.step_no > step_no), None)

    def decide(
        self,
        task: Task,
        actor: str | None,
        decision: Decision,
        comment: str | None,
        *,
        acting_for: str | None = None,
        parallel: list[Task] = (),
        by_meeting: bool = False,
    ) -> DecisionResult:
        """Record an approver's decision on the task that holds this route, and move the route on.
        `acting_for`: the actor decides as the assignee's delegate (代理), see domain/delegation.py.
        `parallel`: the other pending tasks of the same step (会签/或签). A countersign approval waits until
        every assignee approved; any other decision there, and any decision on an any-one step, decides the
        step and skips the others' tasks. A collective-decision step is decided only `by_meeting`: by
        recording the meeting that decided it (see domain/meeting.py)."""
        self._check_may_decide(task, actor, acting_for)
        step = self.step(task.step_no)
        if step.kind is StepKind.COLLECTIVE and not by_meeting:
            raise errors.meeting_required(step.name)
        comment = (comment or "").strip()
        if decision is Decision.REJECT and not comment:
            raise errors.reason_required()
        if decision is Decision.RETURN and not comment:
            raise errors.return_reason_required()
        task.status, task.decided_by, task.comment = decision.status, actor, comment or None
        task.acting_for = acting_for
        others = [t for t in parallel if t.id != task.id and t.status is TaskStatus.PENDING]
        if decision is Decision.APPROVE and step.kind is StepKind.COUNTERSIGN and others:
            return DecisionResult(task, None, None, waiting=True)
        skipped = skip(others)
        if decision is Decision.REJECT:
            return self._complete(task, RouteStatus.REJECTED, f"{step.name}驳回：{comment}", skipped)
        if decision is Decision.RETURN:
            return self._complete(task, RouteStatus.RETURNED, f"{step.name}退回：{comment}", skipped)
        following = self._after(task.step_no)
        if following is None:
            return self._complete(task, RouteStatus.APPROVED, f"{len(self.steps)} 个审批节点均已通过", skipped)
        self.current_step = following.step_no
        first, *rest = following.tasks(self.round)
        return DecisionResult(task, first, None, also_opened=tuple(rest), skipped=skipped)

    def _check_may_decide(self, task: Task, actor: str | None, acting_for: str | None = None) -> None:
        if not actor:
            raise errors.actor_required()
        if (
            task.status is not TaskStatus.PENDING
            or self.status is not RouteStatus.IN_PROGRESS
            or task.step_no != self.current_step
            or task.round != self.round
        ):
            raise errors.already_decided(task.id, task.status.value)
        # Checked before the assignee: the route never assigns the initiator, so this is the check that
        # names the real problem when an initiator tries to approve their own document.
        if actor == self.initiator:
            raise errors.self_approval(actor, self.document.no)
        if (acting_for or actor) != task.assignee:
            raise errors.not_assignee(actor, task.assignee)
        if acting_for is not None:
            # A delegate acts as themself too: they may not hold a second step of the document that way, nor
            # sign twice on one countersign step.
            held = next((s for s in self.steps if actor in s.assignees), None)
            if held is not None:
                raise errors.one_step_per_person(actor, self.document.no, held.name)

    def _complete(
        self, task: Task, outcome: RouteStatus, reason: str, skipped: tuple[Task, ...] = ()
    ) -> DecisionResult:
        self.status, self.current_step = outcome, None
        return DecisionResult(task, None, outcome, reason, skipped=skipped)


def skip(tasks: list[Task]) -> tuple[Task, ...]:
    """Close a step's other parallel tasks: the step was decided without them (不需处理)."""
    for other in tasks:
        other.status, other.comment = TaskStatus.SKIPPED, "本节点已有审批结果，无需处理"
    return tuple(tasks)
