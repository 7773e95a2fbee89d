"""Risk use cases: file every event on its document's dossier, and show a dossier. Warnings: warnings.py."""

from __future__ import annotations

from typing import Any

from ic_platform import catalogue, inbox, scope
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from services.risk.domain.errors import dossier_not_found
from services.risk.domain.model import (
    LINK_LABELS,
    DocumentRef,
    DossierEntry,
    LinkReason,
    documents_named,
    dossier_entry,
)
from services.risk.service_layer import commands
from services.risk.service_layer.unit_of_work import RiskUnitOfWork


def file_on_dossier(event: Envelope, uow: RiskUnitOfWork) -> None:
    """Hears every event. Runs in the inbox's transaction, which commits it."""
    entry = dossier_entry(event)
    if entry is None:
        return  # about no document (org.*): heard, nothing to file
    filed, first_in_story = uow.dossier.add(entry)
    if not filed:
        return
    if first_in_story:
        # A document joining a story links to the others already in it (they link back). Its later events
        # add no document, so they skip this; the lock makes two documents joining at once see each other.
        uow.dossier.lock_story(entry.correlation_id)
        for other in uow.dossier.documents_in_story(entry.org, entry.correlation_id, entry.document):
            uow.links.link(entry.document, other, LinkReason.SAME_STORY, entry.event_id)
    for other in documents_named(event.payload, entry.document):
        uow.links.link(entry.document, other, LinkReason.NAMED, entry.event_id)


def get_dossier(query: commands.DocumentQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    document = DocumentRef(query.document_type, query.document_id)
    with uow:
        entries = uow.dossier.entries(ctx.org, document)
        readable = bool(entries) and readable_document(uow, ctx, document)
        linked = (
            [(d, r) for d, r in uow.links.linked_to(document) if readable_document(uow, ctx, d)] if readable else []
        )
    if not readable:
        raise dossier_not_found(document)
    no = next((e.document.no for e in reversed(entries) if e.document.no), None)
    return {
        "document": {"type": document.type, "id": document.id, "no": no},
        "entries": [entry_view(e) for e in entries],
        "linked_documents": [
            {"type": d.type, "id": d.id, "no": d.no, "reason": r.value, "reason_label": LINK_LABELS[r]}
            for d, r in linked
        ],
    }


def readable_document(uow: RiskUnitOfWork, ctx: CallContext, document: DocumentRef) -> bool:
    """The data-scope rule for a document risk shows but does not own: its owner as the submission named it
    (unknown: only those who read the whole area), and its desks."""
    owner = uow.desk.owner(document.type, document.id)
    if owner is not None and owner.org != ctx.org:
        return False
    return scope.visible(
        ctx.viewer,
        scope.area_of(document.type),
        owner.unit if owner else None,
        initiator=owner.initiator if owner else None,
        on_desk=lambda: uow.desk.holds(ctx.viewer, document.type, document.id),
    )


def entry_view(entry: DossierEntry) -> dict[str, Any]:
    return {
        "occurred_at": entry.occurred_at.isoformat(),
        "type": entry.type,
        "actor": entry.actor,
        "summary": entry.summary,
        "producer": entry.producer,
        "event_id": entry.event_id,
    }


# Risk's own events (its assessments, its warnings' changes) are filed when written: the bus runs the filing in
# the publishing transaction, so hearing each back through the inbox (a delivery, a worker, a transaction and
# an inbox row each, one per submission for the assessment alone) would only find it filed already.
OWN_TYPES = frozenset(spec.type for spec in catalogue.CATALOGUE.values() if spec.producer == "risk")
OWN_EVENT_HANDLERS = {type_: [file_on_dossier] for type_ in sorted(OWN_TYPES)}
EVENT_HANDLERS = {"*": [inbox.hearing(file_on_dossier, lambda event: event.type not in OWN_TYPES)]}
