"""The execution report's SQL (adapters/execution_sql.py) agrees with the domain's `compute` on a real database:
contracts in several states (signed with payments, one paid in part past its due day, a lapsed one, a
terminated one, a draft that is not executed), each figure of each contract and the sums by unit and supplier;
on several days: after every fact (the running figures), and before some (those contracts from their milestone
rows). The facts go in through the repositories, which keep the running figures; a backfill from scratch
(what migration 0007 does) finds the same figures. A throwaway database of the contract service, migrated; no
stack."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from deploy.stack import settings_from
from ic_platform.db import drop_database, migrate
from ic_platform.scope import Scope
from services.contract.adapters.execution_sql import grouped, per_contract, refresh_all, upsert_unit
from services.contract.adapters.orm import contract_running
from services.contract.adapters.repository import AcceptanceRepository, ContractRepository
from services.contract.domain import amendments, execution
from services.contract.domain.acceptance import AcceptanceRecord
from services.contract.domain.contract import SupplierFacts
from services.contract.domain.terms import Condition
from tests.unit.contract import factories as f

pytestmark = pytest.mark.integration
AS_OF = date(2027, 2, 1)
EVERYTHING = Scope(reader="auditor", everything=True)


@pytest.fixture(scope="module")
def conn():
    cfg = settings_from({"IC_DB_PREFIX": f"ic_exe{uuid.uuid4().hex[:8]}"})
    url = cfg.database_url("contract")
    migrate("contract", cfg)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as c:
            yield c
    finally:
        engine.dispose()
        drop_database(url)


def _store(repo, c, award_id):
    award = dataclasses.replace(c.basis, award_id=award_id)
    repo.conn.execute(
        sa.text(
            "INSERT INTO award_fact (award_id, org, unit, application, supplier_id, supplier_name, credit_code,"
            " amount, notice_date, method, category, budget_line_id, pre_commitment_holder) VALUES (:id, :org, :unit,"
            " '{\"type\": \"procurement_application\", \"id\": \"a1\"}', :s, 'x', 'x', :amount, :notice, 'open_tender',"
            ' \'goods\', \'L1\', \'{"type": "procurement_application", "id": "a1"}\')'
        ),
        {"id": award_id, "org": c.org, "unit": c.unit, "s": c.supplier.id, "amount": award.amount, "notice": f.NOTICE},
    )
    c.basis = award
    repo.add(c)


def _contracts():
    s2 = SupplierFacts("s2", "供应商2有限公司", "91350100M000100Y43", "reg")
    paid_on_time = f.signed("100000.00")  # 30 % on signing, 65 % on acceptance (planned 2026-08-31), 5 % retention
    lapsed = f.signed("20000.00", end_date=date(2026, 10, 31), warranty_end=date(2027, 10, 31))
    other_unit = f.signed("50000.00", unit="djb", supplier=s2, basis=f.award("50000.00", unit="djb", supplier_id="s2"))
    terminated = f.signed("80000.00", supplier=s2, basis=f.award("80000.00", supplier_id="s2"))
    amendments.terminate(
        terminated, amendments.TerminationKind("rescission"), date(2026, 6, 30), "供应商违约", D("0.00"), D("30000.00")
    )
    amended = f.signed("60000.00", warranty_end=date(2026, 12, 31))
    draft = f.contract("10000.00")
    return {
        "paid": (paid_on_time, [execution.Payment(D("30000.00"), date(2026, 5, 1), 1)], {2: date(2026, 9, 1)}),
        "lapsed": (lapsed, [execution.Payment(D("2000.00"), date(2026, 6, 1), 1)], {}),
        "other": (other_unit, [], {2: date(2027, 1, 20)}),
        "terminated": (terminated, [execution.Payment(D("24000.00"), date(2026, 5, 10), 1)], {}),
        "amended": (amended, [execution.Payment(D("1000.00"), date(2027, 3, 1), 1)], {}),  # after as_of
        "draft": (draft, [], {}),
    }


def _paid(contract_id, no, milestone_no, amount, on, status="paid") -> dict:
    paid_on = on if status == "paid" else None
    return dict(
        payment_id=uuid.uuid4(),
        payment_no=no,
        contract_id=contract_id,
        milestone_no=milestone_no,
        amount=amount,
        status=status,
        reserved_on=on,
        paid_on=paid_on,
    )


def _domain_facts(payments, met):
    return [execution.Acceptance(no, execution.AcceptanceResult.PASSED, on) for no, on in met.items()], payments


def _record(repo, ledger, n, key, c, payments, met) -> str:
    c.id, c.no = str(uuid.uuid4()), f"HT-2026-{n:06d}"
    _store(repo, c, str(uuid.uuid4()))
    for i, p in enumerate(payments):  # executed payments of the contract's payment ledger
        ledger.add_payment(**_paid(c.id, f"FK-{key}-{i}", p.milestone_no, p.amount, p.paid_on))
    # a payment still in approval (reserved) and one given back (released) are not paid
    ledger.add_payment(**_paid(c.id, f"FK-{key}-r", 1, D("1.00"), date(2026, 5, 1), "reserved"))
    ledger.add_payment(**_paid(c.id, f"FK-{key}-x", 1, D("1.00"), date(2026, 5, 1), "released"))
    for no, on in met.items():  # an acceptance meets the milestone (met_on) through the repository
        result = execution.AcceptanceResult.PASSED
        ledger.add(AcceptanceRecord(str(uuid.uuid4()), c.id, no, None, result, on, ("甲", "乙"), "甲", "", None))
    return c.no


def _explicit_days():
    """Another org's contracts with their own payment days and a planned retention day: one owing a met
    milestone (nothing else overdue), one owing only its retention."""
    owing = f.ms(
        ("50%", Condition.ON_SIGNING, {"payment_days": 10}),
        ("45%", Condition.ON_ACCEPTANCE, {"planned_date": date(2026, 7, 31), "payment_days": 5}),
        ("5%", Condition.AFTER_WARRANTY, {"payment_days": 15}),
    )
    retention = f.ms(
        ("95%", Condition.ON_SIGNING, {"payment_days": 10}),
        ("5%", Condition.AFTER_WARRANTY, {"planned_date": date(2027, 6, 30), "payment_days": 15}),
    )
    a = f.signed("40000.00", milestones=owing, warranty_end=date(2027, 9, 30), basis=f.award("40000.00"))
    b = f.signed("20000.00", milestones=retention, warranty_end=date(2027, 9, 30), basis=f.award("20000.00"))
    a.org = b.org = "org2"
    return {
        "owing": (a, [execution.Payment(D("20000.00"), date(2026, 5, 2), 1)], {2: date(2026, 8, 20)}),
        "retention": (b, [execution.Payment(D("19000.00"), date(2026, 5, 1), 1)], {}),
    }


def _boundaries(facts) -> set[date]:
    """Each day a figure may change (a due day, a planned day, the warranty's or the term's end, a fact) and the
    days around it."""
    days = set()
    for c, accepted, payments in facts.values():
        marks = [c.signed_on, c.end_date, c.warranty_end, *(p.paid_on for p in payments)]
        marks += [a.accepted_on for a in accepted] + [m.planned_date for m in c.milestones]
        e = execution.compute(c, date(2030, 1, 1), f.POLICY, accepted, (), payments)
        marks += [m.due_on for m in e.milestones]
        days |= {d + timedelta(days=k) for d in marks if d is not None for k in (-1, 0, 1, 2)}
    return days


def test_the_sql_report_agrees_with_the_domain_compute(conn):
    repo, ledger = ContractRepository(conn), AcceptanceRepository(conn)
    upsert_unit(conn, "org", "dzb", "党政综合办公室", datetime.now(UTC))
    facts = {}
    for n, (key, (c, payments, met)) in enumerate(_contracts().items()):
        facts[_record(repo, ledger, n, key, c, payments, met)] = (c, *_domain_facts(payments, met))
    computed = {no: execution.compute(c, AS_OF, f.POLICY, a, (), p) for no, (c, a, p) in facts.items()}
    filters = {"org": "org", "scope": EVERYTHING, "unit": None, "supplier_id": None, "as_of": AS_OF, "default_days": 30}

    count, rows, total = per_contract(conn, limit=None, **filters)
    assert count == 5, "the draft is not executed"
    for r in rows:
        e = computed[r["no"]]
        assert (r["paid"], r["remaining"], r["payable_now"]) == (e.paid, e.remaining, e.payable_now), r["no"]
        assert (r["amount"], r["amendments"], r["ceiling"]) == (
            e.contract.amount,
            e.contract.cumulative_change,
            e.ceiling,
        )
        assert list(r["overdue"] or []) == [m.milestone.no for m in e.overdue], r["no"]
        assert r["lapsed"] == e.lapsed, r["no"]
        nxt = e.next_milestone
        assert r["next_no"] == (nxt.milestone.no if nxt else None)
        if nxt:
            assert (r["next_amount"] - r["next_paid"], r["next_met_on"]) == (nxt.unpaid, nxt.met_on)
    assert sum(r["lapsed"] for r in rows) == sum(e.lapsed for e in computed.values()) == 4
    assert any(r["overdue"] for r in rows)
    executed = [e for no, e in computed.items() if e.contract.status.value != "draft"]
    assert total["paid"] == sum(e.paid for e in executed) == D("56000.00")
    assert total["payable_now"] == sum(e.payable_now for e in executed)

    page_count, page, _ = per_contract(conn, limit=2, offset=2, **filters)
    assert page_count == 5 and [r["no"] for r in page] == [r["no"] for r in rows[2:4]]
    past = per_contract(conn, limit=2, offset=10, **filters)
    assert (past[0], past[1], past[2]["paid"]) == (5, [], total["paid"])

    by_unit, unit_total = grouped(conn, "unit", **filters)
    assert [(g["unit"], g["contracts"]) for g in by_unit] == [("djb", 1), ("dzb", 4)]
    assert unit_total["remaining"] == sum(e.remaining for e in executed)
    dzb = [e for e in executed if e.contract.unit == "dzb"]
    assert by_unit[1]["payable_now"] == sum(e.payable_now for e in dzb)
    assert by_unit[1]["lapsed"] == sum(e.lapsed for e in dzb) == 3
    by_supplier, _ = grouped(conn, "supplier", **filters)
    assert {(g["supplier_name"], g["contracts"]) for g in by_supplier} == {
        ("供应商1有限公司", 3),
        ("供应商2有限公司", 2),
    }
    one_unit, _ = grouped(conn, "unit", **{**filters, "unit": "djb"})
    assert [g["unit"] for g in one_unit] == ["djb"]
    nobody = Scope(reader="someone", units=frozenset({"xyz"}))
    assert per_contract(conn, limit=None, **{**filters, "scope": nobody})[0] == 0
    assert Condition.ON_SIGNING  # the milestone rows came from the domain's terms

    # Before a contract's latest fact (its figures from its milestone rows) and after every fact (the running
    # figures), on each day around a due day, a planned day, the warranty's end: each contract as `compute` says.
    other = {}
    for n, (key, (c, payments, met)) in enumerate(_explicit_days().items(), start=90):
        other[_record(repo, ledger, n, key, c, payments, met)] = (c, *_domain_facts(payments, met))
    for as_of in (date(2026, 4, 25), date(2026, 9, 15), date(2026, 12, 20), date(2027, 11, 5), date(2028, 6, 1)):
        _agrees(conn, {**filters, "as_of": as_of}, facts)
    for as_of in sorted(_boundaries(other)):
        _agrees(conn, {**filters, "org": "org2", "as_of": as_of}, other)
    facts.update(other)

    # The figures kept write by write are those a backfill computes from scratch (migration 0007's statement).
    kept = {r.contract_id: r for r in conn.execute(sa.select(contract_running))}
    refresh_all(conn)
    assert {r.contract_id: r for r in conn.execute(sa.select(contract_running))} == kept
    assert len(kept) == len(facts)


def _agrees(conn, filters, facts):
    as_of = filters["as_of"]
    computed = {no: execution.compute(c, as_of, f.POLICY, a, (), p) for no, (c, a, p) in facts.items()}
    executed = {no: e for no, e in computed.items() if e.contract.signed_on and e.contract.signed_on <= as_of}
    count, rows, total = per_contract(conn, limit=None, **filters)
    assert count == len(executed), as_of
    for r in rows:
        e = executed[r["no"]]
        figures = (r["paid"], r["remaining"], r["payable_now"], r["lapsed"], list(r["overdue"] or []))
        expected = (e.paid, e.remaining, e.payable_now, e.lapsed, [m.milestone.no for m in e.overdue])
        assert figures == expected, (as_of, r["no"])
        nxt = e.next_milestone
        assert r["next_no"] == (nxt.milestone.no if nxt else None), (as_of, r["no"])
    assert total["with_overdue"] == sum(1 for e in executed.values() if e.overdue), as_of
    by_unit, unit_total = grouped(conn, "unit", **filters)
    assert unit_total["payable_now"] == sum(e.payable_now for e in executed.values()), as_of
    assert unit_total["with_overdue"] == total["with_overdue"] and unit_total["lapsed"] == total["lapsed"], as_of
