"""合同执行情况表 as one SQL aggregation over the contracts, their milestone rows and the payments heard: the
same definitions as `domain/execution.py` (`compute`), computed by PostgreSQL for every contract in the reader's
scope at once instead of loading contracts one by one. Only contracts signed on or before `as_of` are executed;
only payments made on or before it count.

Per milestone: met_on (on_signing: the signing day; after_warranty: the day after the warranty end, once past;
on_acceptance / on_progress: `contract_milestone.met_on`, fed by acceptances and progress certificates);
unpaid = amount − paid against it; payable = unpaid once met; overdue = met, unpaid and past met_on + payment
days, or not met and past its planned date. Per contract: paid (all its payments), remaining = ceiling − paid,
payable_now = Σ payable capped at remaining (0 unless signed or terminated), next milestone = the first with
something unpaid, lapsed = signed, past its end date, a milestone other than retention unpaid."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.scope import Scope
from services.contract.adapters.orm import contract as t
from services.contract.adapters.orm import contract_milestone as ms
from services.contract.adapters.orm import contract_payment as pay
from services.contract.adapters.orm import org_unit
from services.contract.domain.contract import DOCUMENT_TYPE

EXECUTED = ("signed", "completed", "terminated")
PAYABLE_STATUSES = ("signed", "terminated")
ZERO = sa.literal(0, sa.Numeric(15, 2))
FIGURES = ("original_amount", "amendments", "amount", "paid", "payable_now", "remaining")


def _per_contract(
    *,
    org: str,
    scope: Scope,
    unit: str | None,
    supplier_id: str | None,
    as_of: date,
    default_days: int,
    detail: bool = True,
) -> tuple[sa.Subquery, Any]:
    """(rows, milestone_states): one row per executed contract with its figures (one pass over the contracts
    and their milestone rows, grouped by contract), and a function giving the milestones' states of a query's
    contracts (for the next milestone of a page)."""
    readable = visible_clause(
        scope, unit=t.c.unit, initiator=t.c.drafter, document_type=DOCUMENT_TYPE, document_id=sa.cast(t.c.id, sa.Text)
    )
    cond = [t.c.org == org, readable, t.c.status.in_(EXECUTED), t.c.signed_on <= as_of]
    if unit:
        cond.append(t.c.unit == unit)
    if supplier_id:
        cond.append(t.c.supplier_id == supplier_id)
    # Executed payments of the ledger (a reservation still in approval is not paid yet).
    made = sa.and_(pay.c.status == "paid", pay.c.paid_on <= as_of)
    pm = (
        sa.select(pay.c.contract_id, pay.c.milestone_no, sa.func.sum(pay.c.amount).label("paid"))
        .where(made, pay.c.milestone_no.is_not(None))
        .group_by(pay.c.contract_id, pay.c.milestone_no)
        .subquery("pm")
    )
    pc = (
        sa.select(pay.c.contract_id, sa.func.sum(pay.c.amount).label("paid"))
        .where(made)
        .group_by(pay.c.contract_id)
        .subquery("pc")
    )
    met_on = sa.case(
        (ms.c.condition == "on_signing", t.c.signed_on),
        (ms.c.condition == "after_warranty", sa.case((t.c.warranty_end < as_of, t.c.warranty_end + 1))),
        else_=sa.case((ms.c.met_on <= as_of, ms.c.met_on)),
    )
    m_paid = sa.func.coalesce(pm.c.paid, ZERO)
    days = sa.func.coalesce(ms.c.payment_days, default_days)
    # Each milestone's state, computed once per row (OFFSET 0 keeps the planner from inlining the expressions
    # into every aggregate that reads them).
    state = (
        sa.select(
            t.c.id,
            ms.c.no,
            ms.c.condition,
            (ms.c.amount - m_paid).label("unpaid"),
            met_on.label("met_on"),
            (met_on + days).label("due_on"),
            ms.c.planned_date,
        )
        .select_from(
            t.join(ms, ms.c.contract_id == t.c.id).outerjoin(
                pm, sa.and_(pm.c.contract_id == ms.c.contract_id, pm.c.milestone_no == ms.c.no)
            )
        )
        .where(*cond)
        .offset(0)
        .subquery("state")
    )
    unpaid = state.c.unpaid
    owed = sa.and_(state.c.met_on.is_not(None), unpaid > 0)
    overdue = sa.or_(
        sa.and_(owed, state.c.due_on < as_of),
        sa.and_(state.c.met_on.is_(None), state.c.planned_date < as_of),
    )
    per_m = (
        sa.select(
            state.c.id,
            sa.func.sum(sa.case((owed, unpaid), else_=ZERO)).label("payable"),
            (
                sa.func.array_agg(aggregate_order_by(state.c.no, state.c.no)).filter(overdue)
                if detail
                else sa.case((sa.func.bool_or(overdue), sa.literal([1], sa.ARRAY(sa.Integer))))
            ).label("overdue"),
            sa.func.bool_or(sa.and_(unpaid > 0, state.c.condition != "after_warranty")).label("unfinished"),
            sa.func.min(state.c.no).filter(unpaid > 0).label("next_no"),
        )
        .group_by(state.c.id)
        .subquery("per_m")
    )
    per = (
        sa.select(
            t.c.id,
            t.c.no,
            t.c.title,
            t.c.unit,
            t.c.supplier_id,
            t.c.supplier_name,
            t.c.status,
            t.c.original_amount,
            t.c.amount,
            sa.func.coalesce(t.c.settlement_amount, t.c.amount).label("ceiling"),
            t.c.signed_on,
            t.c.end_date,
            per_m.c.payable,
            per_m.c.overdue,
            per_m.c.unfinished,
            per_m.c.next_no,
        )
        .select_from(t.join(per_m, per_m.c.id == t.c.id))
        .subquery("per")
    )
    paid = sa.func.coalesce(pc.c.paid, ZERO)
    remaining = per.c.ceiling - paid
    payable_now = sa.case(
        (
            per.c.status.in_(PAYABLE_STATUSES),
            sa.func.greatest(sa.func.least(sa.func.coalesce(per.c.payable, ZERO), remaining), ZERO),
        ),
        else_=ZERO,
    )
    lapsed = sa.and_(per.c.status == "signed", per.c.end_date < as_of, sa.func.coalesce(per.c.unfinished, False))
    rows = (
        sa.select(
            *(per.c[k] for k in per.c.keys() if k not in ("payable", "unfinished")),
            (per.c.amount - per.c.original_amount).label("amendments"),
            paid.label("paid"),
            remaining.label("remaining"),
            payable_now.label("payable_now"),
            lapsed.label("lapsed"),
        )
        .select_from(per.outerjoin(pc, pc.c.contract_id == per.c.id))
        .subquery("rows")
    )

    def milestones(contract_ids: Any) -> sa.Subquery:
        return (
            sa.select(
                ms.c.contract_id,
                ms.c.no,
                ms.c.name,
                ms.c.condition,
                ms.c.amount,
                m_paid.label("paid"),
                met_on.label("met_on"),
                ms.c.planned_date,
                days.label("days"),
            )
            .select_from(
                ms.join(t, t.c.id == ms.c.contract_id).outerjoin(
                    pm, sa.and_(pm.c.contract_id == ms.c.contract_id, pm.c.milestone_no == ms.c.no)
                )
            )
            .where(ms.c.contract_id.in_(contract_ids))
            .subquery("m")
        )

    return rows, milestones


def _no_jit(conn: Connection) -> None:
    """The planner overestimates these aggregations into JIT compilation, which costs more than it saves; and
    with the default 4 MB of work memory the per-contract grouping of 40,000 milestone rows sorts on disk
    instead of hashing in memory (110 ms against 80 ms measured)."""
    conn.execute(sa.text("SET LOCAL jit = off"))
    conn.execute(sa.text("SET LOCAL work_mem = '32MB'"))


def _sums(rows: sa.Subquery) -> list[Any]:
    return [
        sa.func.count().label("contracts"),
        *(sa.func.coalesce(sa.func.sum(rows.c[k]), ZERO).label(k) for k in FIGURES),
        sa.func.count().filter(sa.func.cardinality(rows.c.overdue) > 0).label("with_overdue"),
        sa.func.count().filter(rows.c.lapsed).label("lapsed"),
    ]


def grouped(conn: Connection, group_by: str, **filters: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every group (unit or supplier; at most a few hundred) and the total, in one statement."""
    rows, _ = _per_contract(**filters, detail=False)  # counts of overdue contracts only, no lists
    _no_jit(conn)
    keys = [rows.c.unit] if group_by == "unit" else [rows.c.supplier_id, rows.c.supplier_name]
    query = (
        sa.select(*keys, sa.func.grouping(*keys).label("is_total"), *_sums(rows))
        .group_by(sa.func.grouping_sets(sa.tuple_(*keys), sa.tuple_()))
        .order_by(*keys)
    )
    groups, total = [], None
    for r in conn.execute(query).mappings():
        if r["is_total"]:
            total = dict(r)
        else:
            groups.append(dict(r))
    return groups, total or _empty_total()


def per_contract(
    conn: Connection, *, limit: int | None, offset: int = 0, **filters: Any
) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    """One page of contracts (newest signing first), with their next milestone; the count and the total of all."""
    rows, milestones = _per_contract(**filters)
    _no_jit(conn)
    # The totals of all the contracts ride on each row of the page as window sums: one pass, not two.
    totals = [
        sa.func.count().over().label("t_contracts"),
        *(sa.func.sum(rows.c[k]).over().label(f"t_{k}") for k in FIGURES),
        sa.func.count().filter(sa.func.cardinality(rows.c.overdue) > 0).over().label("t_with_overdue"),
        sa.func.count().filter(rows.c.lapsed).over().label("t_lapsed"),
    ]
    page = sa.select(rows, *totals).order_by(rows.c.signed_on.desc(), rows.c.no.desc()).offset(offset)
    page = (page.limit(limit) if limit is not None else page).subquery("page")
    m = milestones(sa.select(page.c.id))
    query = (
        sa.select(
            page,
            m.c.name.label("next_name"),
            m.c.condition.label("next_condition"),
            m.c.amount.label("next_amount"),
            m.c.paid.label("next_paid"),
            m.c.met_on.label("next_met_on"),
            (m.c.met_on + m.c.days).label("next_due_on"),
            m.c.planned_date.label("next_planned_date"),
        )
        .select_from(page.outerjoin(m, sa.and_(m.c.contract_id == page.c.id, m.c.no == page.c.next_no)))
        .order_by(page.c.signed_on.desc(), page.c.no.desc())
    )
    items = [dict(r) for r in conn.execute(query).mappings()]
    if not items:  # a page past the end: the totals alone
        total = dict(conn.execute(sa.select(*_sums(rows))).mappings().one())
        return total["contracts"], [], total
    first = items[0]
    total = {k: first[f"t_{k}"] for k in ("contracts", *FIGURES, "with_overdue", "lapsed")}
    return total["contracts"], items, total


def _empty_total() -> dict[str, Any]:
    return {"contracts": 0, **dict.fromkeys(FIGURES, 0), "with_overdue": 0, "lapsed": 0}


def unit_names(conn: Connection, org: str) -> dict[str, str]:
    rows = conn.execute(sa.select(org_unit.c.code, org_unit.c.name).where(org_unit.c.org == org))
    return {code: name for code, name in rows}


def upsert_unit(conn: Connection, org: str, code: str, name: str, announced_at: Any) -> None:
    """A unit heard from org; an event older than the stored one (a retry overtaken) changes nothing."""
    stmt = pg_insert(org_unit).values(org=org, code=code, name=name, announced_at=announced_at)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[org_unit.c.org, org_unit.c.code],
            set_={"name": stmt.excluded.name, "announced_at": stmt.excluded.announced_at},
            where=org_unit.c.announced_at <= stmt.excluded.announced_at,
        )
    )


class ExecutionReports:
    """The report's reads on the unit of work's connection."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def grouped(self, group_by: str, **filters: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return grouped(self.conn, group_by, **filters)

    def per_contract(self, **kw: Any) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
        return per_contract(self.conn, **kw)

    def unit_names(self, org: str) -> dict[str, str]:
        return unit_names(self.conn, org)

    def upsert_unit(self, org: str, code: str, name: str, announced_at: Any) -> None:
        upsert_unit(self.conn, org, code, name, announced_at)

    def payments(self, contract_id: str) -> list[Any]:
        """The contract's executed payments (a reservation still in approval, or one given back, is not paid)."""
        return self.conn.execute(
            sa.select(pay.c.amount, pay.c.paid_on, pay.c.milestone_no).where(
                pay.c.contract_id == contract_id, pay.c.status == "paid"
            )
        ).all()

    def met_on(self, contract_id: str) -> dict[int, date]:
        rows = self.conn.execute(
            sa.select(ms.c.no, ms.c.met_on).where(ms.c.contract_id == contract_id, ms.c.met_on.is_not(None))
        )
        return {no: on for no, on in rows}
