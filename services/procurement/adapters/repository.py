"""Reading and writing the procurement aggregates: an application (with its items, intention, pending method
change), a tender (with its bids), an award, a supplier (with accounts, their history, standing periods), and
the policy in force. Each `save` writes the whole aggregate as it now is; rows that are history (account
changes, periods) are only ever added or, for periods, ended."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from ic_platform.scope import Scope
from services.procurement.adapters import orm
from services.procurement.adapters.orm import ONE_PER_MATTER
from services.procurement.domain.application import (
    DOCUMENT_TYPE,
    Funding,
    Item,
    MethodChange,
    ProcurementApplication,
    Status,
)
from services.procurement.domain.award import Award
from services.procurement.domain.events import Flag, wire
from services.procurement.domain.intention import Intention
from services.procurement.domain.kinds import Category, Form, Method
from services.procurement.domain.policy import Action, CatalogueEntry, ProcurementPolicy, Thresholds
from services.procurement.domain.supplier import BankAccount, BankAccountChange, Standing, StatusPeriod, Supplier
from services.procurement.domain.tender import Bid, BidStatus, EvaluationMethod, Tender, TenderStatus

A, ITEM = orm.procurement_application, orm.procurement_item


def _flags(rows: list[dict[str, Any]] | None) -> tuple[Flag, ...]:
    return tuple(Flag(**f) for f in rows or ())


# ── applications ──
class ApplicationRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def next_no(self, year: int) -> str:
        return f"CG-{year}-{self.conn.execute(orm.procurement_application_no.next_value()).scalar_one():06d}"

    def add(self, app: ProcurementApplication) -> bool:
        """Insert a new application with its items; False when the id is taken (a retried submission). A matter
        application another submission made to fund meanwhile (both past the service's check, the index
        `procurement_application_one_per_matter` lets one in) is refused as the check refuses it."""
        insert = pg_insert(A).values(**self._row(app)).on_conflict_do_nothing(index_elements=["id"]).returning(A.c.id)
        try:
            with self.conn.begin_nested():
                inserted = self.conn.execute(insert).first()
        except sa.exc.IntegrityError as error:
            if getattr(getattr(error.orig, "diag", None), "constraint_name", None) != ONE_PER_MATTER:
                raise
            other = self.live_for_matter(app.funding.matter.id)
            raise Conflict(
                "matter_application_already_funds",
                f"一项事前申请只能对应一项采购申请：事前申请 {app.funding.matter.no} 已用于采购申请 {other}",
                {"matter_application_id": app.funding.matter.id, "procurement_application_no": other},
            ) from error
        if inserted is None:
            return False
        self.conn.execute(
            sa.insert(ITEM),
            [
                {
                    "application_id": app.id,
                    "line_no": n,
                    "name": item.name,
                    "category": item.category.value,
                    "quantity": item.quantity,
                    "measure": item.unit,
                    "unit_price": item.unit_price,
                    "amount": item.amount,
                    "catalogue_code": item.catalogue_code,
                    "specification": item.specification,
                }
                for n, item in enumerate(app.items, start=1)
            ],
        )
        return True

    def save(self, app: ProcurementApplication, **extra: Any) -> None:
        """The application's changeable state (status, method, round, award, intention); `extra` sets columns
        the domain does not hold (submitted_on, approved_on)."""
        row = self._row(app)
        changeable = {k: row[k] for k in ("method", "form", "justification", "extra_approval", "major_matter")}
        changeable |= {k: row[k] for k in ("status", "status_reason", "round")}
        if app.requirement is not None:  # loaded without it (an event handler): the stored one stays
            changeable["requirement"] = row["requirement"]
        if app.method_change is None:  # a pending change's row (with its id) is written by the request alone
            changeable["method_change"] = None
        values = {**changeable, "award_id": app.award_id, "updated_at": sa.func.now(), **extra}
        self.conn.execute(sa.update(A).where(A.c.id == app.id).values(**values))
        if app.intention is not None:
            i = app.intention
            self.conn.execute(
                pg_insert(orm.procurement_intention)
                .values(
                    id=i.id,
                    application_id=app.id,
                    published_on=i.published_on,
                    expected_start=i.expected_start,
                    amount=i.amount,
                    published_where=i.where,
                )
                .on_conflict_do_nothing()
            )

    def _row(self, app: ProcurementApplication) -> dict[str, Any]:
        f = app.funding
        return {
            "id": app.id,
            "no": app.no,
            "org": app.org,
            "unit": app.unit,
            "applicant": app.applicant,
            "purchaser": app.purchaser or app.applicant,
            "title": app.title,
            "category": app.category.value,
            "amount": app.amount,
            "method": app.method.value,
            "form": app.form.value if app.form else None,
            "justification": app.justification,
            "extra_approval": app.extra_approval,
            "major_matter": app.major_matter,
            "status": app.status.value,
            "status_reason": app.status_reason,
            "round": app.round,
            "budget_line_id": f.budget_line_id,
            "matter_application_id": f.matter.id if f.matter else None,
            "matter_application_no": f.matter.no if f.matter else None,
            "matter_amount": f.matter_amount,
            "requirement": app.requirement.as_dict() if app.requirement else None,
            "method_change": wire(app.method_change) if app.method_change else None,
        }

    def get(self, app_id: str, *, for_update: bool = False) -> ProcurementApplication | None:
        query = sa.select(A).where(A.c.id == app_id)
        row = self.conn.execute(query.with_for_update() if for_update else query).first()
        return self._load(row) if row else None

    def facts(self, app_id: str) -> dict[str, Any] | None:
        """What the domain does not hold: dates, the stored requirement, when it was made."""
        row = self.conn.execute(
            sa.select(A.c.submitted_on, A.c.approved_on, A.c.requirement, A.c.created_at).where(A.c.id == app_id)
        ).first()
        return dict(row._mapping) if row else None

    def _load(self, row: Any) -> ProcurementApplication:
        items = self.conn.execute(sa.select(ITEM).where(ITEM.c.application_id == row.id).order_by(ITEM.c.line_no)).all()
        matter = DocumentRef("matter_application", row.matter_application_id, row.matter_application_no)
        app = ProcurementApplication(
            id=str(row.id),
            no=row.no,
            org=row.org,
            unit=row.unit,
            applicant=row.applicant,
            title=row.title,
            items=tuple(
                Item(
                    i.name,
                    Category(i.category),
                    i.quantity,
                    i.unit_price,
                    i.measure,
                    i.catalogue_code,
                    i.specification,
                )
                for i in items
            ),
            funding=Funding(
                row.budget_line_id,
                matter if row.matter_application_id else None,
                row.matter_amount,
                row.amount,
            ),
            method=Method(row.method),
            form=Form(row.form) if row.form else None,
            justification=row.justification,
            purchaser=row.purchaser,
            major_matter=row.major_matter,
            status=Status(row.status),
            status_reason=row.status_reason,
            round=row.round,
            extra_approval=row.extra_approval,
            award_id=str(row.award_id) if row.award_id else None,
        )
        if row.method_change:
            c = row.method_change
            app.method_change = MethodChange(
                Method(c["requested"]), c["reason"], c["tender_failed"], date.fromisoformat(c["requested_on"])
            )
        intention = self.conn.execute(
            sa.select(orm.procurement_intention).where(orm.procurement_intention.c.application_id == row.id)
        ).first()
        if intention:
            app.intention = Intention(
                str(intention.id),
                app.document,
                intention.published_on,
                intention.amount,
                intention.published_where,
                intention.expected_start,
            )
        return app

    def by_method_change(self, change_id: str) -> str | None:
        """The application whose pending method change this is (None once decided)."""
        found = self.conn.execute(sa.select(A.c.id).where(A.c.method_change["id"].astext == change_id)).scalar()
        return str(found) if found else None

    def live_for_matter(self, matter_id: str) -> str | None:
        """The live procurement application a matter application already funds, if any."""
        return self.conn.execute(
            sa.select(A.c.no).where(
                A.c.matter_application_id == matter_id,
                A.c.status.notin_([Status.REJECTED.value, Status.REFUSED.value, Status.CANCELLED.value]),
            )
        ).scalar()

    def page(
        self,
        *,
        org: str,
        applicant: str | None,
        scope: Scope,
        status: str | None,
        method: str | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[ProcurementApplication]]:
        readable = visible_clause(
            scope,
            unit=A.c.unit,
            initiator=A.c.applicant,
            document_type=DOCUMENT_TYPE,
            document_id=sa.cast(A.c.id, sa.Text),
        )
        cond = [A.c.org == org, readable]
        if applicant:
            cond.append(A.c.applicant == applicant)
        if status:
            cond.append(A.c.status == status)
        if method:
            cond.append(A.c.method == method)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(A).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(A).where(*cond).order_by(A.c.created_at.desc(), A.c.id).limit(limit).offset(offset)
        ).all()
        return total, [self._load(r) for r in rows]

    def claim_stuck_reserving(self, older_than: timedelta, limit: int = 50) -> list[str]:
        """As payment's: applications left `reserving`, their clock reset so another replica leaves them be."""
        stuck = (
            sa.select(A.c.id)
            .where(A.c.status == Status.RESERVING.value, A.c.updated_at < sa.func.now() - older_than)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            sa.update(A).where(A.c.id.in_(stuck)).values(updated_at=sa.func.now()).returning(A.c.id)
        ).all()
        return [str(r.id) for r in rows]

    # ── quotes (market research evidence) ──
    def add_quotes(self, app_id: str, quotes: list, chosen_supplier_id: str) -> None:
        self.conn.execute(
            sa.insert(orm.procurement_quote),
            [
                {
                    "application_id": app_id,
                    "supplier_id": q.supplier_id,
                    "amount": q.amount,
                    "quoted_on": q.quoted_on,
                    "evidence": list(q.evidence),
                    "chosen": q.supplier_id == chosen_supplier_id,
                }
                for q in quotes
            ],
        )

    def quotes(self, app_id: str) -> list[dict[str, Any]]:
        q = orm.procurement_quote
        rows = self.conn.execute(sa.select(q).where(q.c.application_id == app_id).order_by(q.c.amount, q.c.id)).all()
        return [
            {
                "supplier_id": str(r.supplier_id),
                "amount": wire(r.amount),
                "quoted_on": r.quoted_on.isoformat(),
                "evidence": r.evidence,
                "chosen": r.chosen,
            }
            for r in rows
        ]


# ── tenders and bids ──
class TenderRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, org: str, application_id: str, tender: Tender, flags: list[Flag]) -> None:
        t = tender
        self.conn.execute(
            sa.insert(orm.procurement_tender).values(
                id=t.id,
                org=org,
                application_id=application_id,
                method=t.method.value,
                published_at=t.published_at,
                submission_deadline=t.submission_deadline,
                budget_amount=t.budget_amount,
                evaluation_method=t.evaluation_method.value,
                status=t.status.value,
                flags=wire(list(flags)),
            )
        )

    def save(self, tender: Tender) -> None:
        t = orm.procurement_tender
        self.conn.execute(
            sa.update(t)
            .where(t.c.id == tender.id)
            .values(status=tender.status.value, evaluated_on=tender.evaluated_on, award_id=tender.award_id)
        )
        b = orm.procurement_bid
        for bid in tender.bids:
            values = {
                "status": bid.status.value,
                "reason": bid.reason,
                "score": bid.score,
                "rank": bid.rank,
            }
            self.conn.execute(
                pg_insert(b)
                .values(
                    id=bid.id,
                    tender_id=tender.id,
                    supplier_id=bid.supplier_id,
                    amount=bid.amount,
                    received_at=bid.received_at,
                    **values,
                )
                .on_conflict_do_update(index_elements=["id"], set_=values)
            )

    def get(self, tender_id: str, *, for_update: bool = False) -> tuple[str, Tender] | None:
        """(application id, tender)."""
        t, b = orm.procurement_tender, orm.procurement_bid
        query = sa.select(t, orm.procurement_application.c.no).join(
            orm.procurement_application, orm.procurement_application.c.id == t.c.application_id
        )
        query = query.where(t.c.id == tender_id)
        row = self.conn.execute(query.with_for_update(of=t) if for_update else query).first()
        if row is None:
            return None
        bids = self.conn.execute(sa.select(b).where(b.c.tender_id == tender_id).order_by(b.c.received_at)).all()
        tender = Tender(
            id=str(row.id),
            application_no=row.no,
            method=Method(row.method),
            published_at=row.published_at,
            submission_deadline=row.submission_deadline,
            budget_amount=row.budget_amount,
            evaluation_method=EvaluationMethod(row.evaluation_method),
            status=TenderStatus(row.status),
            bids=[
                Bid(
                    str(x.id),
                    str(x.supplier_id),
                    x.amount,
                    x.received_at,
                    BidStatus(x.status),
                    x.reason,
                    x.score,
                    x.rank,
                )
                for x in bids
            ],
            evaluated_on=row.evaluated_on,
            award_id=str(row.award_id) if row.award_id else None,
        )
        return str(row.application_id), tender

    def any_failed(self, app_id: str) -> bool:
        """Has a tender of this application failed (流标)? A method change may then ask for a weaker method."""
        t = orm.procurement_tender
        query = sa.select(sa.exists().where(t.c.application_id == app_id, t.c.status == TenderStatus.FAILED.value))
        return bool(self.conn.execute(query).scalar())

    def of_application(self, app_id: str) -> list[dict[str, Any]]:
        t = orm.procurement_tender
        ids = self.conn.execute(sa.select(t.c.id).where(t.c.application_id == app_id).order_by(t.c.created_at)).all()
        return [tender_view(*self.get(str(r.id))) for r in ids]


def tender_view(application_id: str, tender: Tender) -> dict[str, Any]:
    return {
        "id": tender.id,
        "application_id": application_id,
        "method": tender.method.value,
        "published_at": tender.published_at.isoformat(),
        "submission_deadline": tender.submission_deadline.isoformat(),
        "evaluation_method": tender.evaluation_method.value,
        "status": tender.status.value,
        "evaluated_on": tender.evaluated_on.isoformat() if tender.evaluated_on else None,
        "award_id": tender.award_id,
        "bids": [
            {
                "id": b.id,
                "supplier_id": b.supplier_id,
                "amount": wire(b.amount),
                "received_at": b.received_at.isoformat(),
                "status": b.status.value,
                "reason": b.reason,
                "rank": b.rank,
            }
            for b in tender.bids
        ],
    }


# ── awards ──
class AwardRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, org: str, award: Award) -> None:
        self.conn.execute(
            sa.insert(orm.procurement_award).values(
                id=award.id,
                org=org,
                application_id=award.application.id,
                unit=award.unit,
                supplier_id=award.supplier_id,
                supplier_name=award.supplier_name,
                credit_code=award.credit_code,
                amount=award.amount,
                budget_amount=award.budget_amount,
                method=award.method.value,
                category=award.category,
                decided_on=award.decided_on,
                notice_date=award.notice_date,
                tender_id=award.tender_id,
                justification=award.justification,
                flags=wire(list(award.flags)),
            )
        )

    def mark_contracted(self, award_id: str, contract: dict[str, Any], signed_on: date) -> bool:
        """The contract signed on the award (once: a redelivered contract.signed changes nothing; an award
        we never made is not found)."""
        w = orm.procurement_award
        row = self.conn.execute(
            sa.update(w)
            .where(w.c.id == award_id, w.c.contract.is_(None))
            .values(contract=contract, contracted_on=signed_on)
            .returning(w.c.id)
        ).first()
        return row is not None

    def contract_of(self, award_id: str) -> dict[str, Any] | None:
        w = orm.procurement_award
        row = self.conn.execute(sa.select(w.c.contract, w.c.contracted_on).where(w.c.id == award_id)).first()
        if row is None or row.contract is None:
            return None
        return {"contract": row.contract, "contracted_on": row.contracted_on.isoformat()}

    def get(self, award_id: str) -> tuple[str, Award] | None:
        """(org, award)."""
        w = orm.procurement_award
        row = self.conn.execute(
            sa.select(w, A.c.no).join(A, A.c.id == w.c.application_id).where(w.c.id == award_id)
        ).first()
        if row is None:
            return None
        award = Award(
            id=str(row.id),
            application=DocumentRef(DOCUMENT_TYPE, str(row.application_id), row.no),
            unit=row.unit,
            supplier_id=str(row.supplier_id),
            supplier_name=row.supplier_name,
            credit_code=row.credit_code,
            amount=row.amount,
            budget_amount=row.budget_amount,
            method=Method(row.method),
            category=row.category,
            decided_on=row.decided_on,
            notice_date=row.notice_date,
            tender_id=str(row.tender_id) if row.tender_id else None,
            justification=row.justification,
            flags=_flags(row.flags),
        )
        return row.org, award


# ── suppliers ──
S = orm.supplier
# A supplier and its status periods, asked at every contract's drafting and signing: built once, not per read
# (a Core statement built per call costs more CPU than sending it).
_GET_SUPPLIER = sa.select(S).where(S.c.id == sa.bindparam("supplier_id"), S.c.org == sa.bindparam("org"))
_PERIODS = (
    sa.select(orm.supplier_status_period)
    .where(orm.supplier_status_period.c.supplier_id == sa.bindparam("supplier_id"))
    .order_by(orm.supplier_status_period.c.seq)
)


# A supplier with its current accounts and its status periods, in `_load`'s orders; dates as ISO text.
_CURRENT = sa.text(
    """
    SELECT s.id, s.credit_code, s.name, s.legal_representative, s.registrar, s.registered_at, s.sme,
      (SELECT coalesce(jsonb_agg(jsonb_build_array(a.bank_name, a.account_name, a.account_no) ORDER BY a.position),
                       '[]')
         FROM supplier_bank_account a WHERE a.supplier_id = s.id) AS accounts,
      (SELECT coalesce(jsonb_agg(jsonb_build_object(
                'standing', p.standing, 'reason', p.reason, 'starts_on', p.starts_on, 'ends_on', p.ends_on,
                'decided_by', p.decided_by, 'decided_at', p.decided_at, 'lifted_by', p.lifted_by,
                'lifted_at', p.lifted_at, 'lift_reason', p.lift_reason) ORDER BY p.seq), '[]')
         FROM supplier_status_period p WHERE p.supplier_id = s.id) AS periods
    FROM supplier s WHERE s.id = CAST(:id AS uuid) AND s.org = :org
    """
)


def _period(p: dict[str, Any]) -> StatusPeriod:
    def day(v: str | None) -> date | None:
        return date.fromisoformat(v) if v else None

    def moment(v: str | None) -> datetime | None:
        return datetime.fromisoformat(v) if v else None

    return StatusPeriod(
        Standing(p["standing"]),
        p["reason"],
        day(p["starts_on"]),
        day(p["ends_on"]),
        p["decided_by"],
        moment(p["decided_at"]),
        p["lifted_by"],
        moment(p["lifted_at"]),
        p["lift_reason"],
    )


class SupplierRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, org: str, s: Supplier) -> bool:
        """False when the org already registered this credit code (or this id)."""
        row = self.conn.execute(
            pg_insert(S)
            .values(
                id=s.id,
                org=org,
                credit_code=s.credit_code,
                name=s.name,
                legal_representative=s.legal_representative,
                registrar=s.registrar,
                sme=s.sme,
                registered_at=s.registered_at,
            )
            .on_conflict_do_nothing()
            .returning(S.c.id)
        ).first()
        if row is not None:
            self.save(s)
        return row is not None

    def id_of(self, org: str, code: str) -> str | None:
        found = self.conn.execute(sa.select(S.c.id).where(S.c.org == org, S.c.credit_code == code)).scalar()
        return str(found) if found else None

    def save(self, s: Supplier) -> None:
        """Accounts as they now are; account changes and periods appended (periods updated when lifted)."""
        acc = orm.supplier_bank_account
        self.conn.execute(sa.delete(acc).where(acc.c.supplier_id == s.id))
        if s.accounts:
            self.conn.execute(
                sa.insert(acc),
                [
                    {
                        "supplier_id": s.id,
                        "position": n,
                        "bank_name": a.bank_name,
                        "account_name": a.account_name,
                        "account_no": a.account_no,
                    }
                    for n, a in enumerate(s.accounts)
                ],
            )
        ch = orm.supplier_bank_account_change
        for n, c in enumerate(s.account_changes):
            self.conn.execute(
                pg_insert(ch)
                .values(
                    supplier_id=s.id,
                    seq=n,
                    change=c.change,
                    before=wire(c.before),
                    after=wire(c.after),
                    changed_by=c.changed_by,
                    changed_at=c.changed_at,
                    reason=c.reason,
                )
                .on_conflict_do_nothing()
            )
        per = orm.supplier_status_period
        for n, p in enumerate(s.periods):
            values = {
                "standing": p.standing.value,
                "reason": p.reason,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "decided_by": p.decided_by,
                "decided_at": p.decided_at,
                "lifted_by": p.lifted_by,
                "lifted_at": p.lifted_at,
                "lift_reason": p.lift_reason,
            }
            lifted = {k: values[k] for k in ("ends_on", "lifted_by", "lifted_at", "lift_reason")}
            self.conn.execute(
                pg_insert(per)
                .values(supplier_id=s.id, seq=n, **values)
                .on_conflict_do_update(index_elements=["supplier_id", "seq"], set_=lifted)
            )

    def get(self, org: str, supplier_id: str, *, for_update: bool = False, accounts: bool = True) -> Supplier | None:
        """`accounts=False`: without its bank accounts and their history (a standing asked on a day needs only
        the status periods; contract asks at every drafting and signing)."""
        query = _GET_SUPPLIER.with_for_update() if for_update else _GET_SUPPLIER
        row = self.conn.execute(query, {"supplier_id": supplier_id, "org": org}).first()
        return self._load(row, accounts=accounts) if row else None

    def current(self, org: str, supplier_id: str) -> Supplier | None:
        """The supplier as a reader sees it today (its accounts and status periods, not the accounts' change
        history): one statement, where `get` takes three (the payment gate asks on every payment request)."""
        row = self.conn.execute(_CURRENT, {"id": supplier_id, "org": org}).first()
        if row is None:
            return None
        s = Supplier(
            str(row.id), row.credit_code, row.name, row.legal_representative, row.registrar, row.registered_at, row.sme
        )
        s.accounts = [BankAccount(*a) for a in row.accounts]
        s.periods = [_period(p) for p in row.periods]
        return s

    def get_many(self, org: str, ids: list[str]) -> dict[str, Supplier]:
        rows = self.conn.execute(sa.select(S).where(S.c.org == org, S.c.id.in_(ids))).all()
        return {str(r.id): self._load(r) for r in rows}

    def _load(self, row: Any, *, accounts: bool = True) -> Supplier:
        s = Supplier(
            str(row.id), row.credit_code, row.name, row.legal_representative, row.registrar, row.registered_at, row.sme
        )
        if accounts:
            self._load_accounts(s, row.id)
        s.periods = [
            StatusPeriod(
                Standing(p.standing),
                p.reason,
                p.starts_on,
                p.ends_on,
                p.decided_by,
                p.decided_at,
                p.lifted_by,
                p.lifted_at,
                p.lift_reason,
            )
            for p in self.conn.execute(_PERIODS, {"supplier_id": row.id})
        ]
        return s

    def _load_accounts(self, s: Supplier, row_id: Any) -> None:
        """Its bank accounts and their change history (never loaded for a read that saves nothing back)."""
        acc, ch = orm.supplier_bank_account, orm.supplier_bank_account_change
        s.accounts = [
            BankAccount(a.bank_name, a.account_name, a.account_no)
            for a in self.conn.execute(sa.select(acc).where(acc.c.supplier_id == row_id).order_by(acc.c.position))
        ]
        s.account_changes = [
            BankAccountChange(
                c.change,
                BankAccount(**c.before) if c.before else None,
                BankAccount(**c.after) if c.after else None,
                c.changed_by,
                c.changed_at,
                c.reason,
            )
            for c in self.conn.execute(sa.select(ch).where(ch.c.supplier_id == row_id).order_by(ch.c.seq))
        ]

    def page(self, org: str, q: str | None, limit: int, offset: int) -> tuple[int, list[Supplier]]:
        cond = [S.c.org == org]
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            cond.append(sa.or_(S.c.name.ilike(pattern), S.c.credit_code.ilike(pattern)))
        total = self.conn.execute(sa.select(sa.func.count()).select_from(S).where(*cond)).scalar_one()
        rows = self.conn.execute(sa.select(S).where(*cond).order_by(S.c.name, S.c.id).limit(limit).offset(offset))
        return total, [self._load(r) for r in rows]


# ── the policy ──
class PolicyRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def load(self, org: str, on: date) -> ProcurementPolicy:
        """Every version of the thresholds and the catalogue (a purchase is judged by the one in force on its
        day), and the settings in force on `on` (the law's defaults when the office set none)."""
        t, c, s = orm.procurement_thresholds, orm.procurement_catalogue, orm.procurement_settings
        thresholds = tuple(
            Thresholds(
                effective_from=r.effective_from,
                effective_to=r.effective_to,
                category=Category(r.category),
                decentralised=r.decentralised,
                open_tender=r.open_tender,
                source=r.source,
                demo=r.demo,
            )
            for r in self.conn.execute(sa.select(t).where(t.c.org == org))
        )
        catalogue = tuple(
            CatalogueEntry(
                effective_from=r.effective_from,
                effective_to=r.effective_to,
                code=r.code,
                name=r.name,
                category=Category(r.category),
                min_amount=r.min_amount,
                demo=r.demo,
            )
            for r in self.conn.execute(sa.select(c).where(c.c.org == org))
        )
        settings = self.conn.execute(
            sa.select(s).where(s.c.org == org, s.c.effective_from <= on).order_by(s.c.effective_from.desc()).limit(1)
        ).first()
        extra: dict[str, Any] = {}
        if settings is not None:
            extra = {
                "intention_notice_days": settings.intention_notice_days,
                "intention_short_notice": Action(settings.intention_short_notice),
                "market_research_from": settings.market_research_from,
                "min_quotes": settings.min_quotes,
                "major_matter_from": settings.major_matter_from,
            }
        return ProcurementPolicy(thresholds=thresholds, catalogue=catalogue, **extra)

    def store(self, org: str, policy: ProcurementPolicy, effective_from: date, *, demo: bool) -> None:
        """Load a policy as data (the seed's demo policy; a deployment's own figures). Idempotent."""
        for v in policy.thresholds:
            self.conn.execute(
                pg_insert(orm.procurement_thresholds)
                .values(
                    org=org,
                    category=v.category.value,
                    effective_from=v.effective_from,
                    effective_to=v.effective_to,
                    decentralised=v.decentralised,
                    open_tender=v.open_tender,
                    source=v.source,
                    demo=v.demo,
                )
                .on_conflict_do_nothing()
            )
        for e in policy.catalogue:
            self.conn.execute(
                pg_insert(orm.procurement_catalogue)
                .values(
                    org=org,
                    code=e.code,
                    effective_from=e.effective_from,
                    effective_to=e.effective_to,
                    name=e.name,
                    category=e.category.value,
                    min_amount=e.min_amount,
                    demo=e.demo,
                )
                .on_conflict_do_nothing()
            )
        self.conn.execute(
            pg_insert(orm.procurement_settings)
            .values(
                org=org,
                effective_from=effective_from,
                intention_notice_days=policy.intention_notice_days,
                intention_short_notice=policy.intention_short_notice.value,
                market_research_from=policy.market_research_from,
                min_quotes=policy.min_quotes,
                major_matter_from=policy.major_matter_from,
                demo=demo,
            )
            .on_conflict_do_nothing()
        )


# ── what the reports aggregate (services/procurement/domain/analysis.py defines the figures) ──
class ReportRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def award_rows(self, org: str, units: frozenset[str] | None, date_from: date, date_to: date) -> list:
        """The period's awards summed in SQL by supplier, unit, method and category: a year of 20,000 awards is
        read as a few thousand rows, not 20,000."""
        from services.procurement.domain.analysis import AwardRow

        w = orm.procurement_award
        cond = [w.c.org == org, w.c.notice_date.between(date_from, date_to)]
        if units is not None:
            cond.append(w.c.unit.in_(sorted(units)))
        latest = (w.c.notice_date.desc(), w.c.id.desc())
        query = (
            sa.select(
                w.c.supplier_id,
                w.c.unit,
                w.c.method,
                w.c.category,
                sa.func.count().label("n"),
                sa.func.sum(w.c.amount).label("amount"),
                sa.func.max(w.c.notice_date).label("notice_date"),
                sa.func.max(sa.cast(w.c.id, sa.Text)).label("award_id"),
                sa.type_coerce(sa.func.array_agg(aggregate_order_by(w.c.supplier_name, *latest)), ARRAY(sa.Text))[
                    1
                ].label("supplier_name"),
            )
            .where(*cond)
            .group_by(w.c.supplier_id, w.c.unit, w.c.method, w.c.category)
        )
        return [
            AwardRow(
                r.award_id,
                r.unit,
                str(r.supplier_id),
                r.supplier_name,
                r.method,
                r.category,
                r.amount,
                r.notice_date,
                r.n,
            )
            for r in self.conn.execute(query)
        ]

    def procurement_rows(self, org: str, units: frozenset[str] | None, date_from: date, date_to: date) -> list:
        from services.procurement.domain.analysis import COUNTED_STATUSES, ProcurementRow

        w = orm.procurement_award
        cond = [A.c.org == org, A.c.approved_on.between(date_from, date_to), A.c.status.in_(sorted(COUNTED_STATUSES))]
        if units is not None:
            cond.append(A.c.unit.in_(sorted(units)))
        query = sa.select(A, w.c.amount.label("awarded_amount")).outerjoin(w, w.c.application_id == A.c.id)
        return [
            ProcurementRow(str(r.id), r.unit, r.method, r.category, r.status, r.amount, r.approved_on, r.awarded_amount)
            for r in self.conn.execute(query.where(*cond))
        ]
