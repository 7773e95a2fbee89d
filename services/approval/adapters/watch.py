"""Storage of approval-watch: risk warnings and their acknowledgements, task due times, notifications, and the
cycle-time report's queries."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import (
    approval_document_party,
    approval_notification,
    approval_risk_warning,
    approval_route,
    approval_step,
    approval_task,
    approval_task_deadline,
    approval_warning_ack,
)
from services.approval.domain.model import Route
from services.approval.domain.warnings import RiskWarning

RW, ACK, D, N = approval_risk_warning.c, approval_warning_ack.c, approval_task_deadline.c, approval_notification.c
R, S, T = approval_route, approval_step, approval_task


# Built once (every assignment runs both); the values come with each execution.
_ADD_DEADLINE = pg_insert(approval_task_deadline).on_conflict_do_nothing()
_NOTIFY = pg_insert(approval_notification).on_conflict_do_nothing()
# The delete and the upsert touch different rows (roles not named, roles named), so one statement holds both.
_SET_PARTIES = sa.text(
    "WITH gone AS (DELETE FROM approval_document_party"
    " WHERE document_type = :document_type AND document_id = :document_id AND role <> ALL(CAST(:roles AS text[])))"
    " INSERT INTO approval_document_party (document_type, document_id, role, username, org)"
    " SELECT :document_type, :document_id, key, value, :org FROM jsonb_each_text(CAST(:parties AS jsonb))"
    " ON CONFLICT (document_type, document_id, role) DO UPDATE SET username = excluded.username, org = excluded.org"
)


@dataclass(frozen=True)
class RoutePeople:
    """Whom a route's notifications name: its initiator, its title, its org."""

    initiator: str
    title: str
    org: str


class WatchRepository:
    def __init__(self, conn: Connection):
        self.conn = conn
        # Routes this transaction already knows (read, or just drawn): a notification's title needs no look-up.
        self._people: dict[tuple[str, str], RoutePeople | None] = {}

    # ── risk warnings ──
    def add_warning(self, org: str, p: dict[str, Any]) -> None:
        doc = p["document"]
        self.conn.execute(
            pg_insert(approval_risk_warning)
            .values(
                warning_id=p["warning_id"],
                org=org,
                document_type=doc["type"],
                document_id=doc["id"],
                document_no=doc.get("no"),
                rule=p["rule"],
                severity=p["severity"],
                message=p["message"],
                evidence=p.get("evidence") or {},
                raised_at=p.get("raised_at"),
            )
            .on_conflict_do_nothing()
        )

    def warnings(self, document_type: str, document_id: str) -> list[RiskWarning]:
        rows = self.conn.execute(
            sa.select(RW.warning_id, RW.rule, RW.severity, RW.message)
            .where(RW.document_type == document_type, RW.document_id == document_id)
            .order_by(RW.warning_id)
        ).all()
        return [RiskWarning(r.warning_id, r.rule, r.severity, r.message) for r in rows]

    def warning_rows(self, document_type: str, document_id: str, task_id: str) -> list[Any]:
        """Each warning with this task's acknowledgement, if any."""
        joined = approval_risk_warning.outerjoin(
            approval_warning_ack, sa.and_(ACK.warning_id == RW.warning_id, ACK.task_id == uuid.UUID(task_id))
        )
        return self.conn.execute(
            sa.select(approval_risk_warning, ACK.acknowledged_by, ACK.comment.label("ack_comment"), ACK.acknowledged_at)
            .select_from(joined)
            .where(RW.document_type == document_type, RW.document_id == document_id)
            .order_by(RW.warning_id)
        ).all()

    def acknowledged(self, task_id: str) -> set[int]:
        return set(self.conn.execute(sa.select(ACK.warning_id).where(ACK.task_id == uuid.UUID(task_id))).scalars())

    def acknowledge(self, warning_ids: list[int], task_id: str, actor: str, comment: str) -> None:
        self.conn.execute(
            pg_insert(approval_warning_ack)
            .values(
                [
                    dict(warning_id=w, task_id=uuid.UUID(task_id), acknowledged_by=actor, comment=comment)
                    for w in warning_ids
                ]
            )
            .on_conflict_do_nothing()
        )

    def summaries(self, documents: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
        """Severities of each listed document's warnings, in one query."""
        if not documents:
            return {}
        rows = self.conn.execute(
            sa.select(RW.document_type, RW.document_id, RW.severity).where(
                sa.tuple_(RW.document_type, RW.document_id).in_(documents)
            )
        ).all()
        found: dict[tuple[str, str], list[str]] = {}
        for r in rows:
            found.setdefault((r.document_type, r.document_id), []).append(r.severity)
        return found

    # ── the parties a document names (不相容岗位) ──
    def set_parties(self, org: str, document_type: str, document_id: str, parties: dict[str, str]) -> None:
        """As the latest submission names them: a resubmission may name other people. One statement (every
        payment request names its supplier's registrar): the roles no longer named go, the named are written."""
        params = {"document_type": document_type, "document_id": document_id, "org": org}
        self.conn.execute(_SET_PARTIES, {**params, "roles": list(parties), "parties": json.dumps(parties)})

    def parties(self, document_type: str, document_id: str) -> dict[str, str]:
        P = approval_document_party.c
        rows = self.conn.execute(
            sa.select(P.role, P.username).where(P.document_type == document_type, P.document_id == document_id)
        ).all()
        return {r.role: r.username for r in rows}

    # ── due times ──
    def add_deadline(self, task_id: str, route_id: int, assigned_at: datetime, due_at: datetime) -> None:
        values = {"task_id": uuid.UUID(task_id), "route_id": route_id, "assigned_at": assigned_at, "due_at": due_at}
        self.conn.execute(_ADD_DEADLINE, values)

    def _overdue(self, where: list, limit: int) -> list[Any]:
        query = (
            sa.select(
                D.task_id,
                D.due_at,
                T.c.assignee,
                T.c.step_no,
                T.c.round,
                R.c.id.label("route_id"),
                R.c.org,
                R.c.unit,
                R.c.document_type,
                R.c.document_id,
                R.c.document_no,
                S.c.name.label("step_name"),
            )
            .select_from(
                approval_task_deadline.join(T, T.c.id == D.task_id)
                .join(R, R.c.id == T.c.route_id)
                .join(S, sa.and_(S.c.route_id == T.c.route_id, S.c.round == T.c.round, S.c.step_no == T.c.step_no))
            )
            .where(T.c.status == "pending", *where)
            .order_by(D.due_at)
            .limit(limit)
            .with_for_update(of=approval_task_deadline, skip_locked=True)
        )
        return self.conn.execute(query).all()

    def to_remind(self, now: datetime, limit: int = 100) -> list[Any]:
        return self._overdue([D.reminded_at.is_(None), D.due_at <= now], limit)

    def to_escalate(self, due_before: datetime, limit: int = 100) -> list[Any]:
        return self._overdue([D.reminded_at.is_not(None), D.escalated_at.is_(None), D.due_at <= due_before], limit)

    def count_overdue(self, now: datetime) -> tuple[int, int]:
        """Pending tasks past due now, and how many of them were escalated (the ops gauge)."""
        row = self.conn.execute(
            sa.select(sa.func.count(), sa.func.count(D.escalated_at))
            .select_from(approval_task_deadline.join(T, T.c.id == D.task_id))
            .where(T.c.status == "pending", D.due_at <= now)
        ).one()
        return row[0], row[1]

    def mark_reminded(self, task_id: Any, now: datetime) -> bool:
        return (
            self.conn.execute(
                sa.update(approval_task_deadline)
                .where(D.task_id == task_id, D.reminded_at.is_(None))
                .values(reminded_at=now)
            ).rowcount
            == 1
        )

    def mark_escalated(self, task_id: Any, now: datetime, to: str | None) -> bool:
        return (
            self.conn.execute(
                sa.update(approval_task_deadline)
                .where(D.task_id == task_id, D.escalated_at.is_(None))
                .values(escalated_at=now, escalated_to=to)
            ).rowcount
            == 1
        )

    def due_times(self, task_ids: list[str]) -> dict[str, datetime]:
        if not task_ids:
            return {}
        rows = self.conn.execute(
            sa.select(D.task_id, D.due_at).where(D.task_id.in_([uuid.UUID(t) for t in task_ids]))
        ).all()
        return {str(r.task_id): r.due_at for r in rows}

    def later_steps(self, route_id: int, round_: int, step_no: int) -> list[tuple[str, str]]:
        rows = self.conn.execute(
            sa.select(S.c.assignee, S.c.name)
            .where(S.c.route_id == route_id, S.c.round == round_, S.c.step_no > step_no)
            .order_by(S.c.step_no)
        ).all()
        return [(r.assignee, r.name) for r in rows]

    def deadline(self, task_id: str) -> Any:
        return self.conn.execute(sa.select(approval_task_deadline).where(D.task_id == uuid.UUID(task_id))).first()

    def times(self, route_id: int, task_id: str) -> tuple[datetime, datetime, datetime]:
        """When the route was first submitted, when the task was assigned, and now (all by the database clock)."""
        row = self.conn.execute(
            sa.select(R.c.created_at, T.c.created_at.label("assigned_at"), sa.func.now().label("now"))
            .select_from(T.join(R, R.c.id == T.c.route_id))
            .where(R.c.id == route_id, T.c.id == uuid.UUID(task_id))
        ).one()
        return row.created_at, row.assigned_at, row.now

    # ── notifications ──
    def notify(
        self,
        org: str,
        recipient: str,
        kind: str,
        event_id: str,
        document: dict[str, str],
        title: str,
        message: str,
        task_id: str | None = None,
    ) -> None:
        values = {"org": org, "recipient": recipient, "kind": kind, "event_id": uuid.UUID(event_id)}
        values.update(document_type=document["type"], document_id=document["id"], document_no=document.get("no"))
        values.update(task_id=uuid.UUID(task_id) if task_id else None, title=title, message=message)
        self.conn.execute(_NOTIFY, values)

    def notifications(
        self, org: str, recipient: str, *, unread_only: bool, after_id: int | None, limit: int, offset: int
    ) -> tuple[int, int, list[Any]]:
        """(total, unread, rows). With `after_id` (a stream catching up) the oldest come first."""
        where = [N.org == org, N.recipient == recipient]
        if unread_only:
            where.append(N.read_at.is_(None))
        if after_id is not None:
            where.append(N.id > after_id)
        total = self.conn.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
        unread = self.conn.execute(
            sa.select(sa.func.count()).where(N.org == org, N.recipient == recipient, N.read_at.is_(None))
        ).scalar_one()
        order = N.id if after_id is not None else N.id.desc()
        rows = self.conn.execute(
            sa.select(approval_notification).where(*where).order_by(order).limit(limit).offset(offset)
        ).all()
        return total, unread, rows

    def mark_read(self, org: str, recipient: str, notification_id: int) -> Any:
        self.conn.execute(
            sa.update(approval_notification)
            .where(N.id == notification_id, N.org == org, N.recipient == recipient, N.read_at.is_(None))
            .values(read_at=sa.func.now())
        )
        return self.conn.execute(
            sa.select(approval_notification).where(N.id == notification_id, N.org == org, N.recipient == recipient)
        ).first()

    def knows(self, route: Route) -> None:
        """The route as this transaction holds it (drawn, restarted, decided): its notifications' people."""
        self._people[(route.document.type, route.document.id)] = RoutePeople(route.initiator, route.title, route.org)

    def route_people(self, document_type: str, document_id: str) -> RoutePeople | None:
        key = (document_type, document_id)
        if key not in self._people:
            row = self.conn.execute(
                sa.select(R.c.initiator, R.c.title, R.c.org).where(
                    R.c.document_type == document_type, R.c.document_id == document_id
                )
            ).first()
            self._people[key] = RoutePeople(row.initiator, row.title, row.org) if row else None
        return self._people[key]

    # ── cycle time (审批时效) ──
    def step_times(
        self, org: str, document_type: str | None, since: datetime | None, until: datetime | None
    ) -> list[Any]:
        seconds = sa.func.extract("epoch", T.c.decided_at - T.c.created_at)
        where = [R.c.org == org, T.c.decided_at.is_not(None)]
        where += _window(T.c.decided_at, R.c.document_type, document_type, since, until)
        return self.conn.execute(
            _stats(seconds, R.c.document_type, S.c.name.label("step_name"))
            .select_from(
                T.join(R, R.c.id == T.c.route_id).join(
                    S, sa.and_(S.c.route_id == T.c.route_id, S.c.round == T.c.round, S.c.step_no == T.c.step_no)
                )
            )
            .where(*where)
            .group_by(R.c.document_type, S.c.name)
            .order_by(R.c.document_type, S.c.name)
        ).all()

    def cycle_times(
        self, org: str, document_type: str | None, since: datetime | None, until: datetime | None
    ) -> list[Any]:
        seconds = sa.func.extract("epoch", R.c.completed_at - R.c.created_at)
        where = [R.c.org == org, R.c.status.in_(("approved", "rejected"))]
        where += _window(R.c.completed_at, R.c.document_type, document_type, since, until)
        return self.conn.execute(
            _stats(seconds, R.c.document_type).where(*where).group_by(R.c.document_type).order_by(R.c.document_type)
        ).all()


def _window(
    at: Any, type_column: Any, document_type: str | None, since: datetime | None, until: datetime | None
) -> list:
    where = []
    if document_type:
        where.append(type_column == document_type)
    if since is not None:
        where.append(at >= since)
    if until is not None:
        where.append(at < until)
    return where


def _stats(seconds: Any, *group: Any) -> sa.Select:
    return sa.select(
        *group,
        sa.func.count().label("count"),
        sa.func.avg(seconds).label("mean"),
        sa.func.percentile_cont(0.5).within_group(seconds).label("p50"),
        sa.func.percentile_cont(0.9).within_group(seconds).label("p90"),
        sa.func.max(seconds).label("max"),
        sa.func.avg(sa.case((seconds <= 86400, 1.0), else_=0.0)).label("within_day"),
    )
