"""合同执行情况表 as SQL over the contracts in the reader's scope: the same definitions as `domain/execution.py`
(`compute`), computed by PostgreSQL for every contract at once instead of loading contracts one by one. Only
contracts signed on or before `as_of` are executed; only payments made and conditions met on or before it count.

Per milestone: met_on (on_signing: the signing day; after_warranty: the day after the warranty end, once past;
on_acceptance / on_progress: `contract_milestone.met_on`, fed by acceptances and progress certificates);
unpaid = amount − paid against it; payable = unpaid once met; overdue = met, unpaid and past met_on + payment
days, or not met and past its planned date. Per contract: paid (all its payments), remaining = ceiling − paid,
payable_now = Σ payable capped at remaining (0 unless signed or terminated), next milestone = the first with
something unpaid, lapsed = signed, past its end date, a milestone other than retention unpaid.

Two ways to the same figures. Aggregating every milestone row on each call cost ~75 ms for 40,000 milestones,
so each contract keeps its **running figures** (`contract_running`, rewritten by `refresh` in the transaction of
every fact that changes them: the contract and its terms saved, an acceptance, a progress certificate, a payment
reserved, paid or released). They are what the facts recorded so far make of the milestones, with the parts that
depend on the day asked kept as dates and sums (the first due day of an unpaid met milestone, the first planned
day of an unmet one, the unpaid retention and its days), so the report at `as_of` reads one row per contract.
They hold for any `as_of` on or after the contract's latest fact (`facts_until`: signing, a condition met, a
payment made): the usual question (today, the year end). A contract asked about before its latest fact (a past
`as_of`) is computed from its milestone rows as before; only those contracts are aggregated."""

from __future__ import annotations

from collections.abc import Iterable
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
from services.contract.adapters.orm import contract_running as f
from services.contract.adapters.orm import org_unit
from services.contract.domain.contract import DOCUMENT_TYPE

EXECUTED = ("signed", "completed", "terminated")
PAYABLE_STATUSES = ("signed", "terminated")
ZERO = sa.literal(0, sa.Numeric(15, 2))
FIGURES = ("original_amount", "amendments", "amount", "paid", "payable_now", "remaining")

# The running figures of the contracts `{where}` selects (alias c), from their milestone rows and payment ledger
# as recorded now: every payment made counts, every met_on stored is met. Retention (after_warranty) is kept
# apart: whether it is met depends on the day asked (the day after the warranty end). A payment's days left
# null take the policy's default at report time (met_first + default days), so the default is not frozen here.
# Migration 0007 backfills with a copy of this statement.
REFRESH = """
WITH m AS (
    SELECT ms.contract_id, ms.no, ms.condition, ms.planned_date, ms.payment_days,
           ms.amount - coalesce(mp.paid, 0) AS unpaid,
           CASE ms.condition WHEN 'on_signing' THEN c.signed_on WHEN 'after_warranty' THEN NULL
                ELSE ms.met_on END AS met_on,
           ms.condition = 'after_warranty' AS retention
    FROM contract c
    JOIN contract_milestone ms ON ms.contract_id = c.id
    LEFT JOIN (SELECT p.contract_id, p.milestone_no, sum(p.amount) AS paid FROM contract_payment p
               JOIN contract c ON c.id = p.contract_id
               WHERE p.status = 'paid' AND {where} GROUP BY p.contract_id, p.milestone_no) mp
           ON mp.contract_id = ms.contract_id AND mp.milestone_no = ms.no
    WHERE {where}
), per_m AS (
    SELECT contract_id,
           sum(unpaid) FILTER (WHERE NOT retention AND met_on IS NOT NULL AND unpaid > 0) AS payable_met,
           sum(unpaid) FILTER (WHERE retention AND unpaid > 0) AS retention_unpaid,
           bool_or(unpaid > 0) FILTER (WHERE NOT retention) AS unfinished,
           min(no) FILTER (WHERE unpaid > 0) AS next_no,
           min(met_on + payment_days) FILTER (WHERE NOT retention AND unpaid > 0 AND payment_days IS NOT NULL)
               AS due_first,
           min(met_on) FILTER (WHERE NOT retention AND unpaid > 0 AND payment_days IS NULL) AS met_first,
           min(payment_days) FILTER (WHERE retention AND unpaid > 0) AS retention_days,
           bool_or(payment_days IS NULL) FILTER (WHERE retention AND unpaid > 0) AS retention_default,
           min(planned_date) FILTER (WHERE NOT retention AND met_on IS NULL) AS planned_first,
           min(planned_date) FILTER (WHERE retention) AS retention_planned,
           max(met_on) AS met_last
    FROM m GROUP BY contract_id
), per_p AS (
    SELECT p.contract_id, sum(p.amount) FILTER (WHERE p.status = 'paid') AS paid,
           sum(p.amount) FILTER (WHERE p.status = 'reserved') AS reserved,
           max(p.paid_on) FILTER (WHERE p.status = 'paid') AS paid_last
    FROM contract_payment p JOIN contract c ON c.id = p.contract_id
    WHERE {where} GROUP BY p.contract_id
)
INSERT INTO contract_running (contract_id, paid, reserved, payable_met, retention_unpaid, unfinished, next_no,
                              due_first, met_first, retention_days, retention_default, planned_first,
                              retention_planned, facts_until)
SELECT c.id, coalesce(pp.paid, 0), coalesce(pp.reserved, 0), coalesce(pm.payable_met, 0),
       coalesce(pm.retention_unpaid, 0), coalesce(pm.unfinished, false), pm.next_no, pm.due_first, pm.met_first,
       pm.retention_days, coalesce(pm.retention_default, false), pm.planned_first, pm.retention_planned,
       greatest(c.signed_on, pm.met_last, pp.paid_last)
FROM contract c
LEFT JOIN per_m pm ON pm.contract_id = c.id
LEFT JOIN per_p pp ON pp.contract_id = c.id
WHERE {where}
ON CONFLICT (contract_id) DO UPDATE SET
    paid = EXCLUDED.paid, reserved = EXCLUDED.reserved, payable_met = EXCLUDED.payable_met,
    retention_unpaid = EXCLUDED.retention_unpaid, unfinished = EXCLUDED.unfinished, next_no = EXCLUDED.next_no,
    due_first = EXCLUDED.due_first, met_first = EXCLUDED.met_first, retention_days = EXCLUDED.retention_days,
    retention_default = EXCLUDED.retention_default, planned_first = EXCLUDED.planned_first,
    retention_planned = EXCLUDED.retention_planned, facts_until = EXCLUDED.facts_until
"""
_REFRESH_SOME = sa.text(REFRESH.format(where="c.id = ANY(CAST(:ids AS uuid[]))"))
_REFRESH_ALL = sa.text(REFRESH.format(where="TRUE"))


def refresh(conn: Connection, contract_ids: Iterable[str]) -> None:
    """Rewrite the running figures of these contracts from their facts, in the caller's transaction (the one
    that recorded the facts: the report never reads figures the facts do not back)."""
    ids = sorted({str(i) for i in contract_ids})
    if ids:
        conn.execute(_REFRESH_SOME, {"ids": ids})


def refresh_all(conn: Connection) -> None:
    """Every contract's running figures (after writing facts straight into the tables, as the bench does)."""
    conn.execute(_REFRESH_ALL)


def _states(ids: Any, *, as_of: date, default_days: int) -> sa.Subquery:
    """Each milestone's state on `as_of` for the contracts `ids` selects (the domain's definitions, row by row)."""
    made = sa.and_(pay.c.status == "paid", pay.c.paid_on <= as_of)
    pm = (
        sa.select(pay.c.contract_id, pay.c.milestone_no, sa.func.sum(pay.c.amount).label("paid"))
        .where(made, pay.c.milestone_no.is_not(None), pay.c.contract_id.in_(ids))
        .group_by(pay.c.contract_id, pay.c.milestone_no)
        .subquery("pm")
    )
    met_on = sa.case(
        (ms.c.condition == "on_signing", t.c.signed_on),
        (ms.c.condition == "after_warranty", sa.case((t.c.warranty_end < as_of, t.c.warranty_end + 1))),
        else_=sa.case((ms.c.met_on <= as_of, ms.c.met_on)),
    )
    paid = sa.func.coalesce(pm.c.paid, ZERO)
    days = sa.func.coalesce(ms.c.payment_days, default_days)
    # OFFSET 0 keeps the planner from inlining the expressions into every aggregate that reads them.
    raw = (
        sa.select(
            t.c.id,
            ms.c.no,
            ms.c.name,
            ms.c.condition,
            ms.c.amount,
            paid.label("paid"),
            (ms.c.amount - paid).label("unpaid"),
            met_on.label("met_on"),
            (met_on + days).label("due_on"),
            ms.c.planned_date,
        )
        .select_from(
            t.join(ms, ms.c.contract_id == t.c.id).outerjoin(
                pm, sa.and_(pm.c.contract_id == ms.c.contract_id, pm.c.milestone_no == ms.c.no)
            )
        )
        .where(t.c.id.in_(ids))
        .offset(0)
        .subquery("raw")
    )
    owed = sa.and_(raw.c.met_on.is_not(None), raw.c.unpaid > 0)
    overdue = sa.or_(sa.and_(owed, raw.c.due_on < as_of), sa.and_(raw.c.met_on.is_(None), raw.c.planned_date < as_of))
    return sa.select(
        raw,
        sa.case((owed, raw.c.unpaid), else_=ZERO).label("payable"),
        sa.func.coalesce(overdue, False).label("overdue"),
    ).subquery("state")


def _contract_columns() -> list[Any]:
    return [
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
    ]


def _from_running(cond: list[Any], as_of: date, default_days: int, *, every_one: bool) -> sa.Select:
    """Contracts whose facts all lie on or before `as_of`: their figures from the running row (`every_one`: no
    contract has a later fact, so none needs looking at)."""
    retention_met = t.c.warranty_end < as_of
    retention_due = (
        t.c.warranty_end + 1 + sa.func.least(f.c.retention_days, sa.case((f.c.retention_default, default_days)))
    )
    has_overdue = sa.or_(
        f.c.due_first < as_of,
        f.c.met_first + default_days < as_of,
        retention_due < as_of,
        f.c.planned_first < as_of,
        sa.and_(f.c.retention_planned < as_of, sa.or_(t.c.warranty_end.is_(None), sa.not_(retention_met))),
    )
    query = sa.select(
        *_contract_columns(),
        (f.c.payable_met + sa.case((retention_met, f.c.retention_unpaid), else_=ZERO)).label("payable"),
        sa.func.coalesce(has_overdue, False).label("has_overdue"),
        f.c.unfinished,
        f.c.next_no,
        f.c.paid,
    ).select_from(t.join(f, f.c.contract_id == t.c.id))
    return query.where(*cond) if every_one else query.where(*cond, f.c.facts_until <= as_of)


def _from_milestones(cond: list[Any], as_of: date, default_days: int) -> sa.Select:
    """Contracts asked about before their latest fact (or without a running row): aggregated from their
    milestone states on `as_of`, those contracts only."""
    slow = (
        sa.select(t.c.id)
        .select_from(t.outerjoin(f, f.c.contract_id == t.c.id))
        .where(*cond, sa.or_(f.c.contract_id.is_(None), f.c.facts_until > as_of))
        .cte("slow")
    )
    ids = sa.select(slow.c.id)
    st = _states(ids, as_of=as_of, default_days=default_days)
    per_m = (
        sa.select(
            st.c.id,
            sa.func.sum(st.c.payable).label("payable"),
            sa.func.bool_or(st.c.overdue).label("has_overdue"),
            sa.func.coalesce(
                sa.func.bool_or(sa.and_(st.c.unpaid > 0, st.c.condition != "after_warranty")), False
            ).label("unfinished"),
            sa.func.min(st.c.no).filter(st.c.unpaid > 0).label("next_no"),
        )
        .group_by(st.c.id)
        .subquery("per_m")
    )
    pc = (
        sa.select(pay.c.contract_id, sa.func.sum(pay.c.amount).label("paid"))
        .where(pay.c.status == "paid", pay.c.paid_on <= as_of, pay.c.contract_id.in_(ids))
        .group_by(pay.c.contract_id)
        .subquery("pc")
    )
    return sa.select(
        *_contract_columns(),
        per_m.c.payable,
        per_m.c.has_overdue,
        per_m.c.unfinished,
        per_m.c.next_no,
        sa.func.coalesce(pc.c.paid, ZERO).label("paid"),
    ).select_from(t.join(per_m, per_m.c.id == t.c.id).outerjoin(pc, pc.c.contract_id == t.c.id))


def facts_all_by(conn: Connection, as_of: date) -> bool:
    """Does no contract have a fact after `as_of`? (The usual question, today or a year end: then the running
    figures answer for every contract and no milestone is read.) One index probe; every contract has its
    running row from its first write (`ContractRepository.add`, migration 0007 for the older ones)."""
    latest = conn.execute(sa.select(sa.func.max(f.c.facts_until))).scalar()
    return latest is None or latest <= as_of


def _per_contract(
    *,
    org: str,
    scope: Scope,
    unit: str | None,
    supplier_id: str | None,
    as_of: date,
    default_days: int,
    running_only: bool = False,
) -> sa.Subquery:
    """One row per executed contract in scope with its figures on `as_of` (`running_only`: `facts_all_by`)."""
    readable = visible_clause(
        scope, unit=t.c.unit, initiator=t.c.drafter, document_type=DOCUMENT_TYPE, document_id=sa.cast(t.c.id, sa.Text)
    )
    cond = [t.c.org == org, readable, t.c.status.in_(EXECUTED), t.c.signed_on <= as_of]
    if unit:
        cond.append(t.c.unit == unit)
    if supplier_id:
        cond.append(t.c.supplier_id == supplier_id)
    if running_only:
        per = _from_running(cond, as_of, default_days, every_one=True).subquery("per")
    else:
        per = sa.union_all(
            _from_running(cond, as_of, default_days, every_one=False), _from_milestones(cond, as_of, default_days)
        ).subquery("per")
    remaining = per.c.ceiling - per.c.paid
    payable_now = sa.case(
        (
            per.c.status.in_(PAYABLE_STATUSES),
            sa.func.greatest(sa.func.least(sa.func.coalesce(per.c.payable, ZERO), remaining), ZERO),
        ),
        else_=ZERO,
    )
    lapsed = sa.and_(per.c.status == "signed", per.c.end_date < as_of, per.c.unfinished)
    return sa.select(
        *(per.c[k] for k in per.c.keys() if k not in ("payable", "unfinished")),
        (per.c.amount - per.c.original_amount).label("amendments"),
        remaining.label("remaining"),
        payable_now.label("payable_now"),
        lapsed.label("lapsed"),
    ).subquery("rows")


def _no_jit(conn: Connection) -> None:
    """The planner overestimates these aggregations into JIT compilation, which costs more than it saves; and
    with the default 4 MB of work memory a grouping of many milestone rows (a past `as_of`) sorts on disk
    instead of hashing in memory."""
    conn.execute(sa.text("SET LOCAL jit = off"))
    conn.execute(sa.text("SET LOCAL work_mem = '32MB'"))


def _sums(rows: sa.Subquery) -> list[Any]:
    return [
        sa.func.count().label("contracts"),
        *(sa.func.coalesce(sa.func.sum(rows.c[k]), ZERO).label(k) for k in FIGURES),
        sa.func.count().filter(rows.c.has_overdue).label("with_overdue"),
        sa.func.count().filter(rows.c.lapsed).label("lapsed"),
    ]


def grouped(conn: Connection, group_by: str, **filters: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every group (unit or supplier; at most a few hundred) and the total, in one statement."""
    rows = _per_contract(**filters, running_only=facts_all_by(conn, filters["as_of"]))
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
    """One page of contracts (newest signing first), with their next milestone and overdue milestones (from the
    page's milestone states); the count and the total of all."""
    rows = _per_contract(**filters, running_only=facts_all_by(conn, filters["as_of"]))
    _no_jit(conn)
    # The totals of all the contracts ride on each row of the page as window sums: one pass, not two.
    totals = [
        sa.func.count().over().label("t_contracts"),
        *(sa.func.sum(rows.c[k]).over().label(f"t_{k}") for k in FIGURES),
        sa.func.count().filter(rows.c.has_overdue).over().label("t_with_overdue"),
        sa.func.count().filter(rows.c.lapsed).over().label("t_lapsed"),
    ]
    page = sa.select(rows, *totals).order_by(rows.c.signed_on.desc(), rows.c.no.desc()).offset(offset)
    page = (page.limit(limit) if limit is not None else page).cte("page")  # read thrice, computed once
    st = _states(sa.select(page.c.id), as_of=filters["as_of"], default_days=filters["default_days"])
    overdue = (
        sa.select(
            st.c.id, sa.func.array_agg(aggregate_order_by(st.c.no, st.c.no)).filter(st.c.overdue).label("overdue")
        )
        .group_by(st.c.id)
        .subquery("overdue")
    )
    query = (
        sa.select(
            page,
            overdue.c.overdue,
            st.c.name.label("next_name"),
            st.c.condition.label("next_condition"),
            st.c.amount.label("next_amount"),
            st.c.paid.label("next_paid"),
            st.c.met_on.label("next_met_on"),
            st.c.due_on.label("next_due_on"),
            st.c.planned_date.label("next_planned_date"),
        )
        .select_from(
            page.outerjoin(st, sa.and_(st.c.id == page.c.id, st.c.no == page.c.next_no)).outerjoin(
                overdue, overdue.c.id == page.c.id
            )
        )
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
