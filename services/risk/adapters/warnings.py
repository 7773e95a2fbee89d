"""Reading and writing risk warnings and the facts their rules look back on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters.orm import risk_budget_signal, risk_spend, risk_warning
from services.risk.domain.rules import Spend, WarningDraft

W, SP, SG = risk_warning.c, risk_spend.c, risk_budget_signal.c


class WarningRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def raise_once(self, org: str, draft: WarningDraft) -> dict[str, Any] | None:
        """Store the warning; None if the document already has one from this rule."""
        doc = draft.document
        row = self.conn.execute(
            pg_insert(risk_warning)
            .values(
                org=org,
                document_type=doc.type,
                document_id=doc.id,
                document_no=doc.no,
                rule=draft.rule.value,
                severity=draft.severity.value,
                message=draft.message,
                evidence=draft.evidence,
            )
            .on_conflict_do_nothing(constraint="risk_warning_once")
            .returning(*risk_warning.c)
        ).first()
        return warning_view(row) if row is not None else None

    def for_document(self, org: str, document_type: str, document_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            sa.select(risk_warning)
            .where(W.org == org, W.document_type == document_type, W.document_id == document_id)
            .order_by(W.id)
        ).all()
        return [warning_view(r) for r in rows]

    # ── spending documents, for the split-purchase rule ──
    def add_spend(self, org: str, spend: Spend) -> None:
        doc = spend.document
        self.conn.execute(
            pg_insert(risk_spend)
            .values(
                document_type=doc.type,
                document_id=doc.id,
                document_no=doc.no,
                org=org,
                unit=spend.unit,
                budget_line_id=spend.budget_line_id,
                amount=spend.amount,
                title=spend.title,
                submitted_at=spend.at,
            )
            .on_conflict_do_nothing()
        )

    def drop_spend(self, document_type: str, document_id: str) -> None:
        self.conn.execute(sa.delete(risk_spend).where(SP.document_type == document_type, SP.document_id == document_id))

    def lock_line(self, org: str, unit: str, budget_line_id: str) -> None:
        """Until commit, be the only one judging this unit's line: two parts submitted at once would each miss
        the other's uncommitted row, and the split go unnoticed."""
        self.conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"risk_split:{org}:{unit}:{budget_line_id}"}
        )

    def spends(self, org: str, unit: str, budget_line_id: str, since: datetime, until: datetime) -> list[Spend]:
        rows = self.conn.execute(
            sa.select(risk_spend)
            .where(
                SP.org == org,
                SP.unit == unit,
                SP.budget_line_id == budget_line_id,
                SP.submitted_at >= since,
                SP.submitted_at <= until,
            )
            .order_by(SP.submitted_at)
        ).all()
        return [
            Spend(
                DocumentRef(r.document_type, r.document_id, r.document_no),
                r.unit,
                r.budget_line_id,
                r.amount,
                r.submitted_at,
                r.title,
            )
            for r in rows
        ]

    # ── budget moves and crossings of one story ──
    def lock_story(self, correlation_id: str) -> None:
        self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"risk_budget:{correlation_id}"})

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
        self.conn.execute(
            pg_insert(risk_budget_signal)
            .values(
                event_id=event_id,
                org=org,
                correlation_id=correlation_id,
                kind=kind,
                budget_line_id=budget_line_id,
                document_type=document.type if document else None,
                document_id=document.id if document else None,
                document_no=document.no if document else None,
                payload=payload,
            )
            .on_conflict_do_nothing()
        )

    def signals(self, correlation_id: str, budget_line_id: str, kind: str) -> list[Any]:
        return self.conn.execute(
            sa.select(risk_budget_signal).where(
                SG.correlation_id == correlation_id, SG.budget_line_id == budget_line_id, SG.kind == kind
            )
        ).all()


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
