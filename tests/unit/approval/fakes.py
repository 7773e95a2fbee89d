"""An in-memory approval unit of work: the repositories ApprovalUnitOfWork owns, by the same names, and the
service's bus (service_layer/bus.py) run on commit as the real one runs it. All-or-nothing like a transaction;
repositories hand out copies, as rows read from the database are."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from ic_platform import catalogue
from ic_platform.errors import Conflict
from services.approval.domain.assessment import Assessment, AssessmentState
from services.approval.domain.directory import InMemoryDirectory
from services.approval.domain.model import Route, Task, TaskStatus
from services.approval.domain.warnings import RiskWarning

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class FakeRoutes:
    def __init__(self):
        self.rows: dict[int, Route] = {}
        self._ids = itertools.count(1)

    def add(self, route: Route) -> bool:
        if self.find(route.document.type, route.document.id) is not None:
            return False  # one route per document (the unique index)
        route.id = next(self._ids)
        self.rows[route.id] = copy.deepcopy(route)
        return True

    def find(self, document_type: str, document_id: str) -> Route | None:
        found = [r for r in self.rows.values() if (r.document.type, r.document.id) == (document_type, document_id)]
        return copy.deepcopy(found[0]) if found else None

    def lock(self, route_id: int) -> Route:
        return copy.deepcopy(self.rows[route_id])

    def save_progress(self, route: Route) -> None:
        self.rows[route.id] = copy.deepcopy(route)

    save_new_round = save_assignee = lambda self, route, *_: self.save_progress(route)  # noqa: E731


class FakeTasks:
    def __init__(self):
        self.rows: dict[str, tuple[int, Task]] = {}

    def add(self, route_id: int, task: Task) -> None:
        self.rows[task.id] = (route_id, copy.deepcopy(task))

    def route_of(self, task_id: str) -> int | None:
        return self.rows[task_id][0] if task_id in self.rows else None

    def get(self, task_id: str) -> Task | None:
        return copy.deepcopy(self.rows[task_id][1]) if task_id in self.rows else None

    def of_round(self, route_id: int, round_: int) -> list[Task]:
        return [copy.deepcopy(t) for r, t in self.rows.values() if r == route_id and t.round == round_]

    def pending_at(self, route_id: int, round_: int, step_no: int) -> list[Task]:
        return [t for t in self.of_round(route_id, round_) if t.step_no == step_no and t.status is TaskStatus.PENDING]

    def save_decision(self, task: Task) -> None:
        self.rows[task.id] = (self.rows[task.id][0], copy.deepcopy(task))

    def pending(self, assignee: str) -> list[Task]:
        """For the tests: a person's open tasks."""
        return [t for _, t in self.rows.values() if t.assignee == assignee and t.status is TaskStatus.PENDING]


class FakeTrail:
    def __init__(self):
        self.entries: list = []

    def append(self, draft: Any) -> None:
        self.entries.append(draft)


class FakeWatch:
    """Risk warnings and their acknowledgements, the parties, due times, notifications."""

    def __init__(self, routes: FakeRoutes):
        self.routes = routes
        self.warning_rows: dict[int, dict] = {}
        self.acks: dict[tuple[int, str], tuple[str, str]] = {}
        self.party_rows: dict[tuple[str, str], dict[str, str]] = {}
        self.deadlines: dict[str, datetime] = {}
        self.notified: list[SimpleNamespace] = []
        self.known: dict[tuple[str, str], Route] = {}  # routes this transaction holds (the real one's cache)

    def add_warning(self, org: str, p: dict[str, Any]) -> None:
        self.warning_rows.setdefault(p["warning_id"], p)

    def warnings(self, document_type: str, document_id: str) -> list[RiskWarning]:
        return [
            RiskWarning(w["warning_id"], w["rule"], w["severity"], w["message"])
            for _, w in sorted(self.warning_rows.items())
            if (w["document"]["type"], w["document"]["id"]) == (document_type, document_id)
        ]

    def acknowledged(self, task_id: str) -> set[int]:
        return {w for (w, t) in self.acks if t == task_id}

    def acknowledge(self, warning_ids: list[int], task_id: str, actor: str, comment: str) -> None:
        for w in warning_ids:
            self.acks[(w, task_id)] = (actor, comment)

    def set_parties(self, org: str, document_type: str, document_id: str, parties: dict[str, str]) -> None:
        self.party_rows[(document_type, document_id)] = dict(parties)

    def parties(self, document_type: str, document_id: str) -> dict[str, str]:
        return dict(self.party_rows.get((document_type, document_id), {}))

    def add_deadline(self, task_id: str, route_id: int, assigned_at: datetime, due_at: datetime) -> None:
        self.deadlines[task_id] = due_at

    def times(self, route_id: int, task_id: str) -> tuple[datetime, datetime, datetime]:
        return NOW, NOW, NOW

    def notify(self, org, recipient, kind, event_id, document, title, message, task_id=None) -> None:
        self.notified.append(SimpleNamespace(recipient=recipient, kind=kind, title=title, message=message))

    def knows(self, route: Route) -> None:
        self.known[(route.document.type, route.document.id)] = copy.deepcopy(route)

    def route_people(self, document_type: str, document_id: str) -> Any:
        route = self.known.get((document_type, document_id)) or self.routes.find(document_type, document_id)
        return SimpleNamespace(initiator=route.initiator, title=route.title, org=route.org) if route else None


class FakeAssessments:
    def __init__(self):
        self.rows: dict[tuple[str, str, int], Assessment] = {}
        self.by_submission: dict[str, tuple[str, str, int]] = {}

    def expect(self, org: str, submission_event_id: str, document: dict[str, Any], round_: int) -> None:
        key = (document["type"], document["id"], round_)
        self.by_submission[submission_event_id] = key
        self.rows.setdefault(key, Assessment(AssessmentState.PENDING, submission_event_id, NOW))

    def record(self, org, submission_event_id, document, assessed_at, warning_count) -> float | None:
        key = self.by_submission.get(submission_event_id)
        if key is None:
            return None
        self.rows[key] = Assessment(AssessmentState.ASSESSED, submission_event_id, NOW, NOW, warning_count)
        return 0.0

    def of_round(self, document_type: str, document_id: str, round_: int) -> Assessment:
        return self.rows.get((document_type, document_id, round_), Assessment(AssessmentState.NOT_REQUIRED))


class FakeDirectory:
    def __init__(self, directory: InMemoryDirectory):
        self.directory = directory

    def of(self, org: str) -> InMemoryDirectory:
        return self.directory


class FakeDelegations:
    def active_for_delegate(self, org: str, delegate: str, moment: datetime) -> list:
        return []


class FakeMajorRules:
    def in_force(self, org: str, on: Any) -> list:
        return []


class FakeApprovalUnitOfWork:
    def __init__(self, directory: InMemoryDirectory, bus: Any = None):
        self.bus = bus
        self.routes = FakeRoutes()
        self.tasks = FakeTasks()
        self.trail = FakeTrail()
        self.watch = FakeWatch(self.routes)
        self.assessments = FakeAssessments()
        self.directory = FakeDirectory(directory)
        self.delegations = FakeDelegations()
        self.major_rules = FakeMajorRules()
        self.answers: dict = {}
        self.published: list = []  # committed
        self._pending: list = []
        self._collected: list = []
        self._snapshot: list | None = None

    def _state(self) -> list[tuple[Any, str]]:
        return [
            (self.routes, "rows"),
            (self.tasks, "rows"),
            (self.trail, "entries"),
            (self.watch, "warning_rows"),
            (self.watch, "acks"),
            (self.watch, "party_rows"),
            (self.watch, "deadlines"),
            (self.watch, "notified"),
            (self.assessments, "rows"),
            (self.assessments, "by_submission"),
            (self, "answers"),
        ]

    def __enter__(self):
        self._snapshot = [copy.deepcopy(getattr(owner, name)) for owner, name in self._state()]
        self._pending, self._collected = [], []
        return self

    def __exit__(self, *exc):
        if self._snapshot is not None:  # not committed: as a rollback, nothing of it stays
            for (owner, name), value in zip(self._state(), self._snapshot, strict=True):
                setattr(owner, name, value)
        self._snapshot, self._pending, self._collected = None, [], []

    def commit(self):
        if self.bus is not None:
            self.bus.handle_collected(self)  # as UnitOfWork.commit: the service's own events, before commit
        self.published.extend(self._pending)
        self._pending, self._snapshot = [], None

    def publish(self, envelope):
        catalogue.validate(envelope.as_dict())
        self._pending.append(envelope)
        self._collected.append(envelope)

    def collect_new_events(self) -> list:
        events, self._collected = self._collected, []
        return events

    def recall(self, scope, key, request):
        stored = self.answers.get((scope, key))
        if stored is not None and stored[0] != request:
            raise Conflict("idempotency_key_reused", "该幂等键已用于另一内容不同的请求")
        return stored[1] if stored else None

    def remember(self, scope, key, request, response):
        self.answers.setdefault((scope, key), (request, response))

    def types(self) -> list[str]:
        return [e.type for e in self.published]
