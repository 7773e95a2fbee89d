"""The chain rules' facts (domain/chain.py): one row per award, per contract, per (unit, year, supplier)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters.orm import risk_award, risk_award_tally, risk_contract
from services.risk.domain.chain import AwardFact

A, C, T = risk_award.c, risk_contract.c, risk_award_tally.c
UNIT_TOTAL = ""  # the supplier_id of a unit's own total row


# A contract's submission is judged by three rules on the same basis and award: each row is read once per
# transaction (by a statement built once), and read again after this transaction wrote it.
_AWARD = sa.select(risk_award).where(A.award_id == sa.bindparam("award_id"), A.org == sa.bindparam("org"))
_BASIS = sa.select(C.basis_type, C.award_id).where(
    C.document_type == sa.bindparam("document_type"), C.document_id == sa.bindparam("document_id")
)


class ChainRepository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._awards: dict[tuple[str, str], AwardFact | None] = {}
        self._bases: dict[tuple[str, str], tuple[str, str | None] | None] = {}

    def add_award(self, org: str, award: AwardFact) -> bool:
        """True when stored now (a redelivered award adds nothing, so it is not counted twice)."""
        doc = award.document
        self._awards.pop((org, award.award_id), None)
        row = self.conn.execute(
            pg_insert(risk_award)
            .values(
                award_id=award.award_id,
                org=org,
                document_type=doc.type,
                document_id=doc.id,
                document_no=doc.no,
                unit=award.unit,
                supplier_id=award.supplier_id,
                supplier_name=award.supplier_name,
                amount=award.amount,
                notice_date=award.notice_date,
            )
            .on_conflict_do_nothing()
            .returning(A.award_id)
        ).first()
        return row is not None

    def award(self, org: str, award_id: str | None) -> AwardFact | None:
        if not award_id:
            return None
        if (org, award_id) not in self._awards:
            r = self.conn.execute(_AWARD, {"award_id": award_id, "org": org}).first()
            self._awards[(org, award_id)] = None if r is None else _award(r)
        return self._awards[(org, award_id)]

    def add_contract(self, org: str, document: DocumentRef, basis_type: str, award_id: str | None) -> None:
        self._bases.pop((document.type, document.id), None)
        self.conn.execute(
            pg_insert(risk_contract)
            .values(
                document_type=document.type, document_id=document.id, org=org, basis_type=basis_type, award_id=award_id
            )
            .on_conflict_do_nothing()
        )

    def contract_basis(self, document: DocumentRef) -> tuple[str, str | None] | None:
        key = (document.type, document.id)
        if key not in self._bases:
            r = self.conn.execute(_BASIS, {"document_type": document.type, "document_id": document.id}).first()
            self._bases[key] = (r.basis_type, r.award_id) if r is not None else None
        return self._bases[key]

    def add_to_tally(self, org: str, unit: str, year: int, supplier_id: str, amount: Decimal) -> tuple[Decimal, int]:
        """Adds one award to a (unit, year, supplier) row (or the unit's total row); the row's sum and count after."""
        stmt = pg_insert(risk_award_tally).values(
            org=org, unit=unit, year=year, supplier_id=supplier_id, total=amount, count=1
        )
        r = self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[T.org, T.unit, T.year, T.supplier_id],
                set_={"total": risk_award_tally.c.total + amount, "count": risk_award_tally.c.count + 1},
            ).returning(T.total, T.count)
        ).one()
        return Decimal(r.total), int(r.count)


def parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _award(r) -> AwardFact:  # noqa: ANN001
    return AwardFact(
        r.award_id,
        DocumentRef(r.document_type, r.document_id, r.document_no),
        r.unit,
        r.supplier_id,
        r.supplier_name,
        Decimal(r.amount),
        r.notice_date,
    )
