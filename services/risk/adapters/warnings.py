"""Reading and writing risk warnings and the facts their rules look back on."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters import prebuilt
from services.risk.adapters.orm import risk_budget_signal, risk_warning
from services.risk.domain.rules import WarningDraft

W, SG = risk_warning.c, risk_budget_signal.c

_RAISE = (
    prebuilt.insert(
        risk_warning, "org", "document_type", "document_id", "document_no", "rule", "severity", "message", "evidence"
    )
    .on_conflict_do_nothing(constraint="risk_warning_once")
    .returning(*risk_warning.c)
)
_FOR_DOCUMENT = (
    sa.select(risk_warning).where(*prebuilt.where(risk_warning, "org", "document_type", "document_id")).order_by(W.id)
)
# A budget move or crossing takes its story's lock and is kept, in one statement; the other kind of signal is
# read by the next statement, whose snapshot is taken with the lock held.
_ADD_SIGNAL = sa.text(
    "WITH locked AS (SELECT pg_advisory_xact_lock(hashtext(:k)))"
    " INSERT INTO risk_budget_signal (event_id, org, correlation_id, kind, budget_line_id, document_type,"
    " document_id, document_no, payload)"
    " SELECT CAST(:event_id AS uuid), CAST(:org AS text), CAST(:correlation_id AS text), CAST(:kind AS text),"
    " CAST(:budget_line_id AS text), CAST(:document_type AS text), CAST(:document_id AS text),"
    " CAST(:document_no AS text), CAST(:payload AS jsonb) FROM locked"
    " ON CONFLICT DO NOTHING"
)
_SIGNALS = sa.select(risk_budget_signal).where(
    *prebuilt.where(risk_budget_signal, "correlation_id", "budget_line_id", "kind")
)


class WarningRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def raise_once(self, org: str, draft: WarningDraft) -> dict[str, Any] | None:
        """Store the warning; None if the document already has one from this rule."""
        doc = draft.document
        row = self.conn.execute(
            _RAISE,
            {
                "org": org,
                "document_type": doc.type,
                "document_id": doc.id,
                "document_no": doc.no,
                "rule": draft.rule.value,
                "severity": draft.severity.value,
                "message": draft.message,
                "evidence": draft.evidence,
            },
        ).first()
        return warning_view(row) if row is not None else None

    def for_document(self, org: str, document_type: str, document_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            _FOR_DOCUMENT, {"org": org, "document_type": document_type, "document_id": document_id}
        )
        return [warning_view(r) for r in rows]

    # ── budget moves and crossings of one story ──
    def add_signal(
        self,
        event_id: str,
        org: str,
        correlation_id: str,
        kind: str,
        budget_line_id: str,
        payload: dict[str, Any],
        document: DocumentRef | None = None,
    ) -> None:
        """Keep the signal, holding its story's lock until commit: of a move and its crossing heard at once,
        the second to take the lock reads the first (`signals`) and raises the warning."""
        self.conn.execute(
            _ADD_SIGNAL,
            {
                "k": f"risk_budget:{correlation_id}",
                "event_id": str(event_id),
                "org": org,
                "correlation_id": correlation_id,
                "kind": kind,
                "budget_line_id": budget_line_id,
                "document_type": document.type if document else None,
                "document_id": document.id if document else None,
                "document_no": document.no if document else None,
                "payload": json.dumps(payload, ensure_ascii=False),
            },
        )

    def signals(self, correlation_id: str, budget_line_id: str, kind: str) -> list[Any]:
        params = {"correlation_id": correlation_id, "budget_line_id": budget_line_id, "kind": kind}
        return self.conn.execute(_SIGNALS, params).all()


def warning_view(row: Any) -> dict[str, Any]:
    document = {k: v for k, v in (("type", row.document_type), ("id", row.document_id), ("no", row.document_no)) if v}
    return {
        "id": row.id,
        "document": document,
        "rule": row.rule,
        "severity": row.severity,
        "message": row.message,
        "evidence": row.evidence,
        "raised_at": row.raised_at.isoformat(),
    }
