"""The budget's use cases on an in-memory unit of work (tests/unit/budget/fakes.py): the ledger, adjustments
(预算调整), overrides (超预算审批) and 三公经费 caps, with approval's answers heard through the service's bus.
Milliseconds each; the full-stack tests keep the concurrency, the database's own guards and the wire."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

import pytest

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import DomainError
from ic_platform.identity import Viewer
from services.budget.domain.model import BudgetLine, ControlMode, MoveKind
from services.budget.domain.three_public import Cap, Category
from services.budget.service_layer import adjustments, commands, handlers, overrides, three_public, year_end
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer.bus import BUS
from tests.unit.budget.fakes import FakeBudgetUnitOfWork

ORG = "xinqiao"
SOURCE, TARGET, RECEPTION = "2026-DZB-30201-01", "2026-DZB-30201-02", "2026-DZB-30217-01"
APP = {"type": "matter_application", "id": "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10", "no": "SQ-2026-000001"}
APP2 = {"type": "matter_application", "id": "6c1f3c1e-8a51-4d3e-9a43-2f7c7f2d1a11", "no": "SQ-2026-000002"}


def ctx(key: str | None = None, actor: str = "clerk", unit: str = "dzb") -> CallContext:
    return CallContext(org=ORG, actor=actor, viewer=Viewer.of(actor, unit, ["clerk"]), idempotency_key=key)


def line(line_id: str, amount: str, economic_class: str = "30201", **kw) -> BudgetLine:
    return BudgetLine(
        id=line_id,
        org=ORG,
        fiscal_year=2026,
        unit="dzb",
        functional_class="2010301",
        economic_class=economic_class,
        expenditure_kind="basic",
        fund_source="general",
        source_kind="initial",
        amount=D(amount),
        **kw,
    )


@pytest.fixture
def uow() -> FakeBudgetUnitOfWork:
    u = FakeBudgetUnitOfWork()
    u.add_line(line(SOURCE, "1000.00"))
    u.add_line(line(TARGET, "500.00"))
    u.add_line(line(RECEPTION, "1000.00", economic_class="30217"))
    return u


def hear(uow: FakeBudgetUnitOfWork, type_: str, document: dict, **payload) -> None:
    """Approval's answer, through the budget's bus as the inbox runs it (the desk's handlers left out)."""
    event = Envelope(type=type_, org=ORG, producer="approval", payload={"document": document, **payload})
    with uow:
        for handler in BUS.heard[type_]:
            if handler.__module__.startswith("services.budget"):
                handler(event, uow)
        uow.commit()


def reserve(uow, amount: str, document=APP, line_id=SOURCE, step="submit", override_id=None) -> dict:
    cmd = commands.Reserve.parse(
        {"budget_line_id": line_id, "amount": amount, "document": document, "step": step, "override_id": override_id}
    )
    return handlers.reserve(cmd, uow, ctx())


def transfer(uow, amount="300.00", key="k-1") -> dict:
    cmd = cc.SubmitAdjustment.parse(
        {
            "kind": "transfer",
            "from_budget_line_id": SOURCE,
            "to_budget_line_id": TARGET,
            "amount": amount,
            "reason": "会议费不足，从办公费调剂",
        }
    )
    return adjustments.submit_adjustment(cmd, uow, ctx(key))


# ── the ledger ──
def test_a_reservation_pre_commits_the_line_and_a_replayed_step_moves_nothing_more(uow):
    first = reserve(uow, "400.00")
    again = reserve(uow, "400.00")
    assert first["replayed"] is False and again["replayed"] is True
    assert uow.line(SOURCE).pre_committed == D("400.00") and uow.line(SOURCE).available == D("600.00")
    assert [(m.step, m.kind) for m in uow.moves.rows] == [("submit", MoveKind.PRE_COMMIT)]
    assert uow.types() == ["budget.pre_committed"]


def test_a_reservation_beyond_a_blocking_line_is_refused_and_leaves_nothing(uow):
    reserve(uow, "900.00")
    before = uow.types()
    with pytest.raises(DomainError) as refused:
        reserve(uow, "100.01", document=APP2)
    assert refused.value.code == "budget_insufficient"
    assert uow.line(SOURCE).pre_committed == D("900.00")
    assert len(uow.moves.rows) == 1 and uow.types() == before


def test_crossing_a_warning_level_is_announced_once(uow):
    reserve(uow, "790.00")
    reserve(uow, "20.00", document=APP2)  # 79 % → 81 %: the 80 % level crossed
    reserve(uow, "10.00", document=APP2, step="again")  # still above 80 %, below 95 %: nothing new
    assert uow.types().count("budget.threshold_crossed") == 1


# ── adjustments (预算调整) ──
def test_a_transfer_holds_its_money_on_the_from_line_and_goes_into_approval(uow):
    a = transfer(uow)
    assert a["status"] == "submitted" and a["no"].startswith("TZ-2026-")
    assert uow.line(SOURCE).pre_committed == D("300.00") and uow.line(TARGET).amount == D("500.00")
    assert uow.types() == ["budget.pre_committed", "budget.adjustment_submitted"]
    submitted = uow.published[-1].payload
    assert submitted["from_budget_line_id"] == SOURCE and submitted["amount"] == "300.00"


def test_the_same_idempotency_key_answers_the_same_adjustment_and_holds_once(uow):
    assert transfer(uow) == transfer(uow)
    assert len(uow.adjustments.rows) == 1 and uow.line(SOURCE).pre_committed == D("300.00")
    assert len(uow.moves.rows) == 1


def test_a_transfer_beyond_the_from_lines_available_money_is_refused_and_nothing_is_kept(uow):
    reserve(uow, "800.00")
    before = uow.types()
    with pytest.raises(DomainError):
        transfer(uow, amount="300.00")
    assert uow.adjustments.rows == {} and uow.line(SOURCE).pre_committed == D("800.00")
    assert uow.types() == before


def test_approved_moves_the_amounts_between_the_lines_and_releases_the_hold_once(uow):
    a = transfer(uow)
    hear(uow, "approval.completed", a["document"], outcome="approved")
    source, target = uow.line(SOURCE), uow.line(TARGET)
    assert (source.amount, source.pre_committed, target.amount) == (D("700.00"), D("0.00"), D("800.00"))
    assert uow.adjustments.get(a["id"]).status.value == "approved"
    assert uow.types()[-2:] == ["budget.released", "budget.adjusted"]
    published = len(uow.published)
    hear(uow, "approval.completed", a["document"], outcome="approved")  # redelivered
    assert uow.line(SOURCE).amount == D("700.00") and uow.line(TARGET).amount == D("800.00")
    assert len(uow.published) == published


def test_rejected_releases_the_hold_and_changes_no_amount(uow):
    a = transfer(uow)
    hear(uow, "approval.completed", a["document"], outcome="rejected", reason="理由不充分")
    assert uow.line(SOURCE).amount == D("1000.00") and uow.line(SOURCE).pre_committed == D("0.00")
    assert uow.line(TARGET).amount == D("500.00")
    assert uow.adjustments.get(a["id"]).status.value == "rejected"
    assert uow.types()[-1] == "budget.adjustment_rejected"


def test_returned_keeps_the_hold_and_resubmitting_holds_nothing_more(uow):
    a = transfer(uow)
    hear(uow, "approval.returned", a["document"], reason="请补充说明")
    assert uow.adjustments.get(a["id"]).status.value == "returned"
    assert uow.line(SOURCE).pre_committed == D("300.00")
    adjustments.resubmit_adjustment(cc.ResubmitAdjustment(adjustment_id=a["id"], reason="已补充"), uow, ctx())
    assert uow.line(SOURCE).pre_committed == D("300.00")
    assert uow.types()[-1] == "budget.adjustment_resubmitted"


def test_withdrawn_releases_the_hold_and_resubmitting_holds_again_as_a_new_step(uow):
    a = transfer(uow)
    hear(uow, "approval.withdrawn", a["document"], reason="先不调了")
    assert uow.line(SOURCE).pre_committed == D("0.00")
    assert uow.adjustments.get(a["id"]).status.value == "withdrawn"
    adjustments.resubmit_adjustment(cc.ResubmitAdjustment(adjustment_id=a["id"]), uow, ctx())
    assert uow.line(SOURCE).pre_committed == D("300.00")
    assert [m.step for m in uow.moves.rows] == ["submit", "release", "submit:2"]


def test_only_the_initiator_resubmits(uow):
    a = transfer(uow)
    hear(uow, "approval.returned", a["document"], reason="请补充说明")
    with pytest.raises(DomainError):
        adjustments.resubmit_adjustment(cc.ResubmitAdjustment(adjustment_id=a["id"]), uow, ctx(actor="head"))
    assert uow.adjustments.get(a["id"]).status.value == "returned"


def test_an_adjustment_is_read_by_its_unit_and_not_by_another(uow):
    a = transfer(uow)
    cmd = cc.AdjustmentId(adjustment_id=a["id"])
    assert adjustments.get_adjustment(cmd, uow, ctx(actor="head"))["id"] == a["id"]
    with pytest.raises(DomainError) as hidden:
        adjustments.get_adjustment(cmd, uow, ctx(actor="clerk_czb", unit="czb"))
    assert hidden.value.http_status == 404


# ── overrides (超预算审批) ──
def spending(type_: str, id_: str) -> dict | None:
    return {"unit": "dzb", "no": APP["no"], "budget_line_id": SOURCE} if id_ == APP["id"] else None


def approved_override(uow, amount: str = "200.00") -> dict:
    cmd = cc.RequestOverride.parse({"budget_line_id": SOURCE, "document": APP, "amount": amount, "reason": "急需"})
    o = overrides.request_override(cmd, uow, ctx("o-1"), spending)
    hear(uow, "approval.completed", o["document"], outcome="approved")
    return o


def test_an_approved_override_lets_its_document_exceed_the_line_once_by_at_most_its_amount(uow):
    reserve(uow, "900.00", document=APP2)
    o = approved_override(uow)
    assert uow.overrides.get(o["id"]).expires_at == uow.clock.at + overrides.ttl()
    answer = reserve(uow, "250.00", override_id=o["id"])  # 150.00 over the line
    assert answer["allowed"] is True
    assert uow.line(SOURCE).overrun_allowance == D("150.00") and uow.line(SOURCE).available == D("0.00")
    assert "budget.override_used" in uow.types()
    with pytest.raises(DomainError):  # used: it does not apply twice
        reserve(uow, "10.00", step="second", override_id=o["id"])


def test_an_override_does_not_cover_more_than_approved_nor_after_it_expires(uow):
    reserve(uow, "900.00", document=APP2)
    o = approved_override(uow, amount="100.00")
    with pytest.raises(DomainError):
        reserve(uow, "250.00", override_id=o["id"])  # 150.00 over, 100.00 approved
    uow.clock.at += overrides.ttl() + timedelta(seconds=1)
    with pytest.raises(DomainError):
        reserve(uow, "150.00", override_id=o["id"])  # within the amount, but expired
    assert uow.line(SOURCE).overrun_allowance == D("0.00") and uow.overrides.get(o["id"]).used_amount is None


def test_an_override_for_a_document_of_another_line_or_unit_is_refused_before_anything_is_filed(uow):
    cmd = cc.RequestOverride.parse({"budget_line_id": TARGET, "document": APP, "amount": "10.00", "reason": "急需"})
    with pytest.raises(DomainError) as refused:
        overrides.request_override(cmd, uow, ctx(), spending)
    assert refused.value.details["fields"][0]["field"] == "budget_line_id"
    assert uow.overrides.rows == {} and uow.published == []


def test_a_warning_line_needs_no_override(uow):
    uow.lines.rows[SOURCE] = replace(uow.line(SOURCE), control_mode=ControlMode.WARN)
    cmd = cc.RequestOverride.parse({"budget_line_id": SOURCE, "document": APP, "amount": "10.00", "reason": "急需"})
    with pytest.raises(DomainError) as refused:
        overrides.request_override(cmd, uow, ctx(), spending)
    assert refused.value.details["rule"] == "warn_mode_needs_no_override"


# ── 三公经费 caps ──
def test_a_reception_cap_refuses_what_the_line_would_allow(uow):
    uow.caps.rows.append(Cap(ORG, 2026, Category.OFFICIAL_RECEPTION, "", D("300.00")))
    reserve(uow, "250.00", line_id=RECEPTION)
    with pytest.raises(DomainError) as refused:
        reserve(uow, "60.00", document=APP2, line_id=RECEPTION)  # the line has 750.00 left; the cap 50.00
    assert refused.value.code == "three_public_cap_exceeded"
    assert uow.line(RECEPTION).pre_committed == D("250.00")
    reserve(uow, "50.00", document=APP2, line_id=RECEPTION)  # exactly up to the cap
    assert uow.line(RECEPTION).pre_committed == D("300.00")


def test_caps_apply_only_to_their_category(uow):
    three_public._TAGGED.clear()
    uow.caps.rows.append(Cap(ORG, 2026, Category.OFFICIAL_RECEPTION, "", D("1.00")))
    assert reserve(uow, "500.00", line_id=SOURCE)["allowed"] is True  # 30201 is no 三公 class


# ── closing the year (结账与结转) ──
CONTRACT = {"type": "contract", "id": "7d2f3c1e-8a51-4d3e-9a43-2f7c7f2d1a12", "no": "HT-2026-000001"}
SUCCESSOR = "2027-DZB-30201-01-JZ"


def close(uow, year: int = 2026) -> dict:
    return year_end.close_year(cc.CloseYear(fiscal_year=year, reason="年度结账"), uow, ctx(actor="finance"))


def test_closing_carries_what_documents_still_hold_to_next_years_line_and_closes_the_year(uow):
    reserve(uow, "400.00")
    summary = close(uow)
    assert summary["lines_closed"] == 3 and summary["documents_carried_forward"] == 1
    assert summary["carried_forward_total"] == "400.00"
    old, new = uow.line(SOURCE), uow.line(SUCCESSOR)
    assert old.closed and old.pre_committed == D("0.00")
    assert (new.fiscal_year, new.amount, new.pre_committed, new.carried_from) == (
        2027,
        D("400.00"),
        D("400.00"),
        SOURCE,
    )
    assert uow.types()[-1] == "budget.year_closed" and uow.years.state(ORG, 2026)["status"] == "closed"


def test_a_commitment_for_a_carried_document_lands_on_the_successor_and_anything_else_is_refused(uow):
    reserve(uow, "400.00")
    close(uow)
    cmd = commands.Commit.parse(
        {"budget_line_id": SOURCE, "amount": "300.00", "document": CONTRACT, "from_document": APP}
    )
    handlers.commit(cmd, uow, ctx())
    new = uow.line(SUCCESSOR)
    assert (new.committed, new.pre_committed) == (D("300.00"), D("100.00"))
    assert uow.line(SOURCE).committed == D("0.00")
    with pytest.raises(DomainError) as refused:
        reserve(uow, "10.00", document=APP2)  # nothing of APP2 was carried: the closed line refuses
    assert refused.value.code == "budget_insufficient" and refused.value.details["rule"] == "fiscal_year_closed"


def test_a_year_with_an_adjustment_in_approval_is_not_closed_and_a_closed_year_not_twice(uow):
    transfer(uow)
    with pytest.raises(DomainError) as refused:
        close(uow)
    assert refused.value.code == "fiscal_year_has_open_adjustments" and not uow.line(SOURCE).closed
    hear(uow, "approval.completed", uow.published[-1].payload["document"], outcome="approved")
    close(uow)
    with pytest.raises(DomainError):
        close(uow)
    assert uow.types().count("budget.year_closed") == 1
