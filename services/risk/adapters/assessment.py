"""Storage of risk's assessments of approval requests (one row per submission event)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.risk.adapters import prebuilt
from services.risk.adapters.orm import risk_assessment

A = risk_assessment.c
_ADD = (
    prebuilt.insert(
        risk_assessment,
        "submission_event_id",
        "submission_type",
        "org",
        "document_type",
        "document_id",
        "rules",
        "warning_ids",
    )
    .on_conflict_do_nothing()
    .returning(A.assessed_at)
)


class AssessmentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(
        self,
        org: str,
        submission_event_id: str,
        submission_type: str,
        document: dict[str, Any],
        rules: list[str],
        warning_ids: list[int],
    ) -> datetime | None:
        """When it was assessed; None if this submission was assessed before (nothing to announce again)."""
        return self.conn.execute(
            _ADD,
            {
                "submission_event_id": uuid.UUID(submission_event_id),
                "submission_type": submission_type,
                "org": org,
                "document_type": document["type"],
                "document_id": document["id"],
                "rules": rules,
                "warning_ids": warning_ids,
            },
        ).scalar()

    def for_document(self, document_type: str, document_id: str) -> list[Any]:
        return self.conn.execute(
            sa.select(risk_assessment)
            .where(A.document_type == document_type, A.document_id == document_id)
            .order_by(A.assessed_at)
        ).all()
