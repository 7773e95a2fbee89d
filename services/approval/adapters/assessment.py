"""Storage of risk's assessments of each round's submission (the gate before a decision)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import approval_risk_assessment
from services.approval.domain.assessment import Assessment

A = approval_risk_assessment.c


def _keys(org: str, submission_event_id: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "submission_event_id": uuid.UUID(submission_event_id),
        "org": org,
        "document_type": document["type"],
        "document_id": document["id"],
    }


# Built once (every submission and every assessment runs one); the values come with each execution.
_expect = pg_insert(approval_risk_assessment).values(expected_at=sa.func.now())
_EXPECT = _expect.on_conflict_do_update(
    index_elements=[A.submission_event_id],
    set_={"round": _expect.excluded.round, "expected_at": _expect.excluded.expected_at},
)
_record = pg_insert(approval_risk_assessment).values(received_at=sa.func.now())
_RECORD = _record.on_conflict_do_update(
    index_elements=[A.submission_event_id],
    set_={
        "assessed_at": _record.excluded.assessed_at,
        "received_at": _record.excluded.received_at,
        "warning_count": _record.excluded.warning_count,
    },
    where=A.received_at.is_(None),
).returning(A.expected_at, A.received_at)


class AssessmentRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def expect(self, org: str, submission_event_id: str, document: dict[str, Any], round_: int) -> None:
        """The round opened by this submission waits for its assessment (which may already be here)."""
        self.conn.execute(_EXPECT, {**_keys(org, submission_event_id, document), "round": round_})

    def record(
        self, org: str, submission_event_id: str, document: dict[str, Any], assessed_at: str, warning_count: int
    ) -> float | None:
        """Risk assessed the submission (heard before or after the round was opened). Seconds the round waited
        for it (0 when the round opens later); None when it was recorded before."""
        values = {**_keys(org, submission_event_id, document), "assessed_at": assessed_at}
        row = self.conn.execute(_RECORD, {**values, "warning_count": warning_count}).first()
        if row is None:
            return None
        return (row.received_at - row.expected_at).total_seconds() if row.expected_at else 0.0

    def of_round(self, document_type: str, document_id: str, round_: int) -> Assessment:
        row = self.conn.execute(
            sa.select(approval_risk_assessment).where(
                A.document_type == document_type, A.document_id == document_id, A.round == round_
            )
        ).first()
        return Assessment.of(row)

    def of_rounds(self, keys: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], Assessment]:
        """Each listed (document type, id, round)'s assessment, in one query."""
        if not keys:
            return {}
        rows = self.conn.execute(
            sa.select(approval_risk_assessment).where(sa.tuple_(A.document_type, A.document_id, A.round).in_(keys))
        ).all()
        found = {(r.document_type, r.document_id, r.round): Assessment.of(r) for r in rows}
        return {k: found.get(k, Assessment.of(None)) for k in keys}
