"""Posting vouchers into the journal and reading it back: periods and their counters, vouchers and lines,
payables per contract milestone, and the reports' aggregates (in SQL, over the journal's covering indexes)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from services.accounting.adapters.orm import account_period_total as tot
from services.accounting.adapters.orm import accounting_period as p
from services.accounting.adapters.orm import journal_line as j
from services.accounting.adapters.orm import payable as pay
from services.accounting.adapters.orm import voucher as v
from services.accounting.domain import chart
from services.accounting.domain.voucher import ZERO, Kind, Line, Source, Voucher

ZERO_SUM = sa.cast(0, sa.Numeric(15, 2))


class AccountingRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    # ── periods ──
    def closed_periods(self, org: str) -> set[str]:
        rows = self.conn.execute(sa.select(p.c.period).where(p.c.org == org, p.c.status == "closed"))
        return {r.period for r in rows}

    def lock_period(self, org: str, period: str) -> dict[str, Any]:
        """The period's row, created if new, locked until commit: posting and closing serialise on it."""
        self.conn.execute(pg_insert(p).values(org=org, period=period).on_conflict_do_nothing())
        row = self.conn.execute(sa.select(p).where(p.c.org == org, p.c.period == period).with_for_update()).one()
        return dict(row._mapping)

    def next_seq(self, org: str, period: str) -> int:
        """Take the month's next number (the row is locked until the posting commits: gapless)."""
        return self.conn.execute(
            sa.update(p)
            .where(p.c.org == org, p.c.period == period)
            .values(last_seq=p.c.last_seq + 1)
            .returning(p.c.last_seq)
        ).scalar_one()

    def close(self, org: str, period: str, actor: str) -> None:
        self.conn.execute(
            sa.update(p)
            .where(p.c.org == org, p.c.period == period)
            .values(status="closed", closed_at=sa.func.now(), closed_by=actor)
        )

    def earliest_open_with_vouchers(self, org: str) -> str | None:
        return self.conn.execute(
            sa.select(sa.func.min(p.c.period)).where(p.c.org == org, p.c.status == "open", p.c.last_seq > 0)
        ).scalar()

    def periods(self, org: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(sa.select(p).where(p.c.org == org).order_by(p.c.period.desc()))
        return [dict(r._mapping) for r in rows]

    # ── vouchers ──
    def add(self, voucher: Voucher, posted_by: str, event_id: str | None) -> None:
        self.conn.execute(
            sa.insert(v).values(
                id=uuid.UUID(voucher.id),
                org=voucher.org,
                no=voucher.no,
                period=voucher.period,
                seq=voucher.seq,
                voucher_date=voucher.voucher_date,
                business_date=voucher.business_date,
                kind=voucher.kind.value,
                source_type=voucher.source.type,
                source_id=voucher.source.id,
                source_no=voucher.source.no,
                unit=voucher.unit,
                budget_line_id=voucher.budget_line_id,
                fiscal_year=voucher.fiscal_year,
                amount=voucher.amount,
                summary=voucher.summary,
                contract_id=voucher.contract_id,
                milestone_no=voucher.milestone_no,
                reverses=uuid.UUID(voucher.reverses) if voucher.reverses else None,
                posted_by=posted_by,
                event_id=event_id,
            )
        )
        self.conn.execute(
            sa.insert(j),
            [
                {
                    "voucher_id": uuid.UUID(voucher.id),
                    "line_no": i,
                    "org": voucher.org,
                    "period": voucher.period,
                    "account_code": line.account_code,
                    "basis": line.basis.value,
                    "debit": line.debit,
                    "credit": line.credit,
                    "unit": voucher.unit,
                    "budget_line_id": voucher.budget_line_id,
                    "fiscal_year": voucher.fiscal_year,
                }
                for i, line in enumerate(voucher.lines, start=1)
            ],
        )

        turnover: dict[str, list[Decimal]] = {}
        for line in voucher.lines:
            sums = turnover.setdefault(line.account_code, [ZERO, ZERO])
            sums[0] += line.debit
            sums[1] += line.credit
        insert = pg_insert(tot).values(
            [
                {
                    "org": voucher.org,
                    "period": voucher.period,
                    "account_code": code,
                    "unit": voucher.unit,
                    "debit": d,
                    "credit": c,
                }
                for code, (d, c) in sorted(turnover.items())
            ]
        )
        self.conn.execute(
            insert.on_conflict_do_update(
                index_elements=[tot.c.org, tot.c.period, tot.c.account_code, tot.c.unit],
                set_={"debit": tot.c.debit + insert.excluded.debit, "credit": tot.c.credit + insert.excluded.credit},
            )
        )

    def exists(self, org: str, kind: Kind, source: Source) -> bool:
        return (
            self.conn.execute(
                sa.select(v.c.id).where(
                    v.c.org == org, v.c.kind == kind.value, v.c.source_type == source.type, v.c.source_id == source.id
                )
            ).first()
            is not None
        )

    def get(self, org: str, voucher_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(v).where(v.c.org == org, v.c.id == uuid.UUID(voucher_id))).first()
        if row is None:
            return None
        out = dict(row._mapping)
        out["lines"] = self._lines([row.id])[row.id]
        out["reversed_by"] = self.conn.execute(sa.select(v.c.no).where(v.c.reverses == row.id)).scalar()
        return out

    def _lines(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Line]]:
        out: dict[uuid.UUID, list[Line]] = {i: [] for i in ids}
        rows = self.conn.execute(
            sa.select(j.c.voucher_id, j.c.account_code, j.c.debit, j.c.credit, j.c.basis)
            .where(j.c.voucher_id.in_(ids))
            .order_by(j.c.voucher_id, j.c.line_no)
        )
        for r in rows:
            out[r.voucher_id].append(Line(r.account_code, r.debit, r.credit, chart.Basis(r.basis)))
        return out

    def page(
        self, org: str, units: frozenset[str] | None, period: str | None, kind: str | None, limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        cond = [v.c.org == org]
        if units is not None:
            cond.append(v.c.unit.in_(sorted(units)))
        if period:
            cond.append(v.c.period == period)
        if kind:
            cond.append(v.c.kind == kind)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(v).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(v).where(*cond).order_by(v.c.period.desc(), v.c.seq.desc()).limit(limit).offset(offset)
        ).all()
        ids = [r.id for r in rows]
        lines = self._lines(ids) if rows else {}
        reversed_by = dict(
            self.conn.execute(sa.select(v.c.reverses, v.c.no).where(v.c.reverses.in_(ids))).all() if ids else []
        )
        return total, [{**dict(r._mapping), "lines": lines[r.id], "reversed_by": reversed_by.get(r.id)} for r in rows]

    # ── payables per contract milestone ──
    def payable(self, org: str, contract_id: str, milestone_no: int) -> dict[str, Decimal]:
        """Locked until commit: an acceptance and a payment of the same milestone are applied one at a time."""
        self.conn.execute(
            pg_insert(pay).values(org=org, contract_id=contract_id, milestone_no=milestone_no).on_conflict_do_nothing()
        )
        row = self.conn.execute(
            sa.select(pay.c.accrued, pay.c.paid, pay.c.settled)
            .where(pay.c.org == org, pay.c.contract_id == contract_id, pay.c.milestone_no == milestone_no)
            .with_for_update()
        ).one()
        return {"accrued": row.accrued, "paid": row.paid, "settled": row.settled}

    def add_to_payable(
        self,
        org: str,
        contract_id: str,
        milestone_no: int,
        *,
        accrued: Decimal = ZERO,
        paid: Decimal = ZERO,
        settled: Decimal = ZERO,
    ) -> None:
        self.conn.execute(
            sa.update(pay)
            .where(pay.c.org == org, pay.c.contract_id == contract_id, pay.c.milestone_no == milestone_no)
            .values(accrued=pay.c.accrued + accrued, paid=pay.c.paid + paid, settled=pay.c.settled + settled)
        )

    # ── reports ──
    def trial_balance(self, org: str, period: str, units: frozenset[str] | None) -> list[dict[str, Any]]:
        """Per account: opening (everything before the period), the period's debits and credits, as sums of
        (debit, credit); the balance's side is the domain's."""
        return self._balances(tot, org, period, units)

    def trial_balance_from_lines(self, org: str, period: str, units: frozenset[str] | None) -> list[dict[str, Any]]:
        """The same sums read from the journal's lines themselves (what the monthly totals must agree with)."""
        return self._balances(j, org, period, units)

    def _balances(self, t: sa.Table, org: str, period: str, units: frozenset[str] | None) -> list[dict[str, Any]]:
        cond = [t.c.org == org, t.c.period <= period]
        if units is not None:
            cond.append(t.c.unit.in_(sorted(units)))
        before = t.c.period < period
        rows = self.conn.execute(
            sa.select(
                t.c.account_code,
                sa.func.coalesce(sa.func.sum(t.c.debit).filter(before), ZERO_SUM).label("opening_debit"),
                sa.func.coalesce(sa.func.sum(t.c.credit).filter(before), ZERO_SUM).label("opening_credit"),
                sa.func.coalesce(sa.func.sum(t.c.debit).filter(~before), ZERO_SUM).label("debit"),
                sa.func.coalesce(sa.func.sum(t.c.credit).filter(~before), ZERO_SUM).label("credit"),
            )
            .where(*cond)
            .group_by(t.c.account_code)
            .order_by(t.c.account_code)
        )
        return [dict(r._mapping) for r in rows]

    def ledger(
        self,
        org: str,
        account_code: str,
        period_from: str,
        period_to: str,
        units: frozenset[str] | None,
        limit: int,
        offset: int,
    ) -> tuple[int, dict[str, Decimal], list[dict[str, Any]], dict[str, Decimal]]:
        """(lines in range, opening sums before the range and before this page, one page of lines, sums of the
        range). A page's running balance starts from everything before it."""
        base = [j.c.org == org, j.c.account_code == account_code]
        if units is not None:
            base.append(j.c.unit.in_(sorted(units)))
        in_range = [*base, j.c.period >= period_from, j.c.period <= period_to]
        sums = sa.select(
            sa.func.count().label("n"),
            sa.func.coalesce(sa.func.sum(j.c.debit), ZERO_SUM).label("debit"),
            sa.func.coalesce(sa.func.sum(j.c.credit), ZERO_SUM).label("credit"),
        )
        opening = self.conn.execute(sums.where(*base, j.c.period < period_from)).one()
        total = self.conn.execute(sums.where(*in_range)).one()
        order = (j.c.period, v.c.seq, j.c.line_no)
        page = (
            sa.select(
                j.c.id,
                j.c.period,
                j.c.debit,
                j.c.credit,
                j.c.basis,
                j.c.unit,
                j.c.budget_line_id,
                v.c.id.label("voucher_id"),
                v.c.no,
                v.c.voucher_date,
                v.c.kind,
                v.c.summary,
            )
            .select_from(j.join(v, v.c.id == j.c.voucher_id))
            .where(*in_range)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        rows = [dict(r._mapping) for r in self.conn.execute(page)]
        before_page = {"debit": ZERO, "credit": ZERO}
        if offset:
            skipped = (
                sa.select(j.c.debit, j.c.credit)
                .select_from(j.join(v, v.c.id == j.c.voucher_id))
                .where(*in_range)
                .order_by(*order)
                .limit(offset)
                .subquery()
            )
            s = self.conn.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(skipped.c.debit), ZERO_SUM),
                    sa.func.coalesce(sa.func.sum(skipped.c.credit), ZERO_SUM),
                )
            ).one()
            before_page = {"debit": s[0], "credit": s[1]}
        return (
            total.n,
            {
                "debit": opening.debit + before_page["debit"],
                "credit": opening.credit + before_page["credit"],
                "range_opening_debit": opening.debit,
                "range_opening_credit": opening.credit,
            },
            rows,
            {"debit": total.debit, "credit": total.credit},
        )

    def expenditure_by_line(self, org: str, fiscal_year: int, units: frozenset[str] | None) -> list[dict[str, Any]]:
        """Budgetary expenditure (7101 行政支出 + 7201 事业支出, debit − credit) per budget line of a year."""
        cond = [
            j.c.org == org,
            j.c.fiscal_year == fiscal_year,
            j.c.basis == "budgetary",
            j.c.account_code.in_(chart.EXPENDITURE_ACCOUNTS),
        ]
        if units is not None:
            cond.append(j.c.unit.in_(sorted(units)))
        rows = self.conn.execute(
            sa.select(
                j.c.budget_line_id,
                sa.func.min(j.c.unit).label("unit"),
                (sa.func.sum(j.c.debit) - sa.func.sum(j.c.credit)).label("expenditure"),
            )
            .where(*cond)
            .group_by(j.c.budget_line_id)
        )
        return [dict(r._mapping) for r in rows]
