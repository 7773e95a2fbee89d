"""The invoice registry (发票登记簿): an invoice used once, across expense claims and payment requests.

The database decides: `invoice_use`'s primary key is the normalised key, and a use is an
`INSERT ... ON CONFLICT DO NOTHING`. Two documents racing for one invoice: the second insert waits for the first
transaction; if it commits, the second finds the row and is refused `invoice_already_used` naming the first
document; if it rolls back, the second wins. Invoices are inserted in key order, so two documents sharing
several invoices never deadlock. Call `use` inside the transaction that stores the document: a refusal rolls
the whole document back (nothing half-written)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.payment.adapters.orm import invoice_release, invoice_use
from services.payment.domain.invoices import Invoice, InvoiceUse, already_used, distinct

t = invoice_use


def _use(row: Any) -> InvoiceUse:
    return InvoiceUse(row.key, row.document_type, row.document_id, row.document_no, row.unit)


# Built once (every payment request and claim uses its invoices): the columns from parameters of their names.
_USE_COLUMNS = (
    "key",
    "kind",
    "number",
    "code",
    "issued_on",
    "issuer_credit_code",
    "issuer_name",
    "amount",
    "tax",
    "document_type",
    "document_id",
    "document_no",
    "unit",
)
_USE = (
    pg_insert(t)
    .values({name: sa.bindparam(name, type_=t.c[name].type) for name in _USE_COLUMNS})
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(t.c.key)
)


class InvoiceRegistry:
    def __init__(self, conn: Connection):
        self.conn = conn

    def use(self, invoices: list[Invoice], document: dict[str, str], unit: str) -> None:
        """Record `document` as the user of each invoice, or refuse (409 `invoice_already_used`, naming the
        document that holds it). The same document using its own invoices again (a retry, a resubmission) is
        fine. The caller rolls back on a refusal."""
        for inv in sorted(distinct(list(invoices)), key=lambda i: i.key.value):
            for _ in range(3):  # a holder released between our insert and our look-up: try again
                inserted = self.conn.execute(
                    _USE,
                    {
                        "key": inv.key.value,
                        "kind": inv.key.kind,
                        "number": inv.key.number,
                        "code": inv.key.code,
                        "issued_on": inv.issued_on,
                        "issuer_credit_code": inv.issuer_credit_code,
                        "issuer_name": inv.issuer_name,
                        "amount": inv.amount,
                        "tax": inv.tax,
                        "document_type": document["type"],
                        "document_id": str(document["id"]),
                        "document_no": document["no"],
                        "unit": unit,
                    },
                ).first()
                if inserted is not None:
                    break
                holder = self.holder(inv.key.value)
                if holder is None:
                    continue
                if holder.held_by(document):
                    break
                raise already_used(inv.key, holder)

    def replace(self, invoices: list[Invoice], document: dict[str, str], unit: str, reason: str) -> None:
        """A resubmitted document's invoices as corrected: those it no longer lists are given back (kept in
        `invoice_release` with `reason`), the ones it lists are used (its own again: fine; another document's:
        refused as in `use`)."""
        self.release(document, reason, keep={i.key.value for i in invoices})
        self.use(invoices, document, unit)

    def keys_of(self, document: dict[str, str]) -> set[str]:
        rows = self.conn.execute(
            sa.select(t.c.key).where(t.c.document_type == document["type"], t.c.document_id == str(document["id"]))
        ).all()
        return {r.key for r in rows}

    def holders(self, keys: Iterable[str]) -> list[InvoiceUse]:
        """Who holds any of `keys` now (one statement; a dry run's look, nothing claimed)."""
        rows = self.conn.execute(sa.select(t).where(t.c.key.in_(sorted(set(keys))))).all()
        return [_use(r) for r in rows]

    def holder(self, key: str) -> InvoiceUse | None:
        row = self.conn.execute(sa.select(t).where(t.c.key == key)).first()
        return _use(row) if row else None

    def of_document(self, document: dict[str, str]) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            sa.select(t)
            .where(t.c.document_type == document["type"], t.c.document_id == str(document["id"]))
            .order_by(t.c.key)
        ).all()
        return [
            {
                "key": r.key,
                "kind": r.kind,
                "number": r.number,
                "code": r.code,
                "issued_on": r.issued_on.isoformat(),
                "issuer_credit_code": r.issuer_credit_code,
                "issuer_name": r.issuer_name,
                "amount": f"{r.amount:.2f}",
                "tax": f"{r.tax:.2f}",
            }
            for r in rows
        ]

    def release(self, document: dict[str, str], reason: str, keep: Iterable[str] = ()) -> list[str]:
        """Give back every invoice `document` holds (it was cancelled or rejected), but those in `keep`: they
        may be used again. The past use is kept in `invoice_release`. Returns the keys released (none when
        heard before)."""
        rows = self.conn.execute(
            sa.delete(t)
            .where(
                t.c.document_type == document["type"],
                t.c.document_id == str(document["id"]),
                t.c.key.not_in(sorted(keep)),
            )
            .returning(t.c.key, t.c.document_type, t.c.document_id, t.c.document_no, t.c.used_at)
        ).all()
        if rows:
            self.conn.execute(
                sa.insert(invoice_release),
                [
                    {
                        "key": r.key,
                        "document_type": r.document_type,
                        "document_id": r.document_id,
                        "document_no": r.document_no,
                        "used_at": r.used_at,
                        "reason": reason,
                    }
                    for r in rows
                ],
            )
        return sorted(r.key for r in rows)
