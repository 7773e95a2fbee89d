"""The read side: what people look at (my tasks, what I decided, where a document stands). Plain rows,
shaped for the screens, read straight from the tables without loading aggregates."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ic_platform.desk import on_desk_clause
from services.approval.adapters.orm import (
    approval_delegation,
    approval_meeting,
    approval_route,
    approval_step,
    approval_task,
    org_unit,
    org_user,
)

R, S, T = approval_route, approval_step, approval_task
INITIATOR = org_user.alias("initiator_user")
ASSIGNEE = org_user.alias("assignee_user")
DECIDER = org_user.alias("decider_user")

_TASK_COLUMNS = [
    T.c.id.label("task_id"),
    T.c.round,
    T.c.step_no,
    T.c.status,
    T.c.comment,
    T.c.decided_by,
    T.c.assignee,
    T.c.acting_for,
    T.c.created_at,
    T.c.decided_at,
    S.c.name.label("step_name"),
    R.c.document_type,
    R.c.document_id,
    R.c.document_no,
    R.c.title,
    R.c.amount,
    R.c.initiator,
    INITIATOR.c.full_name.label("initiator_name"),
    R.c.unit,
    org_unit.c.name.label("unit_name"),
    R.c.status.label("route_status"),
]


def _task_rows() -> sa.Select:
    joined = (
        T.join(R, R.c.id == T.c.route_id)
        .join(S, sa.and_(S.c.route_id == T.c.route_id, S.c.round == T.c.round, S.c.step_no == T.c.step_no))
        .outerjoin(INITIATOR, sa.and_(INITIATOR.c.org == R.c.org, INITIATOR.c.username == R.c.initiator))
        .outerjoin(org_unit, sa.and_(org_unit.c.org == R.c.org, org_unit.c.code == R.c.unit))
    )
    return sa.select(*_TASK_COLUMNS).select_from(joined)


class ApprovalQueries:
    def __init__(self, conn: Connection):
        self.conn = conn

    def _page(self, query: sa.Select, order: list, limit: int, offset: int) -> tuple[int, list[Any]]:
        total = self.conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        rows = self.conn.execute(query.order_by(*order).limit(limit).offset(offset)).all()
        return total, rows

    def full_name(self, org: str, username: str | None) -> str | None:
        """A person's name as the org cache holds it (an export's 导出人)."""
        row = self.conn.execute(
            sa.select(org_user.c.full_name).where(org_user.c.org == org, org_user.c.username == username)
        ).first()
        return row.full_name if row else None

    def unit_names(self, org: str) -> dict[str, str]:
        rows = self.conn.execute(sa.select(org_unit.c.code, org_unit.c.name).where(org_unit.c.org == org)).all()
        return {r.code: r.name for r in rows}

    def meeting_document(self, org: str, task_id: Any) -> Any | None:
        """The document a meeting recorded on task `task_id` decided (type, id, no, unit, initiator)."""
        M = approval_meeting.c
        return self.conn.execute(
            sa.select(R.c.document_type, R.c.document_id, R.c.document_no, R.c.unit, R.c.initiator)
            .select_from(approval_meeting.join(R, R.c.id == M.route_id))
            .where(M.task_id == task_id, R.c.org == org)
        ).first()

    def task_for_reader(self, org: str, task_id: str) -> Any | None:
        """One task as its list rows show it, with its assignee (whoever reads it is checked by the caller)."""
        query = _task_rows().add_columns(T.c.assignee).where(T.c.id == task_id, R.c.org == org)
        return self.conn.execute(query).first()

    def on_desk(self, reader: str, document_type: str, document_id: str) -> bool:
        """Whether the document is or was on the reader's desk (a step held or decided, a delegation)."""
        return on_desk(self.conn, reader, document_type, document_id)

    def pending_tasks(
        self, org: str, assignee: str, limit: int, offset: int, acting_for: tuple[str, ...] = ()
    ) -> tuple[int, list[Any]]:
        """The user's pending tasks, and those of the people they are the active delegate of (`acting_for`),
        except on documents the user initiated: a delegate may not act on those."""
        mine = T.c.assignee == assignee
        if acting_for:
            mine = sa.or_(mine, sa.and_(T.c.assignee.in_(acting_for), R.c.initiator != assignee))
        query = _task_rows().where(R.c.org == org, mine, T.c.status == "pending")
        return self._page(query, [T.c.created_at, T.c.id], limit, offset)  # oldest first: it waited longest

    def decided_tasks(self, org: str, decided_by: str, limit: int, offset: int) -> tuple[int, list[Any]]:
        query = _task_rows().where(R.c.org == org, T.c.decided_by == decided_by)
        return self._page(query, [T.c.decided_at.desc(), T.c.id], limit, offset)

    def submissions(
        self, org: str, initiator: str, status: str | None, limit: int, offset: int
    ) -> tuple[int, list[Any]]:
        """The documents the user submitted, the latest first, each with the step holding it (current round)
        and who holds it now (every pending task's assignee: several on a countersign or any-one-of step)."""
        pending, holder = T.alias("pending_task"), org_user.alias("holder_user")
        holders = (
            sa.select(
                sa.func.array_agg(
                    sa.func.coalesce(holder.c.full_name, pending.c.assignee)
                    + sa.literal("（")
                    + pending.c.assignee
                    + sa.literal("）")
                )
            )
            .select_from(
                pending.outerjoin(holder, sa.and_(holder.c.org == org, holder.c.username == pending.c.assignee))
            )
            .where(pending.c.route_id == R.c.id, pending.c.round == R.c.round, pending.c.status == "pending")
            .scalar_subquery()
        )
        current = S.alias("current_step")
        query = (
            sa.select(
                R.c.document_type,
                R.c.document_id,
                R.c.document_no,
                R.c.title,
                R.c.amount,
                R.c.unit,
                R.c.status,
                R.c.round,
                R.c.current_step,
                R.c.created_at,
                R.c.completed_at,
                current.c.name.label("step_name"),
                holders.label("holders"),
            )
            .select_from(
                R.outerjoin(
                    current,
                    sa.and_(
                        current.c.route_id == R.c.id,
                        current.c.round == R.c.round,
                        current.c.step_no == R.c.current_step,
                    ),
                )
            )
            .where(R.c.org == org, R.c.initiator == initiator)
        )
        if status:
            query = query.where(R.c.status == status)
        return self._page(query, [R.c.created_at.desc(), R.c.id.desc()], limit, offset)

    def route(
        self, org: str, document_type: str, document_id: str
    ) -> tuple[Any, list[Any], list[Any], dict[str, Any]] | None:
        """The route row, its steps of every round (with the assignee's name), its tasks, oldest first, and the
        meetings that decided its collective-decision steps (by task id)."""
        head = self.conn.execute(
            sa.select(R, INITIATOR.c.full_name.label("initiator_name"), org_unit.c.name.label("unit_name"))
            .select_from(
                R.outerjoin(
                    INITIATOR, sa.and_(INITIATOR.c.org == R.c.org, INITIATOR.c.username == R.c.initiator)
                ).outerjoin(org_unit, sa.and_(org_unit.c.org == R.c.org, org_unit.c.code == R.c.unit))
            )
            .where(R.c.org == org, R.c.document_type == document_type, R.c.document_id == document_id)
        ).first()
        if head is None:
            return None
        steps = self.conn.execute(
            sa.select(S, ASSIGNEE.c.full_name.label("assignee_name"))
            .select_from(S.outerjoin(ASSIGNEE, sa.and_(ASSIGNEE.c.org == org, ASSIGNEE.c.username == S.c.assignee)))
            .where(S.c.route_id == head.id)
            .order_by(S.c.round, S.c.step_no)
        ).all()
        tasks = self.conn.execute(
            sa.select(T, DECIDER.c.full_name.label("decided_by_name"))
            .select_from(T.outerjoin(DECIDER, sa.and_(DECIDER.c.org == org, DECIDER.c.username == T.c.decided_by)))
            .where(T.c.route_id == head.id)
            .order_by(T.c.created_at, T.c.id)
        ).all()
        meetings = self.conn.execute(sa.select(approval_meeting).where(approval_meeting.c.route_id == head.id)).all()
        return head, steps, tasks, {str(m.task_id): m for m in meetings}


def desk_tasks() -> sa.Subquery:
    """Approval's own tasks in the shape of `ic_platform.desk`'s projection, so the same on-desk predicate
    applies: who holds or held a task of which document, and when. Reassigning is not deciding: whoever
    reassigned a task (an administrator, say) did not have it on their desk for that."""
    decided_by = sa.case((T.c.status == "reassigned", sa.null()), else_=T.c.decided_by)
    return (
        sa.select(
            R.c.org,
            R.c.document_type,
            R.c.document_id,
            T.c.assignee,
            decided_by.label("decided_by"),
            T.c.created_at.label("assigned_at"),
            T.c.decided_at.label("closed_at"),
        )
        .select_from(T.join(R, R.c.id == T.c.route_id))
        .subquery("approval_desk_task")
    )


def on_desk(conn: Connection, reader: str, document_type: str, document_id: str) -> bool:
    clause = on_desk_clause(desk_tasks(), approval_delegation, document_type, document_id, reader)
    return bool(conn.execute(sa.select(clause)).scalar())
