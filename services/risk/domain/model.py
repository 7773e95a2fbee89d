"""Dossier entries and document links. Pure: no I/O, no frameworks.

A dossier is what the risk service knows about one document: every event about it, in the order it happened,
and the other documents it belongs with. Links are how a dossier grows into "all documents of a project"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ic_platform.documents import DocumentRef  # noqa: F401 - re-exported: part of this domain's language
from ic_platform.envelope import Envelope
from services.risk.domain.summaries import summarise


class InvalidSubject(ValueError):
    """An event's subject is not "<document_type>/<id>": a producer bug, parked as a dead letter for ops."""


class LinkReason(StrEnum):
    NAMED = "named"  # an event about one document names the other in its payload
    SAME_STORY = "same_story"  # events of both share a correlation id: one user action caused both


LINK_LABELS = {LinkReason.NAMED: "单据中引用", LinkReason.SAME_STORY: "同一业务链"}


@dataclass(frozen=True)
class DossierEntry:
    event_id: str
    org: str
    document: DocumentRef
    type: str
    occurred_at: datetime
    actor: str | None
    producer: str
    correlation_id: str
    summary: str
    payload: dict[str, Any]


def parse_subject(subject: str | None) -> DocumentRef | None:
    """None when the event concerns no document (org.*). Ids may contain "/"; types never do."""
    if not subject:
        return None
    type_, slash, id_ = subject.partition("/")
    if not (slash and type_ and id_):
        raise InvalidSubject(f"subject must be <document_type>/<id>, got {subject!r}")
    return DocumentRef(type_, id_)


def dossier_entry(event: Envelope) -> DossierEntry | None:
    """What to file for an event, or None when it concerns no document."""
    document = parse_subject(event.subject)
    if document is None:
        return None
    named = _as_document(event.payload.get("document"))
    if named is not None and named.same_document(document):
        document = named  # the payload knows the number people see (SQ-2026-000001); the subject does not
    return DossierEntry(
        event_id=event.event_id,
        org=event.org,
        document=document,
        type=event.type,
        occurred_at=_timestamp(event.occurred_at),
        actor=event.actor,
        producer=event.producer,
        correlation_id=event.correlation_id,
        summary=summarise(event),
        payload=event.payload,
    )


def documents_named(payload: dict[str, Any], filed: DocumentRef) -> list[DocumentRef]:
    """Other documents an event's payload refers to (e.g. a contract's procurement plan), at the top level or
    in a top-level list. A document reference is recognised by its shape, the catalogue's DOCUMENT fragment:
    an object of `type`, `id` and optionally `no`, nothing else."""
    candidates = []
    for value in payload.values():
        candidates.extend(value if isinstance(value, list) else [value])
    found: dict[tuple[str, str], DocumentRef] = {}
    for candidate in candidates:
        ref = _as_document(candidate)
        if ref is not None and not ref.same_document(filed):
            found.setdefault((ref.type, ref.id), ref)
    return list(found.values())


def _as_document(value: Any) -> DocumentRef | None:
    if not isinstance(value, dict) or not {"type", "id"} <= value.keys() <= {"type", "id", "no"}:
        return None
    if not all(isinstance(v, str) and v for v in value.values()):
        return None
    return DocumentRef(value["type"], value["id"], value.get("no"))


def _timestamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    # The envelope schema demands an offset; a naive time from an older producer is taken as UTC, as stored.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
