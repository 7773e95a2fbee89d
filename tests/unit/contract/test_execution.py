"""Contract execution as a computation, the report by unit and supplier, and the payment check."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from services.contract.domain import amendments as am
from services.contract.domain import execution as ex
from services.contract.domain.terms import Condition
from tests.unit.contract.factories import POLICY, award, contract, ms, refusal, signed

A = ex.AcceptanceResult
SIGNED_ON = date(2026, 4, 20)


def run(c, as_of, acceptances=(), progress=(), payments=()):
    return ex.compute(c, as_of, POLICY, acceptances, progress, payments)


def test_after_signing_the_advance_is_payable_and_the_next_milestone_is_it():
    e = run(signed(), SIGNED_ON)
    assert (e.payable_now, e.paid, e.remaining) == (D("30000.00"), D("0.00"), D("100000.00"))
    assert e.next_milestone.milestone.no == 1 and e.as_dict()["next_milestone"]["met_on"] == "2026-04-20"


def test_nothing_is_payable_before_signing():
    assert run(contract(), SIGNED_ON).payable_now == D("0.00")


def test_a_passed_acceptance_makes_its_milestone_payable_and_a_failed_one_blocks_it():
    c = signed()
    paid_advance = [ex.Payment(D("30000.00"), date(2026, 5, 1), 1)]
    passed = [ex.Acceptance(2, A.PASSED_WITH_REMARKS, date(2026, 8, 20))]
    e = run(c, date(2026, 8, 21), passed, payments=paid_advance)
    assert e.payable_now == D("65000.00") and e.next_milestone.milestone.no == 2
    failed_again = passed + [ex.Acceptance(2, A.FAILED, date(2026, 8, 25))]
    e = run(c, date(2026, 8, 26), failed_again, payments=paid_advance)
    assert e.payable_now == D("0.00") and e.milestones[1].failed
    assert refusal(ex.check_payment, e, 2, D("1.00")).code == "acceptance_failed"


def test_only_what_happened_by_the_day_counts():
    c = signed()
    e = run(c, date(2026, 8, 19), [ex.Acceptance(2, A.PASSED, date(2026, 8, 20))])
    assert e.milestones[1].met_on is None


def test_progress_milestones_follow_the_certified_progress():
    terms_ = ms(
        ("50%", Condition.ON_PROGRESS, {"progress": D("50")}),
        ("50%", Condition.ON_PROGRESS, {"progress": D("100")}),
    )
    c = signed(milestones=terms_, warranty_end=None)
    e = run(c, date(2026, 7, 1), progress=[ex.Progress(D("60"), date(2026, 6, 15))])
    assert e.payable_now == D("50000.00") and e.milestones[0].met_on == date(2026, 6, 15)


def test_retention_is_payable_only_after_the_warranty_end():
    c = signed()
    e = run(c, date(2027, 12, 31))
    assert refusal(ex.check_payment, e, 3, D("5000.00")).code == "retention_before_warranty_end"
    e = run(c, date(2028, 1, 1))
    assert e.milestones[2].met_on == date(2028, 1, 1)
    ex.check_payment(e, 3, D("5000.00"))


def test_overdue_payment_and_overdue_performance():
    c = signed()
    e = run(c, SIGNED_ON + timedelta(days=30))
    assert not e.milestones[0].overdue_payment  # due on the 30th day: not yet late
    e = run(c, SIGNED_ON + timedelta(days=31))
    assert e.milestones[0].overdue_payment and e.as_dict()["overdue"] == [1]
    e = run(c, date(2026, 9, 1), payments=[ex.Payment(D("30000.00"), date(2026, 5, 1), 1)])
    assert e.milestones[1].overdue_performance and e.as_dict()["overdue"] == [2]


def test_a_contract_past_its_end_with_work_unpaid_has_lapsed_retention_aside():
    c = signed()
    paid_all_but_retention = [
        ex.Payment(D("30000.00"), date(2026, 5, 1), 1),
        ex.Payment(D("65000.00"), date(2026, 9, 1), 2),
    ]
    acceptance = [ex.Acceptance(2, A.PASSED, date(2026, 8, 25))]
    assert not run(c, date(2027, 1, 1), acceptance, payments=paid_all_but_retention).lapsed
    assert run(c, date(2027, 1, 1), acceptance, payments=paid_all_but_retention[:1]).lapsed
    assert not run(c, date(2026, 12, 31), acceptance).lapsed


def test_the_payment_check_names_each_rule():
    c = signed()
    e = run(c, SIGNED_ON)
    assert refusal(ex.check_payment, e, 9, D("1.00")).code == "milestone_unknown"
    assert refusal(ex.check_payment, e, 2, D("1.00")).code == "payment_condition_not_met"
    assert refusal(ex.check_payment, e, 1, D("30000.01")).code == "payment_exceeds_milestone"
    ex.check_payment(e, 1, D("30000.00"))
    # Payments without a milestone still use the contract's room.
    e = run(c, SIGNED_ON, payments=[ex.Payment(D("80000.00"), SIGNED_ON)])
    error = refusal(ex.check_payment, e, 1, D("30000.00"))
    assert error.code == "payment_exceeds_contract" and e.payable_now == D("20000.00")


def test_amendments_and_termination_show_in_the_figures():
    c = signed()
    am.decide(c, am.propose(c, "g1", "BG-1", "追加", SIGNED_ON, POLICY, amount=D("110000.00")).id, True, SIGNED_ON)
    d = run(c, SIGNED_ON).as_dict()
    assert (d["original_amount"], d["amendments"], d["amount"]) == ("100000.00", "10000.00", "110000.00")
    am.terminate(c, am.TerminationKind.RESCISSION, date(2026, 6, 1), "违约", D("33000.00"), D("40000.00"))
    e = run(c, date(2026, 6, 2), payments=[ex.Payment(D("33000.00"), date(2026, 5, 1), 1)])
    assert (e.ceiling, e.remaining, e.lapsed) == (D("40000.00"), D("7000.00"), False)


def test_the_report_sums_per_unit_or_supplier():
    one, two = signed(), signed("50000.00", unit="czb", basis=award("50000.00", unit="czb"))
    rows = ex.report([run(one, SIGNED_ON), run(two, SIGNED_ON + timedelta(days=40))], "unit")
    assert [r["unit"] for r in rows] == ["czb", "dzb"]
    assert rows[0]["payable_now"] == "15000.00" and rows[0]["with_overdue"] == 1 and rows[1]["with_overdue"] == 0
    (by_supplier,) = ex.report([run(one, SIGNED_ON), run(two, SIGNED_ON)], "supplier")
    assert by_supplier["contracts"] == 2 and by_supplier["amount"] == "150000.00"


AMOUNTS = st.lists(st.decimals(min_value=D("0.01"), max_value=D("40000.00"), places=2), max_size=6)


@settings(deadline=None)  # timing is not what these test; a loaded machine must not fail them
@given(AMOUNTS, st.integers(0, 900))
def test_payable_now_never_exceeds_what_remains_and_paid_plus_remaining_is_the_ceiling(payments, day):
    c = signed()
    as_of = SIGNED_ON + timedelta(days=day)
    made = [ex.Payment(a, SIGNED_ON, (i % 3) + 1) for i, a in enumerate(payments)]
    e = run(c, as_of, [ex.Acceptance(2, A.PASSED, SIGNED_ON + timedelta(days=100))], payments=made)
    assert e.paid + e.remaining == e.ceiling
    assert D("0") <= e.payable_now <= max(e.remaining, D("0"))
    assert e.payable_now <= sum((m.payable for m in e.milestones), D("0.00"))
