"""Whose desk a document is (or was) on: the projection that lets the service owning a document apply the
data-scope rule's last clause (`ic_platform.scope`: "an approver or delegate sees a document while it is, or
was, on their desk") without asking the approval service at read time.

Approval announces every change of hands: `approval.step_assigned` opens a holding (a task) for its assignee,
`step_decided`, `task_reassigned` and `returned` close one, a later step's assignment closes the tasks of the
step it follows (a parallel step's skipped tasks), and `completed` / `withdrawn` close everything still open.
Delegations (代理) come from `approval.delegation_granted` / `_revoked`. A document is on a person's desk when
- they hold or held one of its tasks, or decided one (a delegate who acted stays on the desk), or
- they are the delegate of a task's holder for a period that overlaps the time the holder held it.
So an approver keeps seeing what they approved; a delegate sees what their principal held while they stood in
(it was in the delegate's inbox too), during the delegation and after it, but not the principal's history
before the delegation nor what reaches the principal after it.

Services that do not own the documents they show (risk's dossiers) also keep who owns each document
(`desk_document`: unit and initiator), from the submission events' approval-request payload.

Each service keeps its own copy (its database, its inbox): `desk_tables(metadata)` in its `orm.py`,
`Desk(conn, document_types)` as `uow.desk`, `with_desk_handlers(EVENT_HANDLERS)` for its event handlers, and
its queue subscribed to the approval events (catalogue). Events may arrive in any order and more than once:
every write is an upsert that only ever adds facts (an opening time, a closing time, a decider).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ic_platform import inbox
from ic_platform.envelope import Envelope
from ic_platform.handler_tables import combine
from ic_platform.identity import Viewer
from ic_platform.scope import Scope

# The approval events that move a document between desks (every service keeping a desk subscribes to them).
DESK_EVENTS = (
    "approval.step_assigned",
    "approval.step_decided",
    "approval.task_reassigned",
    "approval.returned",
    "approval.withdrawn",
    "approval.completed",
    "approval.delegation_granted",
    "approval.delegation_revoked",
)


def desk_tables(metadata: sa.MetaData) -> dict[str, sa.Table]:
    task = sa.Table(
        "desk_task",
        metadata,
        sa.Column("task_id", sa.Uuid, primary_key=True),
        sa.Column("org", sa.Text, nullable=False),
        sa.Column("document_type", sa.Text, nullable=False),
        sa.Column("document_id", sa.Text, nullable=False),
        sa.Column("step_no", sa.Integer),
        sa.Column("assignee", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("assigned_at", sa.DateTime(timezone=True)),  # null until the assignment is heard
        sa.Column("closed_at", sa.DateTime(timezone=True)),  # null while the task is open
        sa.Index("desk_task_by_document", "document_type", "document_id"),
        sa.Index("desk_task_by_assignee", "org", "assignee"),
    )
    delegation = sa.Table(
        "desk_delegation",
        metadata,
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("org", sa.Text, nullable=False),
        sa.Column("principal", sa.Text, nullable=False),
        sa.Column("delegate", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Index("desk_delegation_by_delegate", "org", "delegate"),
    )
    document = sa.Table(
        "desk_document",
        metadata,
        sa.Column("document_type", sa.Text, primary_key=True),
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("org", sa.Text, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("initiator", sa.Text),
    )
    return {"desk_task": task, "desk_delegation": delegation, "desk_document": document}


_T = desk_tables(sa.MetaData())
TASK, DELEGATION, DOCUMENT = _T["desk_task"], _T["desk_delegation"], _T["desk_document"]


# ── the rule, as SQL: one predicate for every service (approval applies it to its own task tables) ──
def on_desk_clause(
    tasks: sa.FromClause,
    delegations: sa.FromClause,
    document_type: Any,
    document_id: Any,
    reader: str,
) -> ColumnElement[bool]:
    """True where the document (columns or values) is or was on `reader`'s desk. `tasks` has the columns
    org, document_type, document_id, assignee, decided_by, assigned_at, closed_at; `delegations` has org,
    principal, delegate, starts_at, ends_at, revoked_at (a subquery may rename a service's own columns)."""
    t, d = tasks.alias("desk_t"), delegations.alias("desk_d")
    held_from = sa.func.coalesce(t.c.assigned_at, t.c.closed_at)
    held_until = sa.func.coalesce(t.c.closed_at, sa.func.now())
    delegated = (
        sa.select(sa.literal(1))
        .select_from(d)
        .where(
            d.c.org == t.c.org,
            d.c.principal == t.c.assignee,
            d.c.delegate == reader,
            d.c.starts_at < held_until,
            held_from < sa.func.least(d.c.ends_at, sa.func.coalesce(d.c.revoked_at, d.c.ends_at)),
        )
        .exists()
    )
    return (
        sa.select(sa.literal(1))
        .select_from(t)
        .where(
            t.c.document_type == document_type,
            t.c.document_id == document_id,
            sa.or_(t.c.assignee == reader, t.c.decided_by == reader, delegated),
        )
        .exists()
    )


def visible_clause(
    scope: Scope,
    *,
    unit: ColumnElement,
    initiator: ColumnElement | None = None,
    document_type: Any = None,
    document_id: ColumnElement | None = None,
    tasks: sa.FromClause = TASK,
    delegations: sa.FromClause = DELEGATION,
) -> ColumnElement[bool]:
    """The scope as a list filter on a table of documents (its unit, initiator and id columns)."""
    if scope.everything:
        return sa.true()
    if scope.reader is None:
        return sa.false()
    conditions: list[ColumnElement[bool]] = []
    if scope.units:
        conditions.append(unit.in_(sorted(scope.units)))
    if initiator is not None:
        conditions.append(initiator == scope.reader)
    if document_id is not None:
        conditions.append(on_desk_clause(tasks, delegations, document_type, document_id, scope.reader))
    return sa.or_(*conditions) if conditions else sa.false()


def unit_clause(scope: Scope, unit: ColumnElement) -> ColumnElement[bool]:
    """The scope for data that is on nobody's desk (budget lines): the units it reads."""
    if scope.everything:
        return sa.true()
    return unit.in_(sorted(scope.units)) if scope.units else sa.false()


# Fixed statements: every assignment and decision runs one in each service keeping a desk, and built per call
# with SQLAlchemy (an upsert, a CTE) each cost more CPU in building and compiling than in the database.
# open: the task's holding opens; the step before it is over, so whatever of it is still open (a parallel step's
# skipped tasks) closes, in the same statement (one round trip; the CTE runs whether or not the UPDATE reads it).
# The UPDATE sees the rows as they were before the statement, so the task just opened is excluded by its id.
_OPEN = sa.text(
    "WITH opened AS ("
    " INSERT INTO desk_task (task_id, org, document_type, document_id, step_no, assignee, assigned_at)"
    " VALUES (CAST(:task_id AS uuid), :org, :type, :id, :step_no, :assignee, :at)"
    " ON CONFLICT (task_id) DO UPDATE SET assigned_at = excluded.assigned_at, step_no = excluded.step_no)"
    " UPDATE desk_task SET closed_at = :at"
    " WHERE document_type = :type AND document_id = :id AND task_id <> CAST(:task_id AS uuid)"
    " AND step_no <> :step_no AND coalesce(assigned_at, :at) <= :at AND closed_at IS NULL"
)
# close: the first closing time heard stays; a decider, once heard, is kept.
_CLOSE = sa.text(
    "INSERT INTO desk_task AS t (task_id, org, document_type, document_id, assignee, decided_by, closed_at)"
    " VALUES (CAST(:task_id AS uuid), :org, :type, :id, :assignee, :decided_by, :at)"
    " ON CONFLICT (task_id) DO UPDATE SET closed_at = coalesce(t.closed_at, excluded.closed_at),"
    " decided_by = coalesce(nullif(excluded.decided_by, ''), t.decided_by)"
)

# own: the first owner heard stays (every submission of a document names the same).
_OWN = sa.text(
    "INSERT INTO desk_document (document_type, document_id, org, unit, initiator)"
    " VALUES (:type, :id, :org, :unit, :initiator) ON CONFLICT DO NOTHING"
)


class Desk:
    """One service's copy of the desks, on the unit of work's connection. `document_types`: the documents this
    service keeps desks for (None: every type, e.g. the risk service, which shows every document)."""

    def __init__(self, conn: Connection, document_types: Iterable[str] | None):
        self.conn = conn
        self.types = None if document_types is None else frozenset(document_types)

    def keeps(self, document: dict[str, Any]) -> bool:
        return self.types is None or document["type"] in self.types

    # ── reads ──
    def holds(self, viewer: Viewer | None, document_type: str, document_id: str) -> bool:
        """Is (or was) the document on the viewer's desk?"""
        if viewer is None:
            return False
        clause = on_desk_clause(TASK, DELEGATION, document_type, str(document_id), viewer.username)
        return bool(self.conn.execute(sa.select(clause)).scalar())

    def owner(self, document_type: str, document_id: str) -> Any:
        """(org, unit, initiator) of a document this service does not own; None when never heard of."""
        return self.conn.execute(
            sa.select(DOCUMENT).where(DOCUMENT.c.document_type == document_type, DOCUMENT.c.document_id == document_id)
        ).first()

    # ── writes, from approval's events ──
    def open(self, org: str, document: dict, task_id: str, step_no: int, assignee: str, at: datetime) -> None:
        task = {"task_id": str(task_id), "org": org, "type": document["type"], "id": document["id"]}
        self.conn.execute(_OPEN, {**task, "step_no": step_no, "assignee": assignee, "at": at})

    def close(
        self, org: str, document: dict, task_id: str, assignee: str, at: datetime, decided_by: str | None = None
    ) -> None:
        task = {"task_id": str(task_id), "org": org, "type": document["type"], "id": document["id"]}
        self.conn.execute(_CLOSE, {**task, "assignee": assignee, "at": at, "decided_by": decided_by})

    def close_all(self, document: dict, at: datetime) -> None:
        self._close_where(TASK.c.document_type == document["type"], TASK.c.document_id == document["id"], at=at)

    def _close_where(self, *where: ColumnElement[bool], at: datetime) -> None:
        self.conn.execute(sa.update(TASK).where(*where, TASK.c.closed_at.is_(None)).values(closed_at=at))

    def delegate(self, org: str, p: dict[str, Any]) -> None:
        """The granted period; a revocation heard before it keeps its time (the period is then cut short)."""
        period = {"starts_at": datetime.fromisoformat(p["starts_at"]), "ends_at": datetime.fromisoformat(p["ends_at"])}
        stmt = pg_insert(DELEGATION).values(
            delegation_id=p["delegation_id"], org=org, principal=p["principal"], delegate=p["delegate"], **period
        )
        self.conn.execute(stmt.on_conflict_do_update(index_elements=["delegation_id"], set_=period))

    def revoke(self, org: str, p: dict[str, Any], at: datetime) -> None:
        """A revocation heard before its grant stores a placeholder the grant fills in when it comes."""
        self.conn.execute(
            pg_insert(DELEGATION)
            .values(
                delegation_id=p["delegation_id"],
                org=org,
                principal=p["principal"],
                delegate=p["delegate"],
                starts_at=at,
                ends_at=at + timedelta(microseconds=1),
                revoked_at=at,
            )
            .on_conflict_do_update(
                index_elements=["delegation_id"], set_={"revoked_at": sa.func.coalesce(DELEGATION.c.revoked_at, at)}
            )
        )

    def own(self, org: str, document: dict, unit: str, initiator: str | None) -> None:
        self.conn.execute(
            _OWN, {"type": document["type"], "id": document["id"], "org": org, "unit": unit, "initiator": initiator}
        )


# ── the event handlers (`uow.desk` must be a Desk) ──
def _at(event: Envelope) -> datetime:
    return datetime.fromisoformat(event.occurred_at)


def on_step_assigned(event: Envelope, uow: Any) -> None:
    p = event.payload
    if uow.desk.keeps(p["document"]):
        uow.desk.open(event.org, p["document"], p["task_id"], p["step_no"], p["assignee"], _at(event))


def on_step_decided(event: Envelope, uow: Any) -> None:
    p = event.payload
    if uow.desk.keeps(p["document"]):
        holder = p.get("acting_for") or p["decided_by"]
        uow.desk.close(event.org, p["document"], p["task_id"], holder, _at(event), decided_by=p["decided_by"])


def on_task_reassigned(event: Envelope, uow: Any) -> None:
    p = event.payload
    if uow.desk.keeps(p["document"]):
        uow.desk.close(event.org, p["document"], p["task_id"], p["from_assignee"], _at(event))


def on_returned(event: Envelope, uow: Any) -> None:
    p = event.payload
    if uow.desk.keeps(p["document"]):
        holder = p.get("acting_for") or p["returned_by"]
        uow.desk.close(event.org, p["document"], p["task_id"], holder, _at(event), decided_by=p["returned_by"])
        uow.desk.close_all(p["document"], _at(event))


def on_route_ended(event: Envelope, uow: Any) -> None:
    """approval.completed / approval.withdrawn: nothing of the document stays open on anyone's desk."""
    if uow.desk.keeps(event.payload["document"]):
        uow.desk.close_all(event.payload["document"], _at(event))


def on_delegation_granted(event: Envelope, uow: Any) -> None:
    uow.desk.delegate(event.org, event.payload)


def on_delegation_revoked(event: Envelope, uow: Any) -> None:
    uow.desk.revoke(event.org, event.payload, _at(event))


def on_document_submitted(event: Envelope, uow: Any) -> None:
    """An approval-request payload (a submission) names the document's unit and initiator."""
    p = event.payload
    if uow.desk.keeps(p["document"]):
        uow.desk.own(event.org, p["document"], p["unit"], p.get("applicant"))


DESK_HANDLERS: dict[str, list[Callable[[Envelope, Any], None]]] = {
    "approval.step_assigned": [on_step_assigned],
    "approval.step_decided": [on_step_decided],
    "approval.task_reassigned": [on_task_reassigned],
    "approval.returned": [on_returned],
    "approval.withdrawn": [on_route_ended],
    "approval.completed": [on_route_ended],
    "approval.delegation_granted": [on_delegation_granted],
    "approval.delegation_revoked": [on_delegation_revoked],
}


def with_desk_handlers(
    handlers: dict[str, list[Callable]], owners_from: Iterable[str] = (), documents: Iterable[str] | None = None
) -> dict[str, list[Callable]]:
    """A service's event handlers plus the desk's (and, for `owners_from` event types, the owner record).
    `documents`: the document types whose desks the service keeps (its `Desk`'s), None for every type. The
    inbox stores nothing for an event about another type (`hears`): approval's events about a matter
    application cost the contract service no transaction, only the message."""
    desk = DESK_HANDLERS if documents is None else _about(DESK_HANDLERS, frozenset(documents))
    return combine(handlers, desk, {type_: [on_document_submitted] for type_ in owners_from})


def desk_handlers(documents: Iterable[str]) -> dict[str, list[Callable]]:
    """The desk's handlers for a service that keeps the desks of `documents` (its `Desk`'s), for its bus."""
    return _about(DESK_HANDLERS, frozenset(documents))


def _about(table: dict[str, list[Callable]], documents: frozenset[str]) -> dict[str, list[Callable]]:
    """The table's handlers, each heard only for events about one of `documents` (or about no document)."""

    def hears(event: Envelope) -> bool:
        document = event.payload.get("document")
        return not isinstance(document, dict) or document.get("type") in documents

    wrapped = {h: inbox.hearing(h, hears) for hs in table.values() for h in hs}  # one per handler: one inbox name
    return {type_: [wrapped[handler] for handler in handlers] for type_, handlers in table.items()}
