"""Reading and writing awards heard, contracts and their amendments, as the domain's objects."""

from __future__ import annotations

import functools
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.documents import DocumentRef
from ic_platform.scope import Scope
from services.contract.adapters.execution_sql import refresh
from services.contract.adapters.orm import (
    AMENDMENT_USES_AWARD,
    BASIS_INDEXES,
    HOLDS_BASIS,
    amendment_no,
    award_fact,
    contract_milestone,
    contract_no,
    contract_progress,
)
from services.contract.adapters.orm import contract as t
from services.contract.adapters.orm import contract_acceptance as acc
from services.contract.adapters.orm import contract_amendment as a
from services.contract.adapters.orm import contract_payment as pay
from services.contract.domain.acceptance import AcceptanceRecord
from services.contract.domain.amendments import Amendment, AmendmentStatus
from services.contract.domain.contract import (
    DOCUMENT_TYPE,
    ApplicationFacts,
    AwardFacts,
    BasisHolder,
    Contract,
    Status,
    SupplierFacts,
    check_basis_free,
)
from services.contract.domain.execution import Acceptance, AcceptanceResult, LedgerFacts, Progress
from services.contract.domain.progress import ProgressCertificate
from services.contract.domain.terms import Condition, Milestone

cover = award_fact.alias("cover")  # a new procurement's award covering an amendment's increase (via_procurement)


def milestones_to_json(milestones: tuple[Milestone, ...]) -> list[dict[str, Any]]:
    return [
        {
            "no": m.no,
            "name": m.name,
            "condition": m.condition.value,
            "amount": str(m.amount) if m.amount is not None else None,
            "share": str(m.share) if m.share is not None else None,
            "progress": str(m.progress) if m.progress is not None else None,
            "planned_date": m.planned_date.isoformat() if m.planned_date else None,
            "payment_days": m.payment_days,
        }
        for m in milestones
    ]


def milestones_from_json(rows: list[dict[str, Any]]) -> tuple[Milestone, ...]:
    def dec(v: str | None) -> Decimal | None:
        return Decimal(v) if v is not None else None

    return tuple(
        Milestone(
            no=r["no"],
            name=r["name"],
            condition=Condition(r["condition"]),
            amount=dec(r["amount"]),
            share=dec(r["share"]),
            progress=dec(r["progress"]),
            planned_date=date.fromisoformat(r["planned_date"]) if r["planned_date"] else None,
            payment_days=r["payment_days"],
        )
        for r in rows
    )


def _award(row: Any) -> AwardFacts:
    return AwardFacts(
        award_id=str(row.award_id),
        application=DocumentRef(**row.application),
        unit=row.unit,
        supplier_id=row.supplier_id,
        amount=row.amount,
        notice_date=row.notice_date,
        method=row.method,
        category=row.category,
        budget_line_id=row.budget_line_id,
        pre_commitment_holder=DocumentRef(**row.pre_commitment_holder),
    )


class AwardRepository:
    """The awards heard from procurement (`procurement.award_decided`), with the supplier's name and code."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, org: str, p: dict[str, Any]) -> bool:
        """Store an award once; a redelivered event changes nothing."""
        row = self.conn.execute(
            pg_insert(award_fact)
            .values(
                award_id=p["award_id"],
                org=org,
                unit=p["unit"],
                application=p["document"],
                supplier_id=p["supplier_id"],
                supplier_name=p["supplier_name"],
                credit_code=p["credit_code"],
                amount=Decimal(p["amount"]),
                notice_date=date.fromisoformat(p["notice_date"]),
                method=p["method"],
                category=p["category"],
                budget_line_id=p["budget_line_id"],
                pre_commitment_holder=p["pre_commitment_holder"],
            )
            .on_conflict_do_nothing(index_elements=["award_id"])
            .returning(award_fact.c.award_id)
        ).first()
        return row is not None

    def get(self, org: str, award_id: str) -> tuple[AwardFacts, str, str] | None:
        """The award, its supplier's name and credit code; None if never heard (or another org's)."""
        row = self.conn.execute(
            sa.select(award_fact).where(award_fact.c.award_id == award_id, award_fact.c.org == org)
        ).first()
        return (_award(row), row.supplier_name, row.credit_code) if row else None


class _Prefixed:
    """A row's columns under a prefix (the award joined to its contract), read as the award's own row."""

    def __init__(self, row: Any, prefix: str):
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def application_to_json(b: ApplicationFacts) -> dict[str, Any]:
    return {
        "document": b.document.as_dict(),
        "status": b.status,
        "unit": b.unit,
        "amount": str(b.amount),
        "budget_line_id": b.budget_line_id,
        "category": b.category,
    }


def application_from_json(d: dict[str, Any]) -> ApplicationFacts:
    return ApplicationFacts(
        DocumentRef(**d["document"]), d["status"], d["unit"], Decimal(d["amount"]), d["budget_line_id"], d["category"]
    )


def _amendment(row: Any) -> Amendment:
    return Amendment(
        id=str(row.id),
        no=row.no,
        contract_id=str(row.contract_id),
        reason=row.reason,
        requested_on=row.requested_on,
        previous_amount=row.previous_amount,
        amount=row.amount,
        end_date=row.end_date,
        scope=row.scope,
        milestones=milestones_from_json(row.milestones),
        via_procurement=row.via_procurement,
        status=AmendmentStatus(row.status),
        decided_on=row.decided_on,
    )


# A contract with its award's columns (award_*) and whether it has amendments: built once, not per read.
_CONTRACT_WITH_AWARD = sa.select(
    t,
    *(c.label(f"award_{c.name}") for c in award_fact.c if c.name not in ("org", "heard_at")),
    sa.exists().where(a.c.contract_id == t.c.id).label("has_amendments"),
).select_from(t.outerjoin(award_fact, sa.and_(award_fact.c.award_id == t.c.award_id, award_fact.c.org == t.c.org)))
_GET_CONTRACT = _CONTRACT_WITH_AWARD.where(t.c.id == sa.bindparam("contract_id"))
_GET_CONTRACT_LOCKED = _GET_CONTRACT.with_for_update(of=t)


@functools.cache
def _update_contract(columns: tuple[str, ...]) -> sa.Update:
    """The contract row's `columns` rewritten (bound as `v_<column>`: a parameter may not share its column's
    name), built once per set of columns: every change of a contract rewrites the row, and building a Core
    statement of its ~30 columns per call cost more CPU than sending it."""
    return (
        sa.update(t)
        .where(t.c.id == sa.bindparam("contract_id"))
        .values({**{k: sa.bindparam(f"v_{k}", type_=t.c[k].type) for k in columns}, "updated_at": sa.func.now()})
    )


class ContractRepository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.awards = AwardRepository(conn)

    def next_no(self, year: int) -> str:
        return f"HT-{year}-{self.conn.execute(contract_no.next_value()).scalar_one():06d}"

    def next_amendment_no(self, year: int) -> str:
        return f"BG-{year}-{self.conn.execute(amendment_no.next_value()).scalar_one():06d}"

    def add(self, c: Contract) -> None:
        self._claiming_basis(c, sa.insert(t).values(id=c.id, no=c.no, **self._values(c)))
        self._write_milestones(c)

    def save(
        self, c: Contract, *, claims_basis: bool = False, terms: bool = True, flags: list[dict] | None = None
    ) -> None:
        """`claims_basis`: the contract takes its basis again (a withdrawn one submitted anew), so the one
        contract per basis index may refuse it. `terms=False`: the milestones are as stored (signing changes
        none), only the contract row and its running figures are written. `flags`: stored with the row."""
        values = {**self._values(c), **({"flags": flags} if flags is not None else {})}
        stmt = _update_contract(tuple(values))
        params = {"contract_id": c.id, **{f"v_{k}": v for k, v in values.items()}}
        if claims_basis:
            self._claiming_basis(c, stmt, params)
        else:
            self.conn.execute(stmt, params)
        if terms:
            self._write_milestones(c)
        else:
            refresh(self.conn, [c.id])

    def _claiming_basis(self, c: Contract, stmt: Any, params: dict[str, Any] | None = None) -> None:
        """Write a contract that holds its basis. Another contract that took the basis in a transaction that
        committed meanwhile (two registrations racing past the domain's check) trips the partial unique index:
        the write is undone to its savepoint and refused as the domain refuses it, naming that contract."""
        try:
            with self.conn.begin_nested():
                self.conn.execute(stmt, params)
        except sa.exc.IntegrityError as error:
            if getattr(getattr(error.orig, "diag", None), "constraint_name", None) not in BASIS_INDEXES:
                raise
            check_basis_free(c.basis, self.holding_basis(c.basis, exclude=c.id))
            raise  # the holder is gone again meanwhile: let the violation surface (a retry will pass)

    def holding_basis(self, basis: AwardFacts | ApplicationFacts, exclude: str | None = None) -> BasisHolder | None:
        """What already uses `basis` (but the contract `exclude` standing on it): a live contract on it; for an
        award, a live amendment it covers, or a direct contract on the matter application funding it; for a
        matter application, a live contract on the award of a procurement it funds. Claims of the same money
        wait for each other until commit (an advisory lock per basis, the funding matter application's too), so
        the answer holds until the caller's write commits: the unique indexes alone cannot see across an
        amendment and a contract, or across the two roads of one matter application."""
        kind, basis_id = basis.key
        keys = {f"{kind}:{basis_id}"}
        funder = basis.pre_commitment_holder if isinstance(basis, AwardFacts) else None
        if funder is not None and funder.type == "matter_application":
            keys.add(f"matter_application:{funder.id}")
        for key in sorted(keys):  # one order everywhere: no deadlock between two claims
            self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"contract-basis:{key}"})
        if kind == "award":
            return (
                self._contract_on(t.c.award_id == basis_id, exclude, "basis")
                or self._amendment_covered_by(basis_id)
                or (
                    self._contract_on(t.c.application_id == funder.id, exclude, "direct")
                    if funder is not None and funder.type == "matter_application"
                    else None
                )
            )
        funded = sa.select(award_fact.c.award_id).where(
            award_fact.c.pre_commitment_holder["type"].astext == "matter_application",
            award_fact.c.pre_commitment_holder["id"].astext == basis_id,
        )
        return self._contract_on(t.c.application_id == basis_id, exclude, "basis") or self._contract_on(
            t.c.award_id.in_(funded), exclude, "procurement"
        )

    def direct_contract(self, matter_application_id: str) -> BasisHolder | None:
        """The live contract standing directly on a matter application (a read: nothing claimed)."""
        return self._contract_on(t.c.application_id == matter_application_id, None, "basis")

    def _contract_on(self, clause: Any, exclude: str | None, how: str) -> BasisHolder | None:
        cond = [clause, sa.text(HOLDS_BASIS)]
        if exclude:
            cond.append(t.c.id != exclude)
        row = self.conn.execute(sa.select(t.c.id, t.c.no, t.c.status).where(*cond).limit(1)).first()
        return BasisHolder(str(row.id), row.no, Status(row.status), how) if row else None

    def _amendment_covered_by(self, award_id: str) -> BasisHolder | None:
        row = self.conn.execute(
            sa.select(t.c.id, t.c.no, t.c.status, a.c.no.label("amendment_no"))
            .join(t, t.c.id == a.c.contract_id)
            .where(a.c.via_procurement == award_id, a.c.status.in_(AMENDMENT_USES_AWARD))
            .limit(1)
        ).first()
        return BasisHolder(str(row.id), row.no, Status(row.status), "amendment", row.amendment_no) if row else None

    def _write_milestones(self, c: Contract) -> None:
        """The terms in force as rows; a milestone's `met_on` (fed by acceptances) survives a restatement, and an
        on_progress one's is recomputed from the certificates (a restated percentage is met as they say)."""
        m = contract_milestone
        rows = [
            {
                "contract_id": c.id,
                "no": x.no,
                "name": x.name,
                "condition": x.condition.value,
                "amount": x.amount,
                "planned_date": x.planned_date,
                "payment_days": x.payment_days,
            }
            for x in c.milestones
        ]
        stmt = pg_insert(m).values(rows)
        self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[m.c.contract_id, m.c.no],
                set_={k: stmt.excluded[k] for k in ("name", "condition", "amount", "planned_date", "payment_days")},
            )
        )
        self.conn.execute(sa.delete(m).where(m.c.contract_id == c.id, m.c.no > len(rows)))
        ProgressRepository(self.conn).mark_met(c)

    @staticmethod
    def _values(c: Contract) -> dict[str, Any]:
        award = c.award
        return {
            "org": c.org,
            "unit": c.unit,
            "title": c.title,
            "scope": c.scope,
            "award_id": award.award_id if award else None,
            "basis": None if award else application_to_json(c.basis),
            "application_id": None if award else c.basis.document.id,
            "supplier_id": c.supplier.id,
            "supplier_name": c.supplier.name,
            "credit_code": c.supplier.credit_code,
            "supplier_registrar": c.supplier.registrar,
            "original_amount": c.original_amount,
            "amount": c.amount,
            "settlement_amount": c.settlement_amount,
            "cumulative_increase": c.cumulative_increase,
            "increase_via_procurement": c.increase_via_procurement,
            "start_date": c.start_date,
            "end_date": c.end_date,
            "warranty_end": c.warranty_end,
            "milestones": milestones_to_json(c.milestones),
            "drafter": c.drafter,
            "purchaser": c.purchaser,
            "status": c.status.value,
            "status_reason": c.status_reason,
            "round": c.round,
            "signed_on": c.signed_on,
        }

    def get(self, contract_id: str, *, for_update: bool = False) -> Contract | None:
        """The contract with its award and, if it has any, its amendments: one statement for most contracts
        (signing reads a contract twice; three statements each cost more than the rest of its own work)."""
        query = _GET_CONTRACT_LOCKED if for_update else _GET_CONTRACT
        row = self.conn.execute(query, {"contract_id": contract_id}).first()
        return self._load(row) if row else None

    @staticmethod
    def _select() -> sa.Select:
        return _CONTRACT_WITH_AWARD

    def _load(self, row: Any) -> Contract:
        if row.award_id is None:
            basis = application_from_json(row.basis)
        elif row.award_award_id is not None:
            basis = _award(_Prefixed(row, "award_"))
        else:
            raise LookupError(f"award {row.award_id} of contract {row.no} not found")
        amendments = (
            self.conn.execute(sa.select(a).where(a.c.contract_id == row.id).order_by(a.c.created_at, a.c.no)).all()
            if row.has_amendments
            else []
        )
        return Contract(
            id=str(row.id),
            no=row.no,
            org=row.org,
            unit=row.unit,
            title=row.title,
            basis=basis,
            supplier=SupplierFacts(row.supplier_id, row.supplier_name, row.credit_code, row.supplier_registrar),
            original_amount=row.original_amount,
            start_date=row.start_date,
            end_date=row.end_date,
            milestones=milestones_from_json(row.milestones),
            drafter=row.drafter,
            purchaser=row.purchaser,
            warranty_end=row.warranty_end,
            scope=row.scope,
            status=Status(row.status),
            status_reason=row.status_reason,
            round=row.round,
            signed_on=row.signed_on,
            amount=row.amount,
            settlement_amount=row.settlement_amount,
            cumulative_increase=row.cumulative_increase,
            increase_via_procurement=row.increase_via_procurement,
            amendments=[_amendment(r) for r in amendments],
        )

    def flags(self, contract_id: str) -> list[dict[str, Any]]:
        return self.conn.execute(sa.select(t.c.flags).where(t.c.id == contract_id)).scalar_one()

    def contract_of_amendment(self, amendment_id: str) -> str | None:
        row = self.conn.execute(sa.select(a.c.contract_id).where(a.c.id == amendment_id)).first()
        return str(row.contract_id) if row else None

    # ── amendments ──
    def add_amendment(self, am: Amendment, proposer: str) -> None:
        self.conn.execute(
            sa.insert(a).values(
                id=am.id,
                no=am.no,
                contract_id=am.contract_id,
                proposer=proposer,
                reason=am.reason,
                requested_on=am.requested_on,
                previous_amount=am.previous_amount,
                amount=am.amount,
                end_date=am.end_date,
                scope=am.scope,
                milestones=milestones_to_json(am.milestones),
                via_procurement=am.via_procurement,
                status=am.status.value,
            )
        )

    def save_amendment_decision(self, am: Amendment) -> None:
        owes_budget = am.status is AmendmentStatus.APPROVED and am.delta != 0
        self.conn.execute(
            sa.update(a)
            .where(a.c.id == am.id)
            .values(status=am.status.value, decided_on=am.decided_on, budget_state="pending" if owes_budget else "none")
        )

    def amendments_owing_budget(self, limit: int = 50, only: str | None = None) -> list[dict[str, Any]]:
        """Approved amendments whose budget move is not done yet, claimed (rows another replica holds skipped)."""
        cond = [a.c.budget_state == "pending"] + ([a.c.id == only] if only else [])
        rows = self.conn.execute(
            sa.select(
                a,
                t.c.org,
                t.c.unit,
                t.c.no.label("contract_no"),
                sa.func.coalesce(award_fact.c.budget_line_id, t.c.basis["budget_line_id"].astext).label(
                    "budget_line_id"
                ),
                cover.c.pre_commitment_holder.label("cover_holder"),  # the new procurement's, if one covers it
            )
            .join(t, t.c.id == a.c.contract_id)
            .outerjoin(award_fact, award_fact.c.award_id == t.c.award_id)
            .outerjoin(cover, sa.cast(cover.c.award_id, sa.Text) == a.c.via_procurement)
            .where(*cond)
            .order_by(a.c.created_at)
            .limit(limit)
            .with_for_update(of=a, skip_locked=True)
        ).all()
        return [r._asdict() for r in rows]

    def set_budget_state(self, amendment_id: str, state: str, error: str | None = None) -> None:
        self.conn.execute(sa.update(a).where(a.c.id == amendment_id).values(budget_state=state, budget_error=error))

    def amendment_rows(self, contract_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            sa.select(a).where(a.c.contract_id == contract_id).order_by(a.c.created_at, a.c.no)
        ).all()
        return [r._asdict() for r in rows]

    def page(
        self, *, org: str, scope: Scope, status: str | None, supplier_id: str | None, limit: int, offset: int
    ) -> tuple[int, list[Contract]]:
        readable = visible_clause(
            scope,
            unit=t.c.unit,
            initiator=t.c.drafter,
            document_type=DOCUMENT_TYPE,
            document_id=sa.cast(t.c.id, sa.Text),
        )
        cond = [t.c.org == org, readable]
        if status:
            cond.append(t.c.status == status)
        if supplier_id:
            cond.append(t.c.supplier_id == supplier_id)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(t).where(*cond)).scalar_one()
        rows = self.conn.execute(
            self._select().where(*cond).order_by(t.c.created_at.desc(), t.c.no.desc()).limit(limit).offset(offset)
        ).all()
        return total, [self._load(r) for r in rows]


# Money and percentages travel as text inside the JSON (never a float), dates as ISO text. The orders are those
# of `held`, `of` and ProgressRepository.of.
_LEDGER = sa.text(
    """
    SELECT
      (SELECT coalesce(jsonb_agg(jsonb_build_object('milestone_no', h.milestone_no, 'amount', h.amount::text)), '[]')
         FROM (SELECT milestone_no, sum(amount) AS amount FROM contract_payment
                WHERE contract_id = CAST(:contract_id AS uuid) AND status <> 'released'
                  AND (CAST(:exclude AS uuid) IS NULL OR payment_id <> CAST(:exclude AS uuid))
                GROUP BY milestone_no) h) AS held,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('milestone_no', a.milestone_no, 'result', a.result,
                                                    'accepted_on', a.accepted_on)
                                 ORDER BY a.accepted_on, a.created_at), '[]')
         FROM contract_acceptance a
        WHERE a.contract_id = CAST(:contract_id AS uuid) AND a.milestone_no IS NOT NULL) AS acceptances,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('percent', p.percent::text, 'certified_on', p.certified_on)
                                 ORDER BY p.certified_on, p.percent), '[]')
         FROM contract_progress p WHERE p.contract_id = CAST(:contract_id AS uuid)) AS progress,
      (SELECT jsonb_build_object('payment_id', m.payment_id, 'payment_no', m.payment_no, 'contract_id', m.contract_id,
                                 'milestone_no', m.milestone_no, 'amount', m.amount::text, 'status', m.status,
                                 'reserved_on', m.reserved_on, 'paid_on', m.paid_on, 'reference', m.reference,
                                 'created_at', m.created_at)
         FROM contract_payment m WHERE m.payment_id = CAST(:mine AS uuid)) AS mine
    """
)


def _ledger_row(m: dict[str, Any]) -> dict[str, Any]:
    """The ledger row as `payment` reads it (its types back from the JSON)."""
    return {
        **m,
        "payment_id": uuid.UUID(m["payment_id"]),
        "contract_id": uuid.UUID(m["contract_id"]),
        "amount": Decimal(m["amount"]),
        "reserved_on": date.fromisoformat(m["reserved_on"]),
        "paid_on": date.fromisoformat(m["paid_on"]) if m["paid_on"] else None,
        "created_at": datetime.fromisoformat(m["created_at"]),
    }


class AcceptanceRepository:
    """Acceptances (验收) and the payment ledger (付款占用) against contracts."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, r: AcceptanceRecord) -> None:
        self.conn.execute(
            sa.insert(acc).values(
                id=r.id,
                contract_id=r.contract_id,
                milestone_no=r.milestone_no,
                delivery=r.delivery,
                result=r.result.value,
                accepted_on=r.accepted_on,
                members=list(r.members),
                acceptor=r.acceptor,
                findings=r.findings,
                amount=r.amount,
            )
        )
        if r.milestone_no is not None and r.result is not AcceptanceResult.FAILED:
            # The milestone's condition is met from this day: the execution report's payable and due dates.
            ms = contract_milestone
            self.conn.execute(
                sa.update(ms)
                .where(ms.c.contract_id == r.contract_id, ms.c.no == r.milestone_no, ms.c.condition == "on_acceptance")
                .where(ms.c.met_on.is_(None))
                .values(met_on=r.accepted_on)
            )
            refresh(self.conn, [r.contract_id])

    def get(self, acceptance_id: str) -> AcceptanceRecord | None:
        row = self.conn.execute(sa.select(acc).where(acc.c.id == acceptance_id)).first()
        return _acceptance(row) if row else None

    def of(self, contract_id: str) -> list[AcceptanceRecord]:
        rows = self.conn.execute(
            sa.select(acc).where(acc.c.contract_id == contract_id).order_by(acc.c.accepted_on, acc.c.created_at)
        ).all()
        return [_acceptance(r) for r in rows]

    # ── the payment ledger ──
    def payments(self, contract_id: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            sa.select(pay).where(pay.c.contract_id == contract_id).order_by(pay.c.created_at)
        ).all()
        return [r._asdict() for r in rows]

    def payment(self, payment_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(pay).where(pay.c.payment_id == payment_id)).first()
        return row._asdict() if row else None

    def ledger_facts(self, contract_id: str, exclude: str | None = None, mine: str | None = None) -> LedgerFacts:
        """What the payment gate weighs, in one statement (it runs on every payment request, and four
        statements cost the contract service more than the rest of its work): per milestone what payments
        paid or reserved hold (one aggregate, but `exclude`'s own: the gate never reads every past payment),
        the milestone acceptances and progress certificates as execution counts them, and `mine`'s ledger row."""
        row = self.conn.execute(_LEDGER, {"contract_id": contract_id, "exclude": exclude, "mine": mine}).one()
        return LedgerFacts(
            held={h["milestone_no"]: Decimal(h["amount"]) for h in row.held},
            acceptances=[
                Acceptance(r["milestone_no"], AcceptanceResult(r["result"]), date.fromisoformat(r["accepted_on"]))
                for r in row.acceptances
            ],
            progress=[Progress(Decimal(r["percent"]), date.fromisoformat(r["certified_on"])) for r in row.progress],
            mine=_ledger_row(row.mine) if row.mine else None,
        )

    def paid(self, contract_id: str) -> Decimal:
        return self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.sum(pay.c.amount), 0)).where(
                pay.c.contract_id == contract_id, pay.c.status == "paid"
            )
        ).scalar_one()

    def add_payment(self, **values: Any) -> None:
        self.conn.execute(sa.insert(pay).values(**values))
        refresh(self.conn, [values["contract_id"]])  # paid and reserved, in this transaction

    def set_payment(self, payment_id: str, **values: Any) -> None:
        found = self.conn.execute(
            sa.update(pay).where(pay.c.payment_id == payment_id).values(**values).returning(pay.c.contract_id)
        ).first()
        if found is not None:
            refresh(self.conn, [found.contract_id])


class ProgressRepository:
    """Progress certificates (进度确认), and the met_on of the milestones paid by progress."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, p: ProgressCertificate) -> None:
        self.conn.execute(
            sa.insert(contract_progress).values(
                id=p.id,
                contract_id=p.contract_id,
                percent=p.percent,
                previous_percent=p.previous_percent,
                certified_on=p.certified_on,
                certifier=p.certifier,
                remarks=p.remarks,
                milestones_met=list(p.milestones_met),
            )
        )

    def of(self, contract_id: str) -> list[ProgressCertificate]:
        cp = contract_progress
        rows = self.conn.execute(
            sa.select(cp).where(cp.c.contract_id == contract_id).order_by(cp.c.certified_on, cp.c.percent)
        ).all()
        return [_certificate(r) for r in rows]

    def mark_met(self, c: Contract) -> None:
        """Each on_progress milestone is met on the day of the first certificate reaching its percentage (the
        domain's definition, kept in `contract_milestone.met_on` for the execution report): set after a
        certificate, and again when an amendment restates the terms. Then the contract's running figures, which
        every write of the contract and its terms passes through here to rewrite (signing, amendment,
        termination, completion)."""
        ms, cp = contract_milestone, contract_progress
        for m in c.milestones:
            if m.condition.value != "on_progress" or m.progress is None:
                continue
            first = (
                sa.select(sa.func.min(cp.c.certified_on))
                .where(cp.c.contract_id == c.id, cp.c.percent >= m.progress)
                .scalar_subquery()
            )
            self.conn.execute(sa.update(ms).where(ms.c.contract_id == c.id, ms.c.no == m.no).values(met_on=first))
        refresh(self.conn, [c.id])


def _certificate(row: Any) -> ProgressCertificate:
    return ProgressCertificate(
        id=str(row.id),
        contract_id=str(row.contract_id),
        percent=row.percent,
        previous_percent=row.previous_percent,
        certified_on=row.certified_on,
        certifier=row.certifier,
        remarks=row.remarks,
        milestones_met=tuple(row.milestones_met),
    )


def _acceptance(row: Any) -> AcceptanceRecord:
    return AcceptanceRecord(
        id=str(row.id),
        contract_id=str(row.contract_id),
        milestone_no=row.milestone_no,
        delivery=row.delivery,
        result=AcceptanceResult(row.result),
        accepted_on=row.accepted_on,
        members=tuple(row.members),
        acceptor=row.acceptor,
        findings=row.findings,
        amount=row.amount,
    )
