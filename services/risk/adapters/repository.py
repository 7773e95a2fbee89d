"""Reading and writing dossier entries and document links."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.risk.adapters.orm import document_link, dossier_entry
from services.risk.domain.model import DocumentRef, DossierEntry, LinkReason

E, L = dossier_entry.c, document_link.c

# Every event heard files one entry: a fixed statement, so no SQLAlchemy construct is built and compiled per
# event (building the insert, its CTE and the EXISTS cost more CPU than PostgreSQL spent running them).
_FILE = sa.text(
    "WITH inserted AS ("
    " INSERT INTO dossier_entry (event_id, org, subject, document_type, document_id, document_no, type,"
    " occurred_at, actor, producer, correlation_id, summary, payload)"
    " VALUES (CAST(:event_id AS uuid), :org, :subject, :document_type, :document_id, :document_no, :type,"
    " :occurred_at, :actor, :producer, :correlation_id, :summary, CAST(:payload AS jsonb))"
    " ON CONFLICT (event_id) DO NOTHING RETURNING id)"
    " SELECT (SELECT id FROM inserted) AS id, EXISTS (SELECT 1 FROM dossier_entry WHERE org = :org"
    " AND document_type = :document_type AND document_id = :document_id AND correlation_id = :correlation_id)"
    " AS known"
)


# A document's first event in a story: built once too.
_STORY_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))")
_IN_STORY = (
    sa.select(E.document_type, E.document_id)
    .distinct()
    .where(
        E.org == sa.bindparam("org"),
        E.correlation_id == sa.bindparam("correlation_id"),
        sa.not_(sa.and_(E.document_type == sa.bindparam("type"), E.document_id == sa.bindparam("id"))),
    )
)


class DossierRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, entry: DossierEntry) -> tuple[bool, bool]:
        """(filed now, first entry of its document in this story), in one statement: the common case (a
        document's later events) then needs nothing more. The EXISTS reads the snapshot before the insert."""
        doc = entry.document
        row = self.conn.execute(
            _FILE,
            {
                "event_id": str(entry.event_id),
                "org": entry.org,
                "subject": doc.subject,
                "document_type": doc.type,
                "document_id": doc.id,
                "document_no": doc.no,
                "type": entry.type,
                "occurred_at": entry.occurred_at,
                "actor": entry.actor,
                "producer": entry.producer,
                "correlation_id": entry.correlation_id,
                "summary": entry.summary,
                "payload": json.dumps(entry.payload, ensure_ascii=False),
            },
        ).one()
        return row.id is not None, not row.known

    def lock_story(self, correlation_id: str) -> None:
        """Until commit, be the only filer in this story. Without it two events of one story filed at once
        (one per document) would each miss the other's uncommitted entry, and the documents stay unlinked."""
        self.conn.execute(_STORY_LOCK, {"k": f"dossier_story:{correlation_id}"})

    def entries(self, org: str, document: DocumentRef) -> list[DossierEntry]:
        rows = self.conn.execute(
            sa.select(dossier_entry)
            .where(E.org == org, E.document_type == document.type, E.document_id == document.id)
            .order_by(E.occurred_at, E.id)
        ).all()
        return [_to_entry(r) for r in rows]

    def documents_in_story(self, org: str, correlation_id: str, besides: DocumentRef) -> list[DocumentRef]:
        params = {"org": org, "correlation_id": correlation_id, "type": besides.type, "id": besides.id}
        rows = self.conn.execute(_IN_STORY, params).all()
        return [DocumentRef(r.document_type, r.document_id) for r in rows]


class LinkRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def link(self, a: DocumentRef, b: DocumentRef, reason: LinkReason, event_id: str) -> None:
        rows = [
            dict(
                document_type=x.type,
                document_id=x.id,
                linked_type=y.type,
                linked_id=y.id,
                reason=reason.value,
                event_id=event_id,
            )
            for x, y in ((a, b), (b, a))
        ]
        self.conn.execute(pg_insert(document_link).values(rows).on_conflict_do_nothing())

    def linked_to(self, document: DocumentRef) -> list[tuple[DocumentRef, LinkReason]]:
        # The number people see comes from the linked document's own dossier, if anything is filed there yet.
        no = (
            sa.select(E.document_no)
            .where(E.document_type == L.linked_type, E.document_id == L.linked_id, E.document_no.is_not(None))
            .order_by(E.occurred_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            sa.select(L.linked_type, L.linked_id, L.reason, no.label("no"))
            .where(L.document_type == document.type, L.document_id == document.id)
            .order_by(L.id)
        ).all()
        return [(DocumentRef(r.linked_type, r.linked_id, r.no), LinkReason(r.reason)) for r in rows]


def _to_entry(row: Any) -> DossierEntry:
    return DossierEntry(
        event_id=str(row.event_id),
        org=row.org,
        document=DocumentRef(row.document_type, row.document_id, row.document_no),
        type=row.type,
        occurred_at=row.occurred_at,
        actor=row.actor,
        producer=row.producer,
        correlation_id=row.correlation_id,
        summary=row.summary,
        payload=row.payload,
    )
