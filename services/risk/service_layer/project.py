"""The project dossier (关联查询, issue 13 §4) as use cases: keep the projection from the events risk hears, and
show one project from any of its documents, in the reader's data scope.

The projection is rebuilt from the stored event history by `python -m services.risk.replay` (same handler,
same answer: the facts are order-independent, domain/project.py)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ic_platform import catalogue, scope
from ic_platform.attachments import FILE_TYPES
from ic_platform.commands import Code, Command
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import not_found
from ic_platform.money import money_str
from services.risk.domain.project import (
    CHAIN_ORDER,
    NODE_LABELS,
    PROJECT_EVENTS,
    RELATION_LABELS,
    NodeKey,
    chain_rank,
    facts_of,
    node_type,
    root_of,
)
from services.risk.domain.rules import SEVERITY_LABELS, Severity
from services.risk.domain.workflow import STATUS_LABELS, Status
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

# Nodes that are not documents of their own (no approval, no owner): the area their document belongs to.
NODE_AREAS = {
    "quotes": scope.Area.PROCUREMENT,
    "tender": scope.Area.PROCUREMENT,
    "bid": scope.Area.PROCUREMENT,
    "award": scope.Area.PROCUREMENT,
    "acceptance": scope.Area.CONTRACT,
    "voucher": scope.Area.ACCOUNTING,
}


MEDIA_LABELS = {t.media_type: t.label for t in FILE_TYPES}


class ProjectQuery(Command):
    document_type: Code
    document_id: Code


def on_project_event(event: Envelope, uow: RiskUnitOfWork) -> None:
    """In the inbox's transaction, beside the dossier's filing of the same event."""
    facts = facts_of(event)
    if facts.empty:
        return
    uow.projects.lock()
    uow.projects.apply(event.org, facts)


def project_by_document(query: ProjectQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    asked = NodeKey(node_type(query.document_type), query.document_id)
    with uow:
        project = uow.projects.project_of(ctx.org, asked)
        nodes = uow.projects.nodes(project) if project else []
        links = uow.projects.links(project) if project else []
        units = _units(uow, nodes, links)
        readable = {(n.node_type, n.node_id) for n in nodes if _readable(uow, ctx, n, units)}
        if (asked.type, asked.id) not in readable:
            raise not_found("project", f"{asked.type}/{asked.id}", "该单据所属项目")
        lines = uow.projects.lines(project)
        documents = [(t, i) for t, i in readable]
        warnings = uow.cases.for_documents(documents)
        timeline = uow.projects.timeline(ctx.org, documents)
    return project_view(asked, nodes, readable, links, lines, warnings, timeline)


def project_view(
    asked: NodeKey,
    nodes: list[Any],
    readable: set[tuple[str, str]],
    links: list[Any],
    lines: list[Any],
    warnings: list[Any],
    timeline: list[Any],
) -> dict[str, Any]:
    """The project as people read it. Deterministic in the projection's content (no row ids, no label of the
    connected set), so a replayed projection answers the same."""
    shown = [n for n in nodes if (n.node_type, n.node_id) in readable]
    root = root_of([(NodeKey(n.node_type, n.node_id), n.first_at) for n in nodes])
    by_document: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for w in warnings:
        status = Status(w.status)
        by_document[(w.document_type, w.document_id)].append(
            {
                "id": w.id,
                "rule": w.rule,
                "severity": w.severity,
                "severity_label": SEVERITY_LABELS.get(Severity(w.severity), w.severity),
                "message": w.message,
                "status": status.value,
                "status_label": STATUS_LABELS[status],
            }
        )
    approvals: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in timeline:
        if e.type.startswith("approval.") and e.type != "approval.trail_anchored":
            approvals[(e.document_type, e.document_id)].append(
                {"at": e.occurred_at.isoformat(), "type": e.type, "actor": e.actor, "summary": e.summary}
            )
    files = _attachments(shown, links, readable)
    documents = sorted(shown, key=lambda n: (chain_rank(NodeKey(n.node_type, n.node_id)), _time(n), n.node_id))
    return {
        "project": {
            "root": {"type": root.type, "id": root.id} if (root.type, root.id) in readable else None,
            "asked": {"type": asked.type, "id": asked.id},
            "documents_total": len(nodes),
            "hidden": len(nodes) - len(shown),
        },
        "documents": [
            {
                "type": n.node_type,
                "type_label": NODE_LABELS.get(n.node_type, n.node_type),
                "id": n.node_id,
                "no": n.no,
                "title": n.title,
                "unit": n.unit,
                "amount": money_str(n.amount) if n.amount is not None else None,
                "state": n.state,
                "state_label": _state_label(n.state),
                "details": n.details,
                "first_at": n.first_at.isoformat() if n.first_at else None,
                "heard": n.heard_at is not None,
                "warnings": by_document.get((n.node_type, n.node_id), []),
                "approvals": approvals.get((n.node_type, n.node_id), []),
                "attachments": files.get((n.node_type, n.node_id), []),
            }
            for n in documents
        ],
        "links": [
            {
                "from": {"type": k.parent_type, "id": k.parent_id},
                "to": {"type": k.child_type, "id": k.child_id},
                "relation": k.relation,
                "relation_label": RELATION_LABELS.get(k.relation, k.relation),
            }
            for k in links
            if (k.parent_type, k.parent_id) in readable and (k.child_type, k.child_id) in readable
        ],
        "budget_lines": sorted({ln.budget_line_id for ln in lines if (ln.node_type, ln.node_id) in readable}),
        "timeline": [
            {
                "at": e.occurred_at.isoformat(),
                "document": {"type": e.document_type, "id": e.document_id, "no": e.document_no},
                "type": e.type,
                "actor": e.actor,
                "summary": e.summary,
                "event_id": str(e.event_id),
            }
            for e in timeline
        ],
        "chain_order": list(CHAIN_ORDER),
    }


def _attachments(
    shown: list[Any], links: list[Any], readable: set[tuple[str, str]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each readable document's files (附件), oldest first, with the route that reads one through the service
    owning the document (`/api/v1/attachments/...`: that service checks the reader's scope again)."""
    nodes = {(n.node_type, n.node_id): n for n in shown if n.node_type == "attachment"}
    files: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for k in links:
        owner, node = (k.parent_type, k.parent_id), nodes.get((k.child_type, k.child_id))
        if k.relation != "attachment" or node is None or owner not in readable:
            continue
        details = node.details or {}
        sha = details.get("sha256") or k.child_id.rsplit("/", 1)[-1]
        files[owner].append(
            {
                "sha256": sha,
                "filename": node.title,
                "media_type": details.get("media_type"),
                "type_label": MEDIA_LABELS.get(details.get("media_type")),
                "size": details.get("size"),
                "uploaded_by": details.get("uploaded_by"),
                "uploaded_at": node.first_at.isoformat() if node.first_at else None,
                "href": f"/api/v1/attachments/{owner[0]}/{owner[1]}/{sha}",
            }
        )
    for items in files.values():
        items.sort(key=lambda f: (f["uploaded_at"] or "", f["sha256"]))
    return files


def _units(uow: RiskUnitOfWork, nodes: list[Any], links: list[Any]) -> dict[tuple[str, str], Any]:
    """Each node's owner (unit, initiator): a document's as its submission named it, else the unit its own
    event named; a part with neither (a bid, a tender, an attachment) belongs with the document it hangs from."""
    owners: dict[tuple[str, str], Any] = {}
    for n in nodes:
        owner = uow.desk.owner(n.node_type, n.node_id)
        if owner is not None:
            owners[(n.node_type, n.node_id)] = (owner.org, owner.unit, owner.initiator)
        elif n.unit:
            owners[(n.node_type, n.node_id)] = (n.org, n.unit, (n.details or {}).get("applicant"))
    for _ in range(len(CHAIN_ORDER)):  # parents first: a chain is at most this deep
        moved = False
        for k in links:
            parent, child = (k.parent_type, k.parent_id), (k.child_type, k.child_id)
            if child not in owners and parent in owners:
                org, unit, _initiator = owners[parent]
                owners[child] = (org, unit, None)
                moved = True
        if not moved:
            break
    return owners


def _readable(uow: RiskUnitOfWork, ctx: CallContext, node: Any, owners: dict[tuple[str, str], Any]) -> bool:
    """A project's document is read as the document itself is: by its owner's unit, its initiator, the
    reader's desk, or a whole-area reading role (docs/data-scope.md)."""
    if node.org != ctx.org:
        return False
    org, unit, initiator = owners.get((node.node_type, node.node_id), (node.org, None, None))
    if org != ctx.org:
        return False
    area = NODE_AREAS.get(node.node_type) or scope.area_of(_owner_type(node))
    return scope.visible(
        ctx.viewer,
        area,
        unit,
        initiator=initiator,
        on_desk=lambda: uow.desk.holds(ctx.viewer, node.node_type, node.node_id),
    )


def _owner_type(node: Any) -> str:
    """An attachment belongs to the area of the document it is attached to (its id starts with that key)."""
    if node.node_type == "attachment":
        return node.node_id.split("/", 1)[0]
    return node.node_type


def _time(node: Any) -> float:
    return node.first_at.timestamp() if node.first_at else float("inf")


def _state_label(state: str | None) -> str | None:
    if state is None:
        return None
    try:
        return catalogue.spec_for(state).summary
    except catalogue.UnknownEvent:
        return state


def _attachment_events() -> list[str]:
    """Event types (present or future, by their schema) that name a stored file of a document."""
    return sorted(
        spec.type
        for spec in catalogue.CATALOGUE.values()
        if {"sha256", "document"} <= set(spec.payload.get("properties", {}))
    )


PROJECT_HANDLED = tuple(dict.fromkeys((*PROJECT_EVENTS, *_attachment_events())))
EVENT_HANDLERS = {t: [on_project_event] for t in PROJECT_HANDLED}
