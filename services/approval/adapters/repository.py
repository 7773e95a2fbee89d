"""Reading and writing the org cache, routes and tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import (
    approval_route,
    approval_step,
    approval_task,
    org_deciding_body,
    org_unit,
    org_user,
)
from services.approval.domain.directory import DecidingBody, Unit, User
from services.approval.domain.model import DocumentRef, PlannedStep, Route, RouteStatus, StepKind, Task, TaskStatus

# Built once (every route drawn runs them); the values come with each execution.
_ADD_TASK = sa.insert(approval_task)
_ADD_ROUTE = pg_insert(approval_route).on_conflict_do_nothing().returning(approval_route.c.id)
_UNIT = sa.select(org_unit).where(org_unit.c.org == sa.bindparam("org"), org_unit.c.code == sa.bindparam("code"))
_WITH_ROLE = (
    sa.select(org_user)
    .where(
        org_user.c.org == sa.bindparam("org"),
        org_user.c.roles.contains(sa.bindparam("role", type_=org_user.c.roles.type)),
        org_user.c.active,
    )
    .order_by(org_user.c.username)
)
_WITH_ROLE_IN_UNIT = _WITH_ROLE.where(org_user.c.unit == sa.bindparam("unit"))


class DirectoryRepository:
    """Upserts from `org.*` events, and one org's directory for route resolution."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def upsert_unit(self, org: str, unit: Unit, announced_at: datetime) -> None:
        self._upsert(
            org_unit,
            ("org", "code"),
            dict(
                org=org,
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                leader_in_charge=unit.leader_in_charge,
                responsible_for=list(unit.responsible_for),
                announced_at=announced_at,
            ),
        )

    def upsert_user(self, org: str, user: User, announced_at: datetime) -> None:
        self._upsert(
            org_user,
            ("org", "username"),
            dict(
                org=org,
                username=user.username,
                full_name=user.full_name,
                unit=user.unit,
                roles=list(user.roles),
                title=user.title,
                active=user.active,
                announced_at=announced_at,
            ),
        )

    def upsert_body(self, org: str, body: DecidingBody, announced_at: datetime) -> None:
        self._upsert(
            org_deciding_body,
            ("org", "code"),
            dict(
                org=org,
                code=body.code,
                name=body.name,
                members=list(body.members),
                quorum=body.quorum,
                announced_at=announced_at,
            ),
        )

    def body(self, org: str, code: str) -> DecidingBody | None:
        t = org_deciding_body
        row = self.conn.execute(sa.select(t).where(t.c.org == org, t.c.code == code)).first()
        return DecidingBody(row.code, row.name, tuple(row.members), row.quorum) if row else None

    def _upsert(self, table: sa.Table, key: tuple[str, ...], values: dict[str, Any]) -> None:
        stmt = pg_insert(table).values(**values)
        changed = {k: stmt.excluded[k] for k in values if k not in key}
        # An event older than the stored version (a retry that overtook a newer one) changes nothing.
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=list(key),
                set_={**changed, "updated_at": sa.func.now()},
                where=table.c.announced_at <= stmt.excluded.announced_at,
            )
        )

    def full_names(self, org: str, usernames: set[str]) -> dict[str, str]:
        """username → full name, for the people a reader sees named (one statement for the lot)."""
        if not usernames:
            return {}
        t = org_user
        rows = self.conn.execute(
            sa.select(t.c.username, t.c.full_name).where(t.c.org == org, t.c.username.in_(sorted(usernames)))
        )
        return {r.username: r.full_name for r in rows}

    def of(self, org: str) -> SqlDirectory:
        return SqlDirectory(self.conn, org)


class SqlDirectory:
    """The domain's `Directory`, answered from the cache tables of one org."""

    def __init__(self, conn: Connection, org: str):
        self.conn, self.org = conn, org

    def unit(self, code: str) -> Unit | None:
        row = self.conn.execute(_UNIT, {"org": self.org, "code": code}).first()
        return Unit(row.code, row.name, row.kind, row.leader_in_charge, tuple(row.responsible_for)) if row else None

    def user(self, username: str) -> User | None:
        row = self.conn.execute(
            sa.select(org_user).where(org_user.c.org == self.org, org_user.c.username == username)
        ).first()
        return _to_user(row) if row else None

    def users_with_role(self, role: str, unit: str | None = None) -> list[User]:
        query, values = (_WITH_ROLE, {}) if unit is None else (_WITH_ROLE_IN_UNIT, {"unit": unit})
        rows = self.conn.execute(query, {"org": self.org, "role": [role], **values}).all()
        return [_to_user(r) for r in rows]


def _to_user(row: Any) -> User:
    return User(row.username, row.full_name, row.unit, tuple(row.roles), row.title, row.active)


class RouteRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, route: Route) -> bool:
        """Store a new route and its frozen steps; False if the document already has one."""
        values = dict(
            org=route.org,
            document_type=route.document.type,
            document_id=route.document.id,
            document_no=route.document.no,
            title=route.title,
            amount=route.amount,
            initiator=route.initiator,
            unit=route.unit,
            definition_version=route.definition_version,
            status=route.status.value,
            current_step=route.current_step,
            round=route.round,
            economic_class=route.economic_class,
            major_matter=route.major_matter,
            major_reasons=list(route.major_reasons),
        )
        route.id = self.conn.execute(_ADD_ROUTE, values).scalar()
        if route.id is None:
            return False
        self._add_steps(route)
        return True

    def _add_steps(self, route: Route) -> None:
        self.conn.execute(
            sa.insert(approval_step),
            [
                dict(
                    route_id=route.id,
                    round=route.round,
                    step_no=s.step_no,
                    name=s.name,
                    approver_role=s.approver_role,
                    assignee=s.assignee,
                    reason=s.reason,
                    kind=s.kind.value,
                    co_assignees=list(s.co_assignees),
                )
                for s in route.steps
            ],
        )

    def save_new_round(self, route: Route) -> None:
        """A resubmission: the route row moves to its new round, whose steps are added beside the old ones."""
        self.conn.execute(
            sa.update(approval_route)
            .where(approval_route.c.id == route.id)
            .values(
                round=route.round,
                status=route.status.value,
                current_step=route.current_step,
                title=route.title,
                definition_version=route.definition_version,
                completed_at=None,
                major_matter=route.major_matter,
                major_reasons=list(route.major_reasons),
            )
        )
        self._add_steps(route)

    def find(self, document_type: str, document_id: str) -> Route | None:
        return self._load(
            sa.and_(approval_route.c.document_type == document_type, approval_route.c.document_id == document_id)
        )

    def lock(self, route_id: int) -> Route:
        """The route, its row locked until commit: decisions on one route queue up here."""
        return self._load(approval_route.c.id == route_id, for_update=True)

    def _load(self, where: Any, *, for_update: bool = False) -> Route | None:
        query = sa.select(approval_route).where(where)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            return None
        steps = self.conn.execute(
            sa.select(approval_step)
            .where(approval_step.c.route_id == row.id, approval_step.c.round == row.round)
            .order_by(approval_step.c.step_no)
        ).all()
        return Route(
            id=row.id,
            org=row.org,
            document=DocumentRef(row.document_type, row.document_id, row.document_no),
            title=row.title,
            amount=row.amount,
            initiator=row.initiator,
            unit=row.unit,
            definition_version=row.definition_version,
            status=RouteStatus(row.status),
            current_step=row.current_step,
            round=row.round,
            economic_class=row.economic_class,
            major_matter=row.major_matter,
            major_reasons=tuple(row.major_reasons or ()),
            steps=[
                PlannedStep(
                    s.step_no, s.name, s.approver_role, s.assignee, s.reason, StepKind(s.kind), tuple(s.co_assignees)
                )
                for s in steps
            ],
        )

    def save_progress(self, route: Route) -> None:
        completed = route.status is not RouteStatus.IN_PROGRESS
        self.conn.execute(
            sa.update(approval_route)
            .where(approval_route.c.id == route.id)
            .values(
                status=route.status.value,
                current_step=route.current_step,
                completed_at=sa.func.now() if completed else None,
            )
        )

    def save_assignee(self, route: Route, step_no: int) -> None:
        """A reassignment (转办): the step of the current round is now held by its new assignee."""
        self.conn.execute(
            sa.update(approval_step)
            .where(
                approval_step.c.route_id == route.id,
                approval_step.c.round == route.round,
                approval_step.c.step_no == step_no,
            )
            .values(assignee=route.step(step_no).assignee, co_assignees=list(route.step(step_no).co_assignees))
        )


class TaskRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def pending_of(self, org: str, assignee: str) -> list[str]:
        """The ids of a person's pending tasks, oldest first (a deactivated person's tasks are handed on)."""
        t, r = approval_task.c, approval_route.c
        query = (
            sa.select(t.id)
            .join_from(approval_task, approval_route, t.route_id == r.id)
            .where(r.org == org, t.assignee == assignee, t.status == "pending")
            .order_by(t.created_at, t.id)
        )
        return [str(i) for i in self.conn.execute(query).scalars()]

    def add(self, route_id: int, task: Task) -> None:
        values = {"id": uuid.UUID(task.id), "route_id": route_id, "round": task.round, "step_no": task.step_no}
        self.conn.execute(_ADD_TASK, {**values, "assignee": task.assignee, "status": task.status.value})

    def route_of(self, task_id: str) -> int | None:
        key = _uuid(task_id)
        if key is None:
            return None
        return self.conn.execute(sa.select(approval_task.c.route_id).where(approval_task.c.id == key)).scalar()

    def get(self, task_id: str) -> Task | None:
        row = self.conn.execute(sa.select(approval_task).where(approval_task.c.id == _uuid(task_id))).first()
        if row is None:
            return None
        return _to_task(row)

    def of_round(self, route_id: int, round_: int) -> list[Task]:
        """Every task of one round of a route, oldest first."""
        rows = self.conn.execute(
            sa.select(approval_task)
            .where(approval_task.c.route_id == route_id, approval_task.c.round == round_)
            .order_by(approval_task.c.created_at, approval_task.c.id)
        ).all()
        return [_to_task(r) for r in rows]

    def pending_at(self, route_id: int, round_: int, step_no: int) -> list[Task]:
        """The pending tasks of one step: several on a parallel step (会签/或签)."""
        rows = self.conn.execute(
            sa.select(approval_task)
            .where(
                approval_task.c.route_id == route_id,
                approval_task.c.round == round_,
                approval_task.c.step_no == step_no,
                approval_task.c.status == TaskStatus.PENDING.value,
            )
            .order_by(approval_task.c.created_at, approval_task.c.id)
        ).all()
        return [_to_task(r) for r in rows]

    def save_decision(self, task: Task) -> None:
        """A pending task closed: decided, or closed by another action (returned to a step, reassigned, …)."""
        done = self.conn.execute(
            sa.update(approval_task)
            .where(approval_task.c.id == uuid.UUID(task.id), approval_task.c.status == TaskStatus.PENDING.value)
            .values(
                status=task.status.value,
                decided_by=task.decided_by,
                acting_for=task.acting_for,
                comment=task.comment,
                decided_at=sa.func.now(),
            )
        ).rowcount
        if done != 1:  # the route lock should make this impossible; refuse rather than decide twice
            raise RuntimeError(f"task {task.id} was not pending when its decision was saved")


def _to_task(row: Any) -> Task:
    return Task(
        id=str(row.id),
        step_no=row.step_no,
        assignee=row.assignee,
        status=TaskStatus(row.status),
        decided_by=row.decided_by,
        comment=row.comment,
        round=row.round,
        acting_for=row.acting_for,
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
