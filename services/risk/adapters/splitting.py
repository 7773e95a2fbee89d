"""The split rules' facts (domain/splitting.py): parts per scope, day buckets per band, the strongest method
per need. A judgement reads a window's buckets (one row per day at most) and the evidence's few parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters.orm import risk_need_method, risk_split_band, risk_split_bucket, risk_split_part
from services.risk.domain.splitting import Bucket, NeedMethod, Part, SplitPolicy

P, B, N, M = risk_split_part.c, risk_split_bucket.c, risk_split_band.c, risk_need_method.c

# The judgement of a part runs for every spending document in each of its scopes: fixed statements, so no
# SQLAlchemy construct is built and compiled per scope (that cost more CPU than PostgreSQL spent on them).
_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))")
_ENTER = sa.text(
    "WITH locked AS (SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY"
    " AS u(k, i) ORDER BY i),"
    " stored AS (INSERT INTO risk_split_part (document_type, document_id, scope, document_no, org, unit, day, at,"
    " amount, title, budget_line_id)"
    " SELECT CAST(:document_type AS text), CAST(:document_id AS text), s.scope, CAST(:document_no AS text),"
    " CAST(:org AS text), CAST(:unit AS text), CAST(:day AS date), CAST(:at AS timestamptz),"
    " CAST(:amount AS numeric), CAST(:title AS text), CAST(:budget_line_id AS text)"
    " FROM unnest(CAST(:scopes AS text[])) AS s(scope) WHERE (SELECT count(*) FROM locked) >= 0"
    " ON CONFLICT DO NOTHING RETURNING scope)"
    " SELECT s.scope, s.scope IN (SELECT scope FROM stored) AS stored, EXISTS (SELECT 1 FROM risk_split_band b"
    " WHERE b.org = :org AND b.unit = :unit AND b.scope = s.scope AND b.band = s.band) AS banded"
    " FROM unnest(CAST(:scopes AS text[]), CAST(:bands AS text[])) AS s(scope, band)"
)


@cache
def _windows(adds: tuple[bool, ...]) -> sa.TextClause:
    """The statement reading the windows of so many scopes, adding the part to the day's bucket of those whose
    `add` is set (one text per shape: at most a few). A scope's window is its buckets as the snapshot has them,
    but the part's own day as its upsert left it (the snapshot does not see a data-modifying CTE's rows); its
    row of day NULL sums the parts of that day heard later."""
    ctes, selects = [], []
    for i, add in enumerate(adds):
        window = (
            f"SELECT {i} AS i, day, total, count FROM risk_split_bucket WHERE org = :org AND unit = :unit"
            f" AND scope = :scope{i} AND band = :band{i} AND day >= CAST(:first{i} AS date)"
            f" AND day <= CAST(:last{i} AS date)"
        )
        if add:
            ctes.append(
                f"added{i} AS (INSERT INTO risk_split_bucket (org, unit, scope, band, day, total, count)"
                f" VALUES (:org, :unit, :scope{i}, :band{i}, CAST(:day AS date), CAST(:amount AS numeric), 1)"
                " ON CONFLICT (org, unit, scope, band, day) DO UPDATE"
                " SET total = risk_split_bucket.total + EXCLUDED.total, count = risk_split_bucket.count + 1"
                " RETURNING day, total, count)"
            )
            selects.append(f"SELECT {i} AS i, day, total, count FROM added{i}")
            window += " AND day <> CAST(:day AS date)"
        selects.append(window)
        selects.append(
            f"SELECT {i} AS i, NULL::date AS day, coalesce(sum(amount), 0) AS total, count(*) AS count"
            f" FROM risk_split_part WHERE org = :org"
            f" AND unit = :unit AND scope = :scope{i} AND amount >= CAST(:low{i} AS numeric)"
            f" AND amount < CAST(:high{i} AS numeric) AND day = CAST(:day AS date) AND at > CAST(:at AS timestamptz)"
        )
    return sa.text(("WITH " + ", ".join(ctes) + " " if ctes else "") + " UNION ALL ".join(selects))


class SplitRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def lock(self, org: str, unit: str, scope: str) -> None:
        """One judge per (unit, scope) at a time: two parts heard at once each count the other."""
        self.conn.execute(_LOCK, {"k": _lock_key(org, unit, scope)})

    def enter(self, org: str, part: Part, scopes: Sequence[tuple[str, str]]) -> list[tuple[bool, bool]]:
        """Take the lock of each (unit, scope), in the scopes' order, and store the part in each, in one
        statement: per scope (stored now, the band's buckets known to exist). A document heard again adds
        nothing. "Known" is read before the locks were held: a band counted meanwhile by another judge reads as
        unknown, and `counted` then finds it (its insert sees committed rows)."""
        doc = part.document
        rows = self.conn.execute(
            _ENTER,
            {
                "keys": [_lock_key(org, part.unit, scope) for scope, _ in scopes],
                "scopes": [scope for scope, _ in scopes],
                "bands": [band for _, band in scopes],
                "document_type": doc.type,
                "document_id": doc.id,
                "document_no": doc.no,
                "org": org,
                "unit": part.unit,
                "day": part.day,
                "at": part.at,
                "amount": part.amount,
                "title": part.title,
                "budget_line_id": part.budget_line_id,
            },
        ).all()
        found = {r.scope: (bool(r.stored), bool(r.banded)) for r in rows}
        return [found[scope] for scope, _ in scopes]

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

    def windows(
        self, org: str, part: Part, scopes: Sequence[tuple[str, SplitPolicy, date, bool]]
    ) -> list[tuple[dict[date, Bucket], Bucket]]:
        """In one statement, for each (scope, policy, last day, add): the part added to its day's bucket (when
        `add`), the band's buckets from the part's window's first day to `last` (one row per day at most), and
        the counted parts of the part's own day submitted after it (none, unless it is heard late)."""
        params: dict[str, Any] = {"org": org, "unit": part.unit, "day": part.day, "at": part.at, "amount": part.amount}
        for i, (scope, policy, last, _) in enumerate(scopes):
            params.update(
                {
                    f"scope{i}": scope,
                    f"band{i}": policy.band,
                    f"first{i}": policy.first_day(part.day),
                    f"last{i}": last,
                    f"low{i}": policy.min_part,
                    f"high{i}": policy.threshold,
                }
            )
        rows = self.conn.execute(_windows(tuple(add for *_, add in scopes)), params).all()
        found: list[tuple[dict[date, Bucket], Bucket]] = [({}, Bucket()) for _ in scopes]
        for r in rows:
            buckets, later = found[r.i]
            if r.day is None:
                found[r.i] = (buckets, Bucket(Decimal(r.total), int(r.count)))
            else:
                buckets[r.day] = Bucket(Decimal(r.total), int(r.count))
        return found

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


def _lock_key(org: str, unit: str, scope: str) -> str:
    return f"risk_split:{org}:{unit}:{scope}"


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
