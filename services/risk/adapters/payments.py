"""The payment rules' facts (domain/payments.py): one row per contract, acceptance, supplier, account, invoice
use and (supplier, amount, day) payment. Each event reads and writes a few rows by key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.documents import DocumentRef
from services.risk.adapters import prebuilt
from services.risk.adapters.orm import (
    risk_application_amount,
    risk_benford,
    risk_invoice_use,
    risk_method_counted,
    risk_method_year,
    risk_once,
    risk_pay_acceptance,
    risk_pay_contract,
    risk_payment_seen,
    risk_supplier,
    risk_supplier_account,
    risk_unit_month,
)
from services.risk.domain.payments import AccountChange, ContractTerms, EarlierPayment

MY, UM, BF = risk_method_year.c, risk_unit_month.c, risk_benford.c
PC, PA, SU, SA_, IU, PS, AA = (
    risk_pay_contract.c,
    risk_pay_acceptance.c,
    risk_supplier.c,
    risk_supplier_account.c,
    risk_invoice_use.c,
    risk_payment_seen.c,
    risk_application_amount.c,
)


# Every matter application's submission stores its amount: built once (adapters/prebuilt.py).
_PUT_APPLICATION = prebuilt.insert(
    risk_application_amount, "application_id", "org", "document_no", "amount"
).on_conflict_do_nothing()


# A payment request's rules each look at its contract (beyond it, before acceptance, before signing, payee,
# account, lapsed, overdue): the row is read once per transaction, by a statement built once.
_CONTRACT = sa.select(risk_pay_contract).where(PC.contract_id == sa.bindparam("contract_id"))
_CONTRACT_LOCKED = _CONTRACT.with_for_update()
# The other rows a payment request's rules read and write by key, each statement built once.
_ACCEPTANCES = sa.select(PA.milestone_no, PA.result, PA.accepted_on).where(
    PA.contract_id == sa.bindparam("contract_id")
)
_CREDIT_CODE = sa.select(SU.credit_code).where(*prebuilt.where(risk_supplier, "supplier_id"))
_ACCOUNT = sa.select(risk_supplier_account).where(*prebuilt.where(risk_supplier_account, "supplier_id", "account_no"))
_INVOICE_USE = sa.select(risk_invoice_use).where(
    *prebuilt.where(risk_invoice_use, "org", "supplier_key", "invoice_key", "amount")
)
# Use the invoice and read its first user in one statement: ours if the insert took, else the row in the way.
_USE_AND_READ_INVOICE = sa.text(
    "WITH used AS (INSERT INTO risk_invoice_use (org, supplier_key, invoice_key, amount, document_type,"
    ' document_id, document_no, "on") VALUES (:org, :supplier_key, :invoice_key, :amount, :document_type,'
    " :document_id, :document_no, :on) ON CONFLICT DO NOTHING"
    ' RETURNING document_type, document_id, document_no, amount, "on")'
    " SELECT * FROM used UNION ALL"
    ' SELECT document_type, document_id, document_no, amount, "on" FROM risk_invoice_use'
    " WHERE org = :org AND supplier_key = :supplier_key AND invoice_key = :invoice_key AND amount = :amount"
)
_SEEN = sa.select(risk_payment_seen).where(
    *prebuilt.where(risk_payment_seen, "org", "supplier_key", "amount"),
    PS.on >= sa.bindparam("first"),
    PS.on <= sa.bindparam("last"),
)
_SEE = prebuilt.insert(
    risk_payment_seen,
    "org",
    "supplier_key",
    "amount",
    "on",
    "document_id",
    "document_type",
    "document_no",
    "invoice_numbers",
).on_conflict_do_nothing()
_SEEN_AND_SEE = _SEEN.add_cte(_SEE.cte("see"))
_APPLICATION = sa.select(risk_application_amount).where(*prebuilt.where(risk_application_amount, "application_id"))
_ONCE = prebuilt.insert(risk_once, "purpose", "key").on_conflict_do_nothing().returning(risk_once.c.key)


class PaymentFacts:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._contracts: dict[str, ContractTerms | None] = {}  # as read in this transaction, until written
        self._acceptances: dict[str, dict[int, tuple[str, date]]] = {}  # likewise

    # ── contracts ──
    def put_contract(self, org: str, terms: ContractTerms) -> None:
        """Stored on drafting; a contract heard drafted again keeps what was heard since (signing, changes)."""
        self._contracts.pop(terms.contract_id, None)
        self.conn.execute(
            pg_insert(risk_pay_contract)
            .values(
                contract_id=terms.contract_id,
                org=org,
                document_no=terms.document.no,
                unit=terms.unit,
                supplier_id=terms.supplier_id,
                amount=terms.amount,
                original_amount=terms.original_amount,
                start_date=terms.start_date,
                end_date=terms.end_date,
                milestones={str(k): v for k, v in terms.milestones.items()},
            )
            .on_conflict_do_nothing()
        )

    def contract(self, contract_id: str | None, *, lock: bool = False) -> ContractTerms | None:
        """The contract's terms; read again only when locked for an update, or after this transaction wrote it."""
        if not contract_id:
            return None
        if not lock and contract_id in self._contracts:
            return self._contracts[contract_id]
        r = self.conn.execute(_CONTRACT_LOCKED if lock else _CONTRACT, {"contract_id": contract_id}).first()
        found = None if r is None else _terms(r)
        self._contracts[contract_id] = found
        return found

    def update_contract(self, contract_id: str, **values: Any) -> None:
        self._contracts.pop(contract_id, None)
        self.conn.execute(sa.update(risk_pay_contract).where(PC.contract_id == contract_id).values(**values))

    def amended(self, contract_id: str, amount: Decimal, end_date: date | None) -> None:
        values: dict[str, Any] = {"amount": amount, "amendments": PC.amendments + 1}
        if end_date is not None:
            values["end_date"] = end_date
        self.update_contract(contract_id, **values)

    def add_paid(self, contract_id: str, amount: Decimal) -> None:
        self.update_contract(contract_id, paid=PC.paid + amount)

    # ── acceptances ──
    def put_acceptance(self, contract_id: str, milestone_no: int, result: str, accepted_on: date) -> None:
        self._acceptances.pop(contract_id, None)
        values = {"result": result, "accepted_on": accepted_on}
        self.conn.execute(
            pg_insert(risk_pay_acceptance)
            .values(contract_id=contract_id, milestone_no=milestone_no, **values)
            .on_conflict_do_update(index_elements=[PA.contract_id, PA.milestone_no], set_=values)
        )

    def acceptance(self, contract_id: str | None, milestone_no: int) -> tuple[str, date] | None:
        """A milestone's latest acceptance (0: the contract has a passed one)."""
        if not contract_id:
            return None
        return self._acceptances_of(contract_id).get(milestone_no)

    def acceptances(self, contract_id: str) -> dict[int, tuple[str, date]]:
        """The latest acceptance of each milestone of one contract (a handful of rows)."""
        return {no: found for no, found in self._acceptances_of(contract_id).items() if no > 0}

    def _acceptances_of(self, contract_id: str) -> dict[int, tuple[str, date]]:
        """Every row of the contract, read once per transaction until written: a payment request's rules ask
        for its milestone's (before acceptance) and for all of them (overdue milestones)."""
        if contract_id not in self._acceptances:
            rows = self.conn.execute(_ACCEPTANCES, {"contract_id": contract_id}).all()
            self._acceptances[contract_id] = {r.milestone_no: (r.result, r.accepted_on) for r in rows}
        return self._acceptances[contract_id]

    # ── procurement methods per unit and year ──
    def count_method(self, org: str, document: DocumentRef, unit: str, year: int, method: str, amount: Decimal) -> None:
        """Adds a procurement application to its unit's year (all methods, and its own), once per document."""
        first = self.conn.execute(
            pg_insert(risk_method_counted)
            .values(document_type=document.type, document_id=document.id)
            .on_conflict_do_nothing()
            .returning(risk_method_counted.c.document_id)
        ).first()
        if first is None:
            return
        for key in ("", method):
            stmt = pg_insert(risk_method_year).values(org=org, unit=unit, year=year, method=key, total=amount, count=1)
            self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[MY.org, MY.unit, MY.year, MY.method],
                    set_={"total": MY.total + amount, "count": MY.count + 1},
                )
            )

    def method_year(self, org: str, unit: str, year: int, method: str) -> tuple[Decimal, int]:
        r = self.conn.execute(
            sa.select(MY.total, MY.count).where(MY.org == org, MY.unit == unit, MY.year == year, MY.method == method)
        ).first()
        return (Decimal(r.total), int(r.count)) if r is not None else (Decimal("0"), 0)

    # ── counted once; a paying unit's months and first digits (behaviour) ──
    def once(self, purpose: str, key: str) -> bool:
        """True the first time (purpose, key) is seen: what is added to a running sum is added once."""
        row = self.conn.execute(_ONCE, {"purpose": purpose, "key": key}).first()
        return row is not None

    def add_to_month(self, org: str, unit: str, year: int, month: int, amount: Decimal) -> dict[int, Decimal]:
        """Adds a payment to its month; the unit's months of the year after (twelve rows at most)."""
        stmt = pg_insert(risk_unit_month).values(org=org, unit=unit, year=year, month=month, total=amount, count=1)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[UM.org, UM.unit, UM.year, UM.month],
                set_={"total": UM.total + amount, "count": UM.count + 1},
            )
        )
        rows = self.conn.execute(
            sa.select(UM.month, UM.total).where(UM.org == org, UM.unit == unit, UM.year == year)
        ).all()
        return {r.month: Decimal(r.total) for r in rows}

    def add_digit(self, org: str, unit: str, year: int, digit: int) -> tuple[list[int], bool]:
        """Counts a payment's first digit for the unit-year; the nine counts after and whether warned already."""
        self.conn.execute(
            pg_insert(risk_benford).values(org=org, unit=unit, year=year, counts=[0] * 9).on_conflict_do_nothing()
        )
        key = (BF.org == org, BF.unit == unit, BF.year == year)
        row = self.conn.execute(sa.select(BF.counts, BF.warned).where(*key).with_for_update()).one()
        counts = list(row.counts)
        counts[digit - 1] += 1
        self.conn.execute(sa.update(risk_benford).where(*key).values(counts=counts))
        return counts, row.warned

    def benford_warned(self, org: str, unit: str, year: int) -> None:
        self.conn.execute(
            sa.update(risk_benford).where(BF.org == org, BF.unit == unit, BF.year == year).values(warned=True)
        )

    # ── suppliers and accounts ──
    def put_supplier(self, supplier_id: str, credit_code: str, name: str) -> None:
        values = {"credit_code": credit_code, "name": name}
        self.conn.execute(
            pg_insert(risk_supplier)
            .values(supplier_id=supplier_id, **values)
            .on_conflict_do_update(index_elements=[SU.supplier_id], set_=values)
        )

    def credit_code(self, supplier_id: str | None) -> str | None:
        if not supplier_id:
            return None
        return self.conn.execute(_CREDIT_CODE, {"supplier_id": supplier_id}).scalar()

    def put_account_change(self, change: AccountChange) -> None:
        values = {
            "changed_at": change.changed_at,
            "change": change.change,
            "changed_by": change.changed_by,
            "reason": change.reason,
        }
        self.conn.execute(
            pg_insert(risk_supplier_account)
            .values(supplier_id=change.supplier_id, account_no=change.account_no, **values)
            .on_conflict_do_update(
                index_elements=[SA_.supplier_id, SA_.account_no],
                set_=values,
                where=SA_.changed_at < change.changed_at,
            )
        )

    def account_change(self, supplier_id: str | None, account_no: str) -> AccountChange | None:
        if not supplier_id:
            return None
        r = self.conn.execute(_ACCOUNT, {"supplier_id": supplier_id, "account_no": account_no}).first()
        if r is None:
            return None
        return AccountChange(r.supplier_id, r.account_no, r.changed_at, r.change, r.changed_by, r.reason)

    # ── invoices and payments seen ──
    def use_invoice(
        self, org: str, supplier_key: str, invoice_key: str, amount: Decimal, document: DocumentRef, on: date
    ) -> EarlierPayment | None:
        """Record this payment as the invoice's first use; the earlier payment when there was one."""
        key = {"org": org, "supplier_key": supplier_key, "invoice_key": invoice_key, "amount": amount}
        document_values = {"document_type": document.type, "document_id": document.id, "document_no": document.no}
        r = self.conn.execute(_USE_AND_READ_INVOICE, {**key, **document_values, "on": on}).first()
        if r is None:  # another payment took it while we waited: its row is committed but not in our snapshot
            r = self.conn.execute(_INVOICE_USE, key).one()
        return EarlierPayment(DocumentRef(r.document_type, r.document_id, r.document_no), Decimal(r.amount), r.on, ())

    def see_payment(
        self,
        org: str,
        supplier_key: str,
        amount: Decimal,
        on: date,
        document: DocumentRef,
        numbers: list[str],
        first: date,
        last: date,
    ) -> list[EarlierPayment]:
        """Record this payment as seen, and answer those seen before it of the same supplier and amount between
        `first` and `last` (one statement: the read does not see the row it records)."""
        params = {
            "org": org,
            "supplier_key": supplier_key,
            "amount": amount,
            "on": on,
            "document_id": document.id,
            "document_type": document.type,
            "document_no": document.no,
            "invoice_numbers": numbers,
            "first": first,
            "last": last,
        }
        rows = self.conn.execute(_SEEN_AND_SEE, params).all()
        return [
            EarlierPayment(
                DocumentRef(r.document_type, r.document_id, r.document_no),
                Decimal(r.amount),
                r.on,
                tuple(r.invoice_numbers),
            )
            for r in rows
        ]

    # ── matter applications' amounts ──
    def put_application(self, org: str, document: DocumentRef, amount: Decimal) -> None:
        params = {"application_id": document.id, "org": org, "document_no": document.no, "amount": amount}
        self.conn.execute(_PUT_APPLICATION, params)

    def application(self, application_id: str | None) -> tuple[DocumentRef, Decimal] | None:
        if not application_id:
            return None
        r = self.conn.execute(_APPLICATION, {"application_id": application_id}).first()
        if r is None:
            return None
        return DocumentRef("matter_application", r.application_id, r.document_no), Decimal(r.amount)


def _terms(r: Any) -> ContractTerms:
    return ContractTerms(
        r.contract_id,
        DocumentRef("contract", r.contract_id, r.document_no),
        r.unit,
        r.supplier_id,
        Decimal(r.amount),
        Decimal(r.original_amount),
        r.signed_on,
        r.start_date,
        r.end_date,
        {int(k): v for k, v in (r.milestones or {}).items()},
        r.amendments,
        Decimal(r.paid),
        r.closed,
    )
