"""Expense claims (报销): each rule of the domain, the detail examined against the standards (a fake budget),
the approval route, and risk turning a claim's flags into warnings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict, Forbidden, InvalidInput
from services.approval.domain.definitions import resolve_route
from services.approval.domain.directory import InMemoryDirectory
from services.payment.domain.claims import (
    ApplicationFacts,
    ClaimKind,
    ClaimPolicy,
    ClaimStatus,
    ExpenseClaim,
    Trip,
    check_application,
    check_invoices_cover,
    check_standalone,
    check_trip,
    standard_flag,
    transport_flags,
)
from services.payment.service_layer.claims import examine
from services.risk.domain.rules import Rule, Severity, flagged
from tests.unit.approval.conftest import UNITS, USERS

D = Decimal


def trip(**kw) -> Trip:
    base = dict(
        departed_on=date(2026, 5, 11),
        returned_on=date(2026, 5, 13),
        from_city="本市",
        to_city="广州",
        city_tier="一类",
        nights=2,
        transport_mode="火车",
        transport_class="二等座",
        fare=D("600.00"),
        lodging=D("800.00"),
        meals=D("300.00"),
        city_transport=D("240.00"),
    )
    return Trip(**{**base, **kw})


# ── trips ──
def test_a_trip_counts_its_days_amount_and_what_must_be_invoiced():
    t = trip()
    assert (t.days, t.amount, t.invoiced) == (3, D("1940.00"), D("1400.00"))
    check_trip(t, "detail.trips.0")


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"returned_on": date(2026, 5, 10)}, "returned_on", "不能早于出发日期"),
        ({"nights": 3}, "nights", "超过行程可住晚数（2 晚）"),
        ({"city_tier": "四类"}, "city_tier", "城市类别"),
        ({"transport_mode": "马车"}, "transport_mode", "交通方式"),
        ({"transport_class": "站票"}, "transport_class", "座席"),
        ({"nights": 0, "returned_on": date(2026, 5, 11)}, "lodging", "不能报销住宿费"),
    ],
)
def test_a_bad_trip_is_refused_naming_its_field(kw, field, words):
    with pytest.raises(InvalidInput) as err:
        check_trip(trip(**kw), "detail.trips.1")
    assert err.value.details["fields"][0]["field"] == f"detail.trips.1.{field}"
    assert words in err.value.message


def test_transport_above_the_rank_is_flagged_not_refused():
    trips = [trip(), trip(transport_mode="飞机", transport_class="公务舱"), trip(transport_class="一等座")]
    flags = transport_flags(trips, "其余人员")
    assert [f.details["trip"] for f in flags] == [1, 2]
    assert all(f.rule == "travel_class_exceeded" and f.severity == "medium" for f in flags)
    assert "公务舱" in flags[0].message and "其余人员" in flags[0].message
    assert [f.details["trip"] for f in transport_flags(trips, "厅局级")] == [1]
    assert transport_flags(trips, "省部级") == []


def answer(within: bool, action: str = "flag") -> dict:
    return {
        "kind": "travel",
        "expense_date": "2026-05-11",
        "within": within,
        "blocked": not within and action == "block",
        "action": action,
        "standard": {"code": "TRAVEL-T1-R3", "version": 1},
        "citation": "《差旅费开支标准（一类城市·其余人员）》（TRAVEL-T1-R3）第 1 版",
        "excess_total": "0.00" if within else "300.00",
        "message": "超出标准",
        "items": [
            {
                "item": "lodging",
                "label": "住宿费",
                "limit": "900.00",
                "asked": "1200.00" if not within else "800.00",
                "excess": "300.00" if not within else "0.00",
                "exceeded": not within,
            },
            {
                "item": "meals",
                "label": "伙食补助费",
                "limit": "0.00",
                "asked": "0.00",
                "excess": "0.00",
                "exceeded": False,
            },
        ],
    }


def test_a_flag_standard_exceeded_becomes_a_flag_with_the_figures_and_the_citation():
    assert standard_flag(answer(True), "第 1 段行程") is None
    flag = standard_flag(answer(False), "第 1 段行程（广州）")
    assert flag.rule == "expenditure_standard_exceeded"
    assert "住宿费限额 900.00，报销 1200.00，超出 300.00" in flag.message and "TRAVEL-T1-R3" in flag.message
    assert flag.details["standard_version"] == 1 and [i["item"] for i in flag.details["items"]] == ["lodging"]


# ── against the application, alone, invoices ──
APP = ApplicationFacts("a1", "SQ-2026-000001", "dzb", "L1", D("3000.00"), approved=True)


def test_under_the_application_the_difference_is_what_approval_releases():
    assert check_application(APP, "dzb", D("1940.00")) == D("1060.00")
    assert check_application(APP, "dzb", D("3000.00")) == D("0.00")


def test_over_the_application_is_refused_naming_the_figures():
    with pytest.raises(Conflict) as err:
        check_application(APP, "dzb", D("3840.00"))
    assert err.value.code == "expense_claim_exceeds_application"
    assert err.value.details == {
        "claim_amount": "3840.00",
        "application": "SQ-2026-000001",
        "application_amount": "3000.00",
        "excess": "840.00",
    }
    assert "3840.00" in err.value.message and "SQ-2026-000001" in err.value.message


@pytest.mark.parametrize(
    ("facts", "unit", "error", "code"),
    [
        (APP, "czb", Forbidden, "expense_claim_application_other_unit"),
        (
            ApplicationFacts("a1", "SQ-1", "dzb", "L1", D("10.00"), approved=False),
            "dzb",
            Conflict,
            "expense_claim_application_not_approved",
        ),
        (
            ApplicationFacts("a1", "SQ-1", "dzb", "L1", D("10.00"), True, claimed_by="BX-2026-000003"),
            "dzb",
            Conflict,
            "expense_claim_application_claimed",
        ),
    ],
)
def test_an_application_that_cannot_be_claimed_is_refused(facts, unit, error, code):
    with pytest.raises(error) as err:
        check_application(facts, unit, D("5.00"))
    assert err.value.code == code


def test_a_standalone_claim_is_limited_by_the_policy():
    check_standalone(D("2000.00"), ClaimPolicy())
    with pytest.raises(Conflict) as err:
        check_standalone(D("2000.01"), ClaimPolicy())
    assert err.value.code == "expense_claim_requires_application" and "2000.00" in err.value.message
    check_standalone(D("4999.00"), ClaimPolicy(standalone_limit=D("5000.00")))


def test_the_invoices_cover_what_must_be_invoiced():
    check_invoices_cover(D("1400.00"), D("1400.00"))
    with pytest.raises(Conflict) as err:
        check_invoices_cover(D("1400.00"), D("1000.00"))
    assert err.value.code == "expense_claim_invoices_short" and err.value.details["invoice_total"] == "1000.00"


def claim(**kw) -> ExpenseClaim:
    base = dict(
        id="c1",
        no="BX-2026-000001",
        org="xinqiao",
        unit="dzb",
        claimant="clerk",
        title="差旅",
        kind=ClaimKind.TRAVEL,
        budget_line_id="L1",
        amount=D("100.00"),
        detail={},
    )
    return ExpenseClaim(**{**base, **kw})


def test_statuses_move_only_as_allowed_and_only_the_claimant_cancels():
    c = claim()
    assert c.move_to(ClaimStatus.RETURNED, "补充发票") and not c.move_to(ClaimStatus.RETURNED)
    with pytest.raises(Forbidden):
        c.cancel("head", "不要了")
    c.cancel("clerk", "重复填报")
    assert c.status is ClaimStatus.CANCELLED
    with pytest.raises(Conflict) as err:
        claim(status=ClaimStatus.APPROVED).cancel("clerk", "x")
    assert err.value.code == "expense_claim_not_cancellable"
    with pytest.raises(Conflict):
        claim(status=ClaimStatus.APPROVED).move_to(ClaimStatus.SUBMITTED)


# ── the detail examined against the standards (budget faked) ──
class FakeBudget:
    def __init__(self, over: set[str] = frozenset(), action: str = "flag"):
        self.over, self.action, self.asked = over, action, []

    def check_standard(self, **kwargs):
        self.asked.append(kwargs)
        d = kwargs["details"]
        item = "lodging" if kwargs["kind"] == "travel" and d.get("lodging") not in (None, "0", "0.00") else "total"
        a = answer(item not in self.over, self.action)
        a["kind"] = kwargs["kind"]
        return a


TRAVEL = {
    "traveller": "李晓敏",
    "rank": "其余人员",
    "trips": [
        {
            "departed_on": "2026-05-11",
            "returned_on": "2026-05-13",
            "from_city": "本市",
            "to_city": "广州",
            "city_tier": "一类",
            "nights": 2,
            "transport_mode": "火车",
            "transport_class": "二等座",
            "fare": "600.00",
            "lodging": "800.00",
            "meals": "300.00",
            "city_transport": "240.00",
        }
    ],
}


def test_a_travel_claim_is_checked_by_the_night_for_lodging_and_by_the_day_for_allowances():
    budget = FakeBudget()
    _, total, invoiced, flags = examine(ClaimKind.TRAVEL, TRAVEL, budget)
    assert (total, invoiced, flags) == (D("1940.00"), D("1400.00"), [])
    lodging, allowances = budget.asked
    assert lodging["details"]["days"] == 2 and lodging["details"]["lodging"] == "800.00"
    assert allowances["details"]["days"] == 3 and allowances["details"]["meals"] == "300.00"
    assert lodging["details"]["city"] == "广州" and lodging["expense_date"] == "2026-05-11"


def test_over_a_flag_standard_the_claim_carries_a_flag_and_over_a_block_standard_it_is_refused():
    _, _, _, flags = examine(ClaimKind.TRAVEL, TRAVEL, FakeBudget({"lodging"}))
    assert [f["rule"] for f in flags] == ["expenditure_standard_exceeded"]
    assert "第 1 段行程（广州）" in flags[0]["message"]
    meeting = {
        "name": "年度工作会",
        "category": "二类",
        "held_on": "2026-05-12",
        "persons": 10,
        "days": 1,
        "amount": "8000.00",
    }
    with pytest.raises(Conflict) as err:
        examine(ClaimKind.MEETING, meeting, FakeBudget({"total"}, action="block"))
    assert err.value.code == "expenditure_standard_exceeded"


def test_a_reception_needs_its_letter_and_guests_and_is_checked_per_diner():
    reception = {
        "letter": {"no": "粤民函〔2026〕12号", "issuer": "某区民政局", "dated": "2026-05-01"},
        "held_on": "2026-05-12",
        "guests": [
            {"name": "张三", "organisation": "某区民政局", "position": "科长"},
            {"name": "李四", "organisation": "某区民政局"},
        ],
        "accompany": 1,
        "amount": "360.00",
    }
    budget = FakeBudget()
    _, total, _, _ = examine(ClaimKind.RECEPTION, reception, budget)
    assert total == D("360.00") and budget.asked[0]["details"]["guests"] == 2
    with pytest.raises(InvalidInput) as err:
        examine(ClaimKind.RECEPTION, {k: v for k, v in reception.items() if k != "letter"}, FakeBudget())
    assert err.value.details["fields"][0]["field"] == "detail.letter"


def test_a_total_beyond_what_money_holds_is_refused_not_stored():
    items = [{"description": f"第 {i} 项", "amount": "9999999999999.99"} for i in range(3)]
    with pytest.raises(InvalidInput) as err:
        examine(ClaimKind.OTHER, {"spent_on": "2026-05-10", "items": items}, FakeBudget())
    assert err.value.details["fields"][0]["field"] == "detail" and "超出允许范围" in err.value.message


def test_other_items_add_up_and_a_bad_detail_names_its_field():
    other = {
        "spent_on": "2026-05-10",
        "items": [{"description": "打印纸", "amount": "120.00"}, {"description": "墨盒", "amount": "80.50"}],
    }
    assert examine(ClaimKind.OTHER, other, FakeBudget())[1:3] == (D("200.50"), D("200.50"))
    bad = {**TRAVEL, "trips": [{**TRAVEL["trips"][0], "nights": 5}]}
    with pytest.raises(InvalidInput) as err:
        examine(ClaimKind.TRAVEL, bad, FakeBudget())
    assert err.value.details["fields"][0]["field"] == "detail.trips.0.nights"
    with pytest.raises(InvalidInput) as err:
        examine(ClaimKind.TRAVEL, {**TRAVEL, "rank": "处长"}, FakeBudget())
    assert err.value.details["fields"][0]["field"] == "detail.rank"


# ── the approval route ──
def test_a_claim_goes_to_the_unit_head_then_finance_and_from_ten_thousand_the_leader():
    directory = InMemoryDirectory.of(UNITS, USERS)
    small = resolve_route("expense_claim", {"amount": D("1940.00"), "unit": "dzb", "initiator": "clerk"}, directory)
    assert [s.approver_role for s in small] == ["unit_head", "finance_reviewer"]
    large = resolve_route("expense_claim", {"amount": D("10000.00"), "unit": "dzb", "initiator": "clerk"}, directory)
    assert [s.approver_role for s in large][-1] == "leader_in_charge"


# ── risk: the claim's flags as warnings ──
def test_risk_turns_each_rules_flags_into_one_warning_on_the_claim():
    doc = DocumentRef("expense_claim", "c1", "BX-2026-000001")
    flags = [
        {"rule": "expenditure_standard_exceeded", "severity": "medium", "message": "住宿费超标", "details": {}},
        {"rule": "expenditure_standard_exceeded", "severity": "high", "message": "会议费超标", "details": {}},
        {"rule": "travel_class_exceeded", "severity": "medium", "message": "公务舱", "details": {}},
    ]
    draft = flagged(doc, flags, Rule.EXPENDITURE_STANDARD_EXCEEDED)
    assert draft.severity is Severity.HIGH and draft.message == "住宿费超标；会议费超标"
    assert draft.evidence["count"] == 2 and draft.document == doc
    assert flagged(doc, flags, Rule.TRAVEL_CLASS_EXCEEDED).message == "公务舱"
    assert flagged(doc, [], Rule.TRAVEL_CLASS_EXCEEDED) is None
