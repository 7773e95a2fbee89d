"""Reading and writing payment requests (付款申请)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.scope import Scope
from services.payment.adapters.orm import payment_request as t
from services.payment.adapters.orm import payment_request_no
from services.payment.domain.payment_request import (
    DOCUMENT_TYPE,
    ENDED,
    Basis,
    InvoiceFacts,
    Payee,
    PaymentRequest,
    Status,
)


def _invoice_json(inv: InvoiceFacts) -> dict[str, Any]:
    return {**inv.ref(), "issuer_credit_code": inv.issuer_credit_code}


def _load(row: Any) -> PaymentRequest:
    return PaymentRequest(
        id=str(row.id),
        no=row.no,
        org=row.org,
        unit=row.unit,
        requester=row.requester,
        title=row.title,
        amount=row.amount,
        budget_line_id=row.budget_line_id,
        basis=Basis(row.basis),
        basis_id=row.basis_id,
        basis_no=row.basis_no,
        payee=Payee(**row.payee),
        invoices=[
            InvoiceFacts(i["key"], i["number"], Decimal(i["amount"]), i["issuer_credit_code"]) for i in row.invoices
        ],
        contract_id=row.contract_id,
        milestone_no=row.milestone_no,
        supplier_id=row.supplier_id,
        status=Status(row.status),
        status_reason=row.status_reason,
        approvers=list(row.approvers),
        executed_on=row.executed_on,
        reference=row.reference,
        executor=row.executor,
        fiscal_year=row.fiscal_year,
        economic_class=row.economic_class,
        round=row.round,
    )


def _number(year: int, n: int) -> str:
    return f"FK-{year}-{n:06d}"


_ONE = sa.select(sa.literal(1).label("one")).subquery("one")
_GET_OR_NEXT_NO = sa.select(payment_request_no.next_value().label("next_no"), t).select_from(
    _ONE.outerjoin(t, t.c.id == sa.bindparam("id", type_=t.c.id.type))
)


# Built once: a statement built per call costs SQLAlchemy its construction and cache key on every submission.
_INSERT = sa.insert(t)


class PaymentRequestRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get_or_next_no(self, payment_id: str, year: int) -> tuple[PaymentRequest | None, str]:
        """The request if stored, and the next number (drawn either way: one statement on every submission,
        where two were; a number drawn and not used is a gap, as after any refusal by the gate)."""
        row = self.conn.execute(_GET_OR_NEXT_NO, {"id": payment_id}).one()
        return (_load(row) if row.id is not None else None), _number(year, row.next_no)

    def add(self, p: PaymentRequest, reservation: str) -> None:
        self.conn.execute(_INSERT, {"id": p.id, "no": p.no, "reservation": reservation, **self._values(p)})

    def save(self, p: PaymentRequest, **extra: Any) -> None:
        self.conn.execute(
            sa.update(t).where(t.c.id == p.id).values(**self._values(p), **extra, updated_at=sa.func.now())
        )

    @staticmethod
    def _values(p: PaymentRequest) -> dict[str, Any]:
        return {
            "org": p.org,
            "unit": p.unit,
            "requester": p.requester,
            "title": p.title,
            "amount": p.amount,
            "budget_line_id": p.budget_line_id,
            "basis": p.basis.value,
            "basis_id": p.basis_id,
            "basis_no": p.basis_no,
            "contract_id": p.contract_id,
            "milestone_no": p.milestone_no,
            "supplier_id": p.supplier_id,
            "payee": p.payee.as_dict(),
            "invoices": [_invoice_json(i) for i in p.invoices],
            "status": p.status.value,
            "status_reason": p.status_reason,
            "approvers": list(p.approvers),
            "executed_on": p.executed_on,
            "reference": p.reference,
            "executor": p.executor,
            "fiscal_year": p.fiscal_year,
            "economic_class": p.economic_class,
            "round": p.round,
        }

    def get(self, payment_id: str, *, for_update: bool = False) -> PaymentRequest | None:
        query = sa.select(t).where(t.c.id == payment_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return _load(row) if row else None

    def reservation(self, payment_id: str) -> str | None:
        return self.conn.execute(sa.select(t.c.reservation).where(t.c.id == payment_id)).scalar_one_or_none()

    def requested_on(self, basis: Basis, basis_id: str, exclude: str | None = None) -> Decimal:
        """What live payment requests (not rejected, returned or withdrawn) take of a basis."""
        cond = [t.c.basis == basis.value, t.c.basis_id == basis_id, t.c.status.not_in([s.value for s in ENDED])]
        if exclude:
            cond.append(t.c.id != exclude)
        total = self.conn.execute(sa.select(sa.func.coalesce(sa.func.sum(t.c.amount), 0)).where(*cond)).scalar_one()
        return Decimal(total)

    def releasing(self, limit: int = 50) -> list[dict[str, Any]]:
        """Ended requests whose contract reservation is still to be given back, claimed (skip locked)."""
        rows = self.conn.execute(
            sa.select(t.c.id, t.c.no, t.c.org, t.c.contract_id)
            .where(t.c.reservation == "releasing")
            .order_by(t.c.updated_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        return [r._asdict() for r in rows]

    def set_reservation(self, payment_id: str, state: str) -> None:
        self.conn.execute(sa.update(t).where(t.c.id == payment_id).values(reservation=state))

    def page(
        self, *, org: str, scope: Scope, status: str | None, contract_id: str | None, limit: int, offset: int
    ) -> tuple[int, list[PaymentRequest]]:
        readable = visible_clause(
            scope,
            unit=t.c.unit,
            initiator=t.c.requester,
            document_type=DOCUMENT_TYPE,
            document_id=sa.cast(t.c.id, sa.Text),
        )
        cond = [t.c.org == org, readable]
        if status:
            cond.append(t.c.status == status)
        if contract_id:
            cond.append(t.c.contract_id == contract_id)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(t).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(t).where(*cond).order_by(t.c.created_at.desc(), t.c.no.desc()).limit(limit).offset(offset)
        ).all()
        return total, [_load(r) for r in rows]
