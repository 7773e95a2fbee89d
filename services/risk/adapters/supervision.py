"""Reading and writing the supervision desk: warning cases, the tasks and units scorecards count, projects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import DOCUMENT as DESK_DOCUMENT
from ic_platform.scope import DOCUMENT_AREAS, Area, Scope
from services.risk.adapters import prebuilt
from services.risk.adapters.orm import dossier_entry, platform, risk_warning
from services.risk.adapters.supervision_orm import (
    risk_project_line,
    risk_project_link,
    risk_project_node,
    risk_sod_refusal,
    risk_task,
    risk_unit,
    risk_warning_case,
)
from services.risk.domain.project import NodeFact, NodeKey, ProjectFacts, Projection
from services.risk.domain.workflow import Case, Status

W, C, OW = risk_warning.c, risk_warning_case.c, DESK_DOCUMENT.c
N, K, LN, TK, U = risk_project_node.c, risk_project_link.c, risk_project_line.c, risk_task.c, risk_unit.c
E = dossier_entry.c
TIMELINE_COLUMNS = (
    "event_id",
    "occurred_at",
    "type",
    "actor",
    "summary",
    "document_type",
    "document_id",
    "document_no",
)
HISTORY_COLUMNS = (
    "event_id",
    "org",
    "subject",
    "type",
    "occurred_at",
    "actor",
    "producer",
    "correlation_id",
    "payload",
)
_CASE_FIELDS = [f.name for f in fields(Case) if f.name not in ("warning_id",)]
# A warning's unit: its document's owner as the submission named it, else the unit its evidence names.
WARNING_UNIT = sa.func.coalesce(OW.unit, W.evidence["unit"].astext)


class CaseRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def warning(self, org: str, warning_id: int, lock: bool = False) -> Any:
        """The warning with its document's owner (unit, initiator), or None."""
        query = (
            sa.select(risk_warning, WARNING_UNIT.label("unit"), OW.initiator)
            .select_from(_warnings_with_owner())
            .where(W.id == warning_id, W.org == org)
        )
        if lock:
            query = query.with_for_update(of=risk_warning)
        return self.conn.execute(query).first()

    def case(self, warning_id: int) -> Case:
        row = self.conn.execute(sa.select(risk_warning_case).where(C.warning_id == warning_id)).first()
        if row is None:
            return Case(warning_id)
        values = {name: getattr(row, name) for name in _CASE_FIELDS}
        values["status"] = Status(values["status"])
        return Case(warning_id, **values)

    def save(self, org: str, case: Case) -> None:
        values = {name: getattr(case, name) for name in _CASE_FIELDS}
        values["status"] = case.status.value
        self.conn.execute(
            pg_insert(risk_warning_case)
            .values(warning_id=case.warning_id, org=org, **values)
            .on_conflict_do_update(index_elements=[C.warning_id], set_={**values, "updated_at": sa.func.now()})
        )

    def page(
        self,
        org: str,
        readable: sa.ColumnElement[bool],
        filters: dict[str, Any],
        limit: int,
        offset: int,
    ) -> tuple[list[Any], int]:
        where = [W.org == org, readable, *_warning_filters(filters)]
        base = _warnings_with_owner().outerjoin(risk_warning_case, C.warning_id == W.id)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(base).where(*where)).scalar_one()
        rows = self.conn.execute(
            sa.select(
                risk_warning,
                WARNING_UNIT.label("unit"),
                sa.func.coalesce(C.status, Status.OPEN.value).label("status"),
                *[C[name] for name in _CASE_FIELDS if name != "status"],
            )
            .select_from(base)
            .where(*where)
            .order_by(W.raised_at.desc(), W.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return rows, total

    def for_documents(self, keys: list[tuple[str, str]]) -> list[Any]:
        if not keys:
            return []
        return self.conn.execute(
            sa.select(risk_warning, sa.func.coalesce(C.status, Status.OPEN.value).label("status"))
            .select_from(risk_warning.outerjoin(risk_warning_case, C.warning_id == W.id))
            .where(sa.tuple_(W.document_type, W.document_id).in_(keys))
            .order_by(W.raised_at, W.id)
        ).all()

    # ── scorecards: per unit, in one query each ──
    def raised_per_unit(self, org: str, start: datetime, end: datetime) -> dict[str, int]:
        rows = self.conn.execute(
            sa.select(WARNING_UNIT.label("unit"), sa.func.count())
            .select_from(_warnings_with_owner())
            .where(W.org == org, W.raised_at >= start, W.raised_at < end)
            .group_by(WARNING_UNIT)
        ).all()
        return {r[0]: r[1] for r in rows if r[0]}

    def confirmed_per_unit(self, org: str, start: datetime, end: datetime) -> dict[str, int]:
        rows = self.conn.execute(
            sa.select(WARNING_UNIT.label("unit"), sa.func.count())
            .select_from(_warnings_with_owner().join(risk_warning_case, C.warning_id == W.id))
            .where(W.org == org, C.confirmed_at >= start, C.confirmed_at < end)
            .group_by(WARNING_UNIT)
        ).all()
        return {r[0]: r[1] for r in rows if r[0]}

    def rectifications_due(self, org: str, first: date, last: date) -> list[Any]:
        """Rectifications due in [first, last] (by responsible unit), with when they were closed."""
        return self.conn.execute(
            sa.select(C.responsible_unit, C.due_date, C.closed_at).where(
                C.org == org, C.due_date >= first, C.due_date <= last, C.confirmed_at.is_not(None)
            )
        ).all()


def _warnings_with_owner() -> sa.FromClause:
    return risk_warning.outerjoin(
        DESK_DOCUMENT, sa.and_(OW.document_type == W.document_type, OW.document_id == W.document_id)
    )


def _warning_filters(f: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if f.get("unit"):
        where.append(WARNING_UNIT == f["unit"])
    if f.get("severity"):
        where.append(W.severity == f["severity"])
    if f.get("rule"):
        where.append(W.rule == f["rule"])
    if f.get("status"):
        where.append(sa.func.coalesce(C.status, Status.OPEN.value) == f["status"])
    if f.get("document_type"):
        where.append(W.document_type == f["document_type"])
    if f.get("start"):
        where.append(W.raised_at >= f["start"])
    if f.get("end"):
        where.append(W.raised_at < f["end"])
    return where


def readable_warnings(scopes: dict[Area, Scope]) -> sa.ColumnElement[bool]:
    """The data scope as a filter on warnings: a warning is read where its document is (its area's scope,
    by the owner's unit, the initiator, or the reader's desk)."""
    from ic_platform.desk import visible_clause

    known = {t for t in DOCUMENT_AREAS}
    clauses = []
    for area, scope in scopes.items():
        types = [t for t, a in DOCUMENT_AREAS.items() if a is area]
        in_area = W.document_type.in_(types) if area is not Area.OTHER else W.document_type.not_in(sorted(known))
        visible = visible_clause(
            scope, unit=WARNING_UNIT, initiator=OW.initiator, document_type=W.document_type, document_id=W.document_id
        )
        clauses.append(sa.and_(in_area, visible))
    return sa.or_(*clauses) if clauses else sa.false()


# Every approval step risk hears records a task: one statement built once (adapters/prebuilt.py).
_TASK_FACTS = ("step_no", "step_name", "assignee", "assigned_at", "decided_at", "decision", "overdue_at")
_NEW_TASK = prebuilt.insert(risk_task, "task_id", "org", "document_type", "document_id", *_TASK_FACTS)
_RECORD_TASK = _NEW_TASK.on_conflict_do_update(
    index_elements=[TK.task_id], set_={k: sa.func.coalesce(_NEW_TASK.excluded[k], TK[k]) for k in _TASK_FACTS}
)


class TaskRepository:
    """Approval's tasks as risk hears them. Upserts that only add facts: events may come in any order."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def replace_all(self, rows: list[dict[str, Any]]) -> None:
        """Every task row at once, rebuilt from the history (the replay), in this transaction."""
        self.conn.execute(sa.delete(risk_task))
        copy_rows(self.conn, risk_task, rows)

    def record(self, org: str, task_id: str, document: dict, **values: Any) -> None:
        """A fact left out (None) keeps what an earlier event of the task told."""
        unknown = set(values) - set(_TASK_FACTS)
        if unknown:
            raise TypeError(f"not a fact of a task: {sorted(unknown)}")
        row = dict(task_id=str(task_id), org=org, document_type=document["type"], document_id=document["id"])
        self.conn.execute(_RECORD_TASK, {**row, **{k: values.get(k) for k in _TASK_FACTS}})

    def decided_in(self, org: str, start: datetime, end: datetime) -> list[Any]:
        """Tasks decided in [start, end) with their document's unit and how long they took (seconds)."""
        took = sa.func.extract("epoch", TK.decided_at - TK.assigned_at)
        return self.conn.execute(
            sa.select(OW.unit, TK.step_name, TK.step_no, TK.document_type, took.label("seconds"))
            .select_from(
                risk_task.join(
                    DESK_DOCUMENT, sa.and_(OW.document_type == TK.document_type, OW.document_id == TK.document_id)
                )
            )
            .where(
                TK.org == org,
                TK.decided_at >= start,
                TK.decided_at < end,
                TK.assigned_at.is_not(None),
            )
        ).all()

    def overdue_per_unit(self, org: str, start: datetime, end: datetime) -> dict[str, int]:
        rows = self.conn.execute(
            sa.select(OW.unit, sa.func.count())
            .select_from(
                risk_task.join(
                    DESK_DOCUMENT, sa.and_(OW.document_type == TK.document_type, OW.document_id == TK.document_id)
                )
            )
            .where(TK.org == org, TK.overdue_at >= start, TK.overdue_at < end)
            .group_by(OW.unit)
        ).all()
        return {r[0]: r[1] for r in rows}


_owner_of_task = sa.and_(OW.document_type == TK.document_type, OW.document_id == TK.document_id)


_attachment = sa.and_(E.payload.has_key("sha256"), E.payload.has_key("document"))


def copy_rows(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Bulk rows through COPY on the unit of work's own connection (its transaction): the replay writes tens of
    thousands of rows, and row-at-a-time or multi-VALUES inserts cost more in statement work than in data."""
    if not rows:
        return
    columns = list(rows[0])
    conn.execute(sa.text("SELECT 1"))  # make sure the transaction has begun on this connection
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for v in row.values()])


class UnitRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def register(self, org: str, code: str, name: str, kind: str | None) -> None:
        stmt = pg_insert(risk_unit).values(org=org, code=code, name=name, kind=kind)
        self.conn.execute(stmt.on_conflict_do_update(index_elements=[U.org, U.code], set_={"name": name, "kind": kind}))

    def names(self, org: str) -> dict[str, str]:
        return dict(self.conn.execute(sa.select(U.code, U.name).where(U.org == org).order_by(U.code)).all())

    def known(self, org: str, code: str) -> bool:
        """A unit org announced; any code while risk has heard of no unit at all (a deployment whose units were
        registered before risk kept them: the directory fills as org announces units again)."""
        found = self.conn.execute(sa.select(U.code).where(U.org == org, U.code == code)).first()
        return found is not None or self.conn.execute(sa.select(U.code).where(U.org == org).limit(1)).first() is None


class SodRefusalRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def record(self, event_id: str, org: str, unit: str | None, person: str, rule: str, service: str, at: datetime):
        """Once per event (a redelivered one changes nothing)."""
        row = dict(event_id=event_id, org=org, unit=unit, person=person, rule=rule, service=service, at=at)
        self.conn.execute(pg_insert(risk_sod_refusal).values(**row).on_conflict_do_nothing())

    def per_unit(self, org: str, start: datetime, end: datetime) -> dict[str, int]:
        R = risk_sod_refusal.c
        rows = self.conn.execute(
            sa.select(R.unit, sa.func.count())
            .where(R.org == org, R.at >= start, R.at < end, R.unit.is_not(None))
            .group_by(R.unit)
        )
        return {unit: n for unit, n in rows}


# The projection's statements run for most events risk hears: built once (adapters/prebuilt.py).
_PROJECT_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext('risk_project'))")
_NODE_FACTS = ("no", "title", "unit", "amount", "state")
_NEW_NODE = prebuilt.insert(
    risk_project_node, "node_type", "node_id", "org", "project", *_NODE_FACTS, "details", "first_at", "heard_at"
)


def _node_update() -> dict[str, Any]:
    """A node's facts as the latest event told them (an earlier one fills only what is still unknown)."""
    x = _NEW_NODE.excluded
    newer = x.heard_at >= sa.func.coalesce(N.heard_at, sa.literal_column("'-infinity'::timestamptz"))
    update: dict[str, Any] = {
        name: sa.case((newer, sa.func.coalesce(x[name], N[name])), else_=sa.func.coalesce(N[name], x[name]))
        for name in _NODE_FACTS
    }
    update["details"] = sa.case((newer, N.details.op("||")(x.details)), else_=x.details.op("||")(N.details))
    update["first_at"] = sa.func.least(N.first_at, x.first_at)
    update["heard_at"] = sa.func.greatest(N.heard_at, x.heard_at)
    return update


_UPSERT_NODE = _NEW_NODE.on_conflict_do_update(index_elements=[N.node_type, N.node_id], set_=_node_update())
_NAME_NODE = prebuilt.insert(
    risk_project_node, "node_type", "node_id", "org", "project", "details"
).on_conflict_do_nothing()
# Both nodes' projects and their sizes, in one statement (a payment joins its contract's project on every
# request): each size counted only up to a cap, since only the comparison matters (a payment against a contract
# with hundreds of payments would otherwise count them all); in full only when both reach it.
_SIZE_CAP = 64
_PROJECTS = sa.text(
    "WITH pa AS (SELECT project FROM risk_project_node WHERE node_type = :a_type AND node_id = :a_id),"
    " pb AS (SELECT project FROM risk_project_node WHERE node_type = :b_type AND node_id = :b_id)"
    " SELECT (SELECT project FROM pa), (SELECT project FROM pb),"
    " (SELECT count(*) FROM (SELECT 1 FROM risk_project_node WHERE project = (SELECT project FROM pa) LIMIT :cap) x),"
    " (SELECT count(*) FROM (SELECT 1 FROM risk_project_node WHERE project = (SELECT project FROM pb) LIMIT :cap) y)"
)
# The smaller project's nodes, links and lines take the larger's label, in one statement.
_RELABEL = sa.text(
    "WITH nodes AS (UPDATE risk_project_node SET project = :keep WHERE project = :gone),"
    " links AS (UPDATE risk_project_link SET project = :keep WHERE project = :gone)"
    " UPDATE risk_project_line SET project = :keep WHERE project = :gone"
)
_ADD_LINK = prebuilt.insert(
    risk_project_link, "parent_type", "parent_id", "child_type", "child_id", "relation", "project"
).on_conflict_do_nothing()
# A budget line of a node, in the node's project; the node named first (a placeholder in a project of its own)
# when no event of its own was heard yet: one statement (the snapshot does not see the CTE's row, hence the
# coalesce).
_ADD_LINE = sa.text(
    "WITH named AS (INSERT INTO risk_project_node (node_type, node_id, org, project, details)"
    " VALUES (:node_type, :node_id, :org, :label, '{}'::jsonb) ON CONFLICT DO NOTHING RETURNING project)"
    " INSERT INTO risk_project_line (node_type, node_id, budget_line_id, project)"
    " SELECT CAST(:node_type AS text), CAST(:node_id AS text), CAST(:budget_line_id AS text),"
    " coalesce((SELECT project FROM named), (SELECT project FROM risk_project_node"
    " WHERE node_type = :node_type AND node_id = :node_id))"
    " ON CONFLICT DO NOTHING"
)


class ProjectRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def lock(self) -> None:
        """Projects merge when a link joins two; one writer at a time makes the relabelling race-free."""
        self.conn.execute(_PROJECT_LOCK)

    def apply(self, org: str, facts: ProjectFacts) -> None:
        for node in facts.nodes:
            self._upsert(org, node)
        heard = {node.key for node in facts.nodes}  # stored just now: no placeholder needed
        for link in facts.links:
            for key in (link.parent, link.child):
                if key not in heard:
                    self._named(org, key)
            project = self._join(link.parent, link.child)
            self.conn.execute(
                _ADD_LINK,
                {
                    "parent_type": link.parent.type,
                    "parent_id": link.parent.id,
                    "child_type": link.child.type,
                    "child_id": link.child.id,
                    "relation": link.relation,
                    "project": project,
                },
            )
        for key, line in facts.lines:
            params = {"node_type": key.type, "node_id": key.id, "org": org, "label": key.key, "budget_line_id": line}
            self.conn.execute(_ADD_LINE, params)

    def _upsert(self, org: str, node: NodeFact) -> None:
        self.conn.execute(
            _UPSERT_NODE,
            {
                "node_type": node.key.type,
                "node_id": node.key.id,
                "org": org,
                "project": node.key.key,
                "no": node.no,
                "title": node.title,
                "unit": node.unit,
                "amount": Decimal(node.amount) if node.amount is not None else None,
                "state": node.state,
                "details": dict(node.details),
                "first_at": node.at,
                "heard_at": node.at,
            },
        )

    def _named(self, org: str, key: NodeKey) -> None:
        """A node another event names, before (or without) its own event: a placeholder of its own project."""
        params = {"node_type": key.type, "node_id": key.id, "org": org, "project": key.key, "details": {}}
        self.conn.execute(_NAME_NODE, params)

    def _join(self, a: NodeKey, b: NodeKey) -> str:
        """One project for both: the smaller set takes the larger's label (ties: the lesser label stays)."""
        keys = {"a_type": a.type, "a_id": a.id, "b_type": b.type, "b_id": b.id, "cap": _SIZE_CAP}
        pa, pb, size_a, size_b = self.conn.execute(_PROJECTS, keys).one()
        if pa == pb:
            return pa
        sizes = {pa: size_a, pb: size_b} if min(size_a, size_b) < _SIZE_CAP else self._sizes(pa, pb)
        keep, gone = sorted((pa, pb), key=lambda p: (-sizes.get(p, 0), p))
        self.conn.execute(_RELABEL, {"keep": keep, "gone": gone})
        return keep

    def _sizes(self, pa: str, pb: str) -> dict[str, int]:
        """Both projects' full sizes, when both reached the cap `_PROJECTS` counts to."""
        return dict(
            self.conn.execute(
                sa.select(N.project, sa.func.count()).where(N.project.in_([pa, pb])).group_by(N.project)
            ).all()
        )

    # ── reads ──
    def project_of(self, org: str, key: NodeKey) -> str | None:
        return self.conn.execute(
            sa.select(N.project).where(N.org == org, N.node_type == key.type, N.node_id == key.id)
        ).scalar()

    def collective_decision(self, org: str, key: NodeKey) -> dict[str, Any] | None:
        """Another document of `key`'s project approved at a meeting (集体决策), the earliest; None when none
        is (or the document is in no project). One indexed probe of the project's nodes."""
        mine = sa.select(N.project).where(N.org == org, N.node_type == key.type, N.node_id == key.id).scalar_subquery()
        row = self.conn.execute(
            sa.select(N.node_type, N.node_id, N.no, N.details["collective_decision"].label("decision"))
            .where(
                N.project == mine,
                N.details.has_key("collective_decision"),
                sa.tuple_(N.node_type, N.node_id) != sa.tuple_(sa.literal(key.type), sa.literal(key.id)),
            )
            .order_by(N.details["collective_decision"]["at"].astext, N.node_type, N.node_id)
            .limit(1)
        ).first()
        if row is None:
            return None
        return {"document": {"type": row.node_type, "id": row.node_id, "no": row.no}, **dict(row.decision or {})}

    def nodes(self, project: str) -> list[Any]:
        return self.conn.execute(sa.select(risk_project_node).where(N.project == project)).all()

    def links(self, project: str) -> list[Any]:
        return self.conn.execute(
            sa.select(risk_project_link).where(K.project == project).order_by(K.parent_type, K.parent_id, K.child_id)
        ).all()

    def lines(self, project: str) -> list[Any]:
        return self.conn.execute(
            sa.select(risk_project_line).where(LN.project == project).order_by(LN.budget_line_id, LN.node_id)
        ).all()

    def timeline(self, org: str, documents: list[tuple[str, str]]) -> list[Any]:
        if not documents:
            return []
        return self.conn.execute(
            sa.select(
                E.event_id, E.occurred_at, E.type, E.actor, E.summary, E.document_type, E.document_id, E.document_no
            )
            .where(E.org == org, sa.tuple_(E.document_type, E.document_id).in_(documents))
            .order_by(E.occurred_at, E.event_id)
        ).all()

    # ── replay ──
    def clear(self) -> None:
        for table in (risk_project_line, risk_project_link, risk_project_node):
            self.conn.execute(sa.delete(table))

    def counts(self) -> dict[str, int]:
        """How many projects, nodes and links the projection holds (the replay's summary)."""
        nodes, projects = self.conn.execute(sa.select(sa.func.count(), sa.func.count(sa.distinct(N.project)))).one()
        links = self.conn.execute(sa.select(sa.func.count()).select_from(risk_project_link)).scalar_one()
        return {"projects": projects, "nodes": nodes, "links": links}

    def load(self, projection: Projection) -> None:
        """Write a projection built in memory (the replay), in bulk: a few statements per thousands of rows."""
        nodes = [
            dict(
                node_type=key.type,
                node_id=key.id,
                org=state.org,
                project=projection.project(key).key,
                no=state.values.get("no"),
                title=state.values.get("title"),
                unit=state.values.get("unit"),
                amount=Decimal(state.values["amount"]) if state.values.get("amount") is not None else None,
                state=state.values.get("state"),
                details=state.details,
                first_at=state.first_at,
                heard_at=state.heard_at,
            )
            for key, state in projection.nodes.items()
        ]
        links = [
            dict(
                parent_type=a.type,
                parent_id=a.id,
                child_type=b.type,
                child_id=b.id,
                relation=relation,
                project=projection.project(a).key,
            )
            for (a, b), relation in projection.links.items()
        ]
        lines = [
            dict(node_type=k.type, node_id=k.id, budget_line_id=line, project=projection.project(k).key)
            for k, line in projection.lines
        ]
        for table, rows in ((risk_project_node, nodes), (risk_project_link, links), (risk_project_line, lines)):
            copy_rows(self.conn, table, rows)

    def history(
        self, types: tuple[str, ...], batch: int = 2000, with_attachments: bool = True
    ) -> Iterator[dict[str, Any]]:
        """The stored events of these types as envelopes, in the order they happened: the dossier's entries
        (every event about a document), and any the inbox holds that the dossier did not file.

        The entries come through one server-side cursor, `batch` rows at a time: one scan and one sort of the
        history (pages by key each scanned and sorted the rest of it again: 50 scans for 100,000 events)."""
        query = (
            sa.select(
                E.event_id,
                E.org,
                E.subject,
                E.type,
                E.occurred_at,
                E.actor,
                E.producer,
                E.correlation_id,
                E.payload,
            )
            .where(sa.or_(E.type.in_(types), _attachment if with_attachments else sa.false()))
            .order_by(E.occurred_at, E.event_id)
        )
        for r in self.conn.execute(query, execution_options={"stream_results": True, "yield_per": batch}):
            yield {
                "event_id": str(r.event_id),
                "org": r.org,
                "subject": r.subject,
                "type": r.type,
                "occurred_at": r.occurred_at.isoformat(),
                "actor": r.actor,
                "producer": r.producer,
                "correlation_id": r.correlation_id,
                "payload": r.payload,
            }
        inbox = platform["inbox"]
        filed = sa.select(E.event_id).where(E.event_id == inbox.c.event_id).exists()
        seen: set[str] = set()
        for r in self.conn.execute(
            sa.select(inbox.c.envelope).where(inbox.c.type.in_(types), sa.not_(filed)).order_by(inbox.c.event_id)
        ):
            if r.envelope["event_id"] not in seen:
                seen.add(r.envelope["event_id"])
                yield r.envelope
