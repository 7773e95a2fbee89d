"""The split rules' facts (domain/splitting.py): parts per scope, day buckets per band, the strongest method
per need. A judgement reads a window's buckets (one row per day at most) and the evidence's few parts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters.orm import risk_need_method, risk_split_band, risk_split_bucket, risk_split_part
from services.risk.domain.splitting import Bucket, NeedMethod, Part, SplitPolicy

P, B, N, M = risk_split_part.c, risk_split_bucket.c, risk_split_band.c, risk_need_method.c


class SplitRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def lock(self, org: str, unit: str, scope: str) -> None:
        """One judge per (unit, scope) at a time: two parts heard at once each count the other."""
        self.conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"risk_split:{org}:{unit}:{scope}"}
        )

    def add_part(self, org: str, scope: str, part: Part) -> bool:
        """True when stored now (a document heard again adds nothing)."""
        doc = part.document
        row = self.conn.execute(
            pg_insert(risk_split_part)
            .values(
                document_type=doc.type,
                document_id=doc.id,
                scope=scope,
                document_no=doc.no,
                org=org,
                unit=part.unit,
                day=part.day,
                at=part.at,
                amount=part.amount,
                title=part.title,
                budget_line_id=part.budget_line_id,
            )
            .on_conflict_do_nothing()
            .returning(P.document_id)
        ).first()
        return row is not None

    def counted(self, org: str, unit: str, scope: str, policy: SplitPolicy) -> bool:
        """Make sure the band's buckets exist: False when they were counted just now from the stored parts
        (once per band: a part stored before is in them), True when they existed."""
        row = self.conn.execute(
            pg_insert(risk_split_band)
            .values(org=org, unit=unit, scope=scope, band=policy.band, low=policy.min_part, high=policy.threshold)
            .on_conflict_do_nothing()
            .returning(N.band)
        ).first()
        if row is None:
            return True
        counted = (
            sa.select(P.org, P.unit, P.scope, sa.literal(policy.band), P.day, sa.func.sum(P.amount), sa.func.count())
            .where(
                P.org == org,
                P.unit == unit,
                P.scope == scope,
                P.amount >= policy.min_part,
                P.amount < policy.threshold,
            )
            .group_by(P.org, P.unit, P.scope, P.day)
        )
        self.conn.execute(
            risk_split_bucket.insert().from_select(["org", "unit", "scope", "band", "day", "total", "count"], counted)
        )
        return False

    def add_to_bucket(self, org: str, unit: str, scope: str, band: str, day: date, amount: Decimal) -> None:
        stmt = pg_insert(risk_split_bucket).values(
            org=org, unit=unit, scope=scope, band=band, day=day, total=amount, count=1
        )
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[B.org, B.unit, B.scope, B.band, B.day],
                set_={"total": B.total + amount, "count": B.count + 1},
            )
        )

    def buckets(self, org: str, unit: str, scope: str, band: str, first: date, last: date) -> dict[date, Bucket]:
        rows = self.conn.execute(
            sa.select(B.day, B.total, B.count).where(
                B.org == org, B.unit == unit, B.scope == scope, B.band == band, B.day >= first, B.day <= last
            )
        ).all()
        return {r.day: Bucket(Decimal(r.total), int(r.count)) for r in rows}

    def latest_parts(
        self, org: str, unit: str, scope: str, policy: SplitPolicy, first: date, part: Part, limit: int
    ) -> list[Part]:
        """The latest counted parts from the day `first` up to the part's own time, other than the part itself,
        oldest first (the evidence)."""
        besides = part.document
        rows = self.conn.execute(
            sa.select(risk_split_part)
            .where(
                *_counted(org, unit, scope, policy),
                P.day >= first,
                P.day <= part.day,
                P.at <= part.at,
                sa.not_(sa.and_(P.document_type == besides.type, P.document_id == besides.id)),
            )
            .order_by(P.day.desc(), P.at.desc(), P.document_id.desc())
            .limit(limit)
        ).all()
        return [_part(r) for r in reversed(rows)]

    def after_on_day(self, org: str, unit: str, scope: str, policy: SplitPolicy, part: Part) -> Bucket:
        """The counted parts of the part's own day submitted after it (none, unless it is heard late)."""
        r = self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(P.amount), 0), sa.func.count()).where(
                *_counted(org, unit, scope, policy), P.day == part.day, P.at > part.at
            )
        ).one()
        return Bucket(Decimal(r[0]), int(r[1]))

    def latest_on(self, org: str, unit: str, scope: str, policy: SplitPolicy, day: date) -> Part | None:
        row = self.conn.execute(
            sa.select(risk_split_part)
            .where(*_counted(org, unit, scope, policy), P.day == day)
            .order_by(P.at.desc(), P.document_id.desc())
            .limit(1)
        ).first()
        return _part(row) if row is not None else None

    def drop(self, document_type: str, document_id: str) -> int:
        """A withdrawn document leaves every scope it counted in, and every band's bucket that counted it."""
        rows = self.conn.execute(
            sa.delete(risk_split_part)
            .where(P.document_type == document_type, P.document_id == document_id)
            .returning(P.org, P.unit, P.scope, P.day, P.amount)
        ).all()
        for r in rows:
            self.lock(r.org, r.unit, r.scope)
            bands = sa.select(N.band).where(
                N.org == r.org, N.unit == r.unit, N.scope == r.scope, N.low <= r.amount, N.high > r.amount
            )
            self.conn.execute(
                sa.update(risk_split_bucket)
                .where(B.org == r.org, B.unit == r.unit, B.scope == r.scope, B.day == r.day, B.band.in_(bands))
                .values(total=B.total - r.amount, count=B.count - 1)
            )
        return len(rows)

    # ── method downgrade ──
    def strongest(self, org: str, need: str) -> NeedMethod | None:
        r = self.conn.execute(sa.select(risk_need_method).where(M.org == org, M.need == need)).first()
        if r is None:
            return None
        return NeedMethod(r.need, r.method, DocumentRef(r.document_type, r.document_id, r.document_no))

    def keep_strongest(self, org: str, seen: NeedMethod) -> None:
        values = dict(
            method=seen.method,
            document_type=seen.document.type,
            document_id=seen.document.id,
            document_no=seen.document.no,
        )
        self.conn.execute(
            pg_insert(risk_need_method)
            .values(org=org, need=seen.need, **values)
            .on_conflict_do_update(index_elements=[M.org, M.need], set_=values)
        )


def _counted(org: str, unit: str, scope: str, policy: SplitPolicy) -> list[Any]:
    return [
        P.org == org,
        P.unit == unit,
        P.scope == scope,
        P.amount >= policy.min_part,
        P.amount < policy.threshold,
    ]


def _part(row: Any) -> Part:
    return Part(
        DocumentRef(row.document_type, row.document_id, row.document_no),
        row.unit,
        Decimal(row.amount),
        row.at,
        row.title,
        row.budget_line_id,
    )
