"""Reading and writing risk warnings and the facts their rules look back on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters.orm import risk_budget_signal, risk_spend, risk_split_tally, risk_warning
from services.risk.domain.rules import Spend, SplitPolicy, SplitTally, WarningDraft

W, SP, SG, ST = risk_warning.c, risk_spend.c, risk_budget_signal.c, risk_split_tally.c


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
    def add_spend(self, org: str, spend: Spend) -> bool:
        """True when stored now, False when this document was stored before."""
        doc = spend.document
        stored = self.conn.execute(
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
            .returning(SP.document_id)
        ).first()
        return stored is not None

    def drop_spend(self, document_type: str, document_id: str) -> tuple[str, Spend] | None:
        """Forget a spend; (org, the spend) when there was one."""
        row = self.conn.execute(
            sa.delete(risk_spend)
            .where(SP.document_type == document_type, SP.document_id == document_id)
            .returning(*risk_spend.c)
        ).first()
        return (row.org, _spend(row)) if row is not None else None

    def lock_tally(self, org: str, unit: str, budget_line_id: str) -> SplitTally:
        """The unit's running tally on the line, created empty if new, locked until commit: one judge per unit
        and line at a time, so two parts submitted at once each count the other."""
        row = self.conn.execute(
            pg_insert(risk_split_tally)
            .values(org=org, unit=unit, budget_line_id=budget_line_id)
            .on_conflict_do_update(index_elements=[ST.org, ST.unit, ST.budget_line_id], set_={"org": org})
            .returning(*risk_split_tally.c)
        ).one()
        policy = (row.policy_threshold, row.policy_min_part, row.policy_window_s) if row.policy_threshold else None
        return SplitTally(row.since, row.total, row.count, row.oldest, row.newest, policy)

    def save_tally(self, org: str, unit: str, budget_line_id: str, tally: SplitTally) -> None:
        threshold, min_part, window_s = tally.policy or (None, None, None)
        self.conn.execute(
            sa.update(risk_split_tally)
            .where(ST.org == org, ST.unit == unit, ST.budget_line_id == budget_line_id)
            .values(
                since=tally.since,
                total=tally.total,
                count=tally.count,
                oldest=tally.oldest,
                newest=tally.newest,
                policy_threshold=threshold,
                policy_min_part=min_part,
                policy_window_s=window_s,
            )
        )

    def parts_between(
        self, org: str, unit: str, line: str, policy: SplitPolicy, start: datetime, end: datetime | None
    ) -> tuple[Decimal, int, datetime | None, datetime | None]:
        """Sum, number, earliest and latest time of the parts submitted in [start, end) (end None: no end)."""
        where = [*_parts(org, unit, line, policy), SP.submitted_at >= start]
        if end is not None:
            where.append(SP.submitted_at < end)
        row = self.conn.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(SP.amount), 0),
                sa.func.count(),
                sa.func.min(SP.submitted_at),
                sa.func.max(SP.submitted_at),
            ).where(*where)
        ).one()
        return Decimal(row[0]), row[1], row[2], row[3]

    def parts_after(self, org: str, unit: str, line: str, policy: SplitPolicy, after: datetime) -> tuple[Decimal, int]:
        """Sum and number of the parts submitted strictly after `after`."""
        row = self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(SP.amount), 0), sa.func.count()).where(
                *_parts(org, unit, line, policy), SP.submitted_at > after
            )
        ).one()
        return Decimal(row[0]), row[1]

    def expire(
        self, org: str, unit: str, line: str, policy: SplitPolicy, since: datetime, start: datetime
    ) -> tuple[Decimal, int, datetime | None]:
        """The parts in [since, start), which leave the tally (sum, number), and the earliest part left."""
        gone = self.parts_between(org, unit, line, policy, since, start)
        oldest = self.conn.execute(
            sa.select(sa.func.min(SP.submitted_at)).where(*_parts(org, unit, line, policy), SP.submitted_at >= start)
        ).scalar()
        return gone[0], gone[1], oldest

    def latest_parts(
        self,
        org: str,
        unit: str,
        line: str,
        policy: SplitPolicy,
        start: datetime,
        until: datetime,
        besides: DocumentRef,
        limit: int,
    ) -> list[Spend]:
        """The latest parts in [start, until] other than `besides`, oldest first: the evidence of a warning."""
        rows = self.conn.execute(
            sa.select(risk_spend)
            .where(
                *_parts(org, unit, line, policy),
                SP.submitted_at >= start,
                SP.submitted_at <= until,
                sa.not_(sa.and_(SP.document_type == besides.type, SP.document_id == besides.id)),
            )
            .order_by(SP.submitted_at.desc(), SP.document_id.desc())
            .limit(limit)
        ).all()
        return [_spend(r) for r in reversed(rows)]

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


def _parts(org: str, unit: str, line: str, policy: SplitPolicy) -> list[Any]:
    return [
        SP.org == org,
        SP.unit == unit,
        SP.budget_line_id == line,
        SP.amount >= policy.min_part,
        SP.amount < policy.threshold,
    ]


def _spend(row: Any) -> Spend:
    return Spend(
        DocumentRef(row.document_type, row.document_id, row.document_no),
        row.unit,
        row.budget_line_id,
        row.amount,
        row.submitted_at,
        row.title,
    )


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
