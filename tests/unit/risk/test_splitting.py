"""Splitting and thresholds (domain/splitting.py, service_layer/splitting.py over in-memory fakes): the split
across all of a unit's lines, many small parts by class, category or supplier, parts heard out of order, the
cost of a judgement flat in history, just below the approval threshold, method downgrades."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.rule_book import RULE_BOOK
from services.risk.domain.rules import Rule, Severity
from services.risk.domain.splitting import (
    Bucket,
    NeedMethod,
    Part,
    completed_by,
    just_below_approval,
    method_downgrade,
    scope,
    split_warning,
    window_of,
)
from services.risk.service_layer import assessment, splitting
from tests.unit.risk.fake_splits import FakeSplits, policy_of

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@dataclass
class FakeWarnings:
    raised: list = field(default_factory=list)

    def raise_once(self, org, draft):  # noqa: ANN001, ANN201
        if not any((d.document.id, d.rule) == (draft.document.id, draft.rule) for d in self.raised):
            self.raised.append(draft)
        return None  # nothing to publish in a unit test


class FakeRuleBook:
    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        return None


class FakeUow:
    def __init__(self) -> None:
        self.splits, self.warnings, self.rule_book = FakeSplits(), FakeWarnings(), FakeRuleBook()

    def of(self, rule: Rule) -> dict[str, Any]:
        return {d.document.id: d for d in self.warnings.raised if d.rule is rule}


def matter(n: int, amount: str, at: datetime, *, line: str = "L1", unit: str = "dzb", ec: str | None = None):
    payload = {
        "document": {"type": "matter_application", "id": f"m{n}", "no": f"SQ-2026-{n:06d}"},
        "unit": unit,
        "applicant": "clerk",
        "amount": amount,
        "title": f"第 {n} 批",
        "budget_line_id": line,
        **({"economic_class": ec} if ec else {}),
    }
    return Envelope(
        type="payment.matter_application_submitted",
        payload=payload,
        org="xinqiao",
        producer="payment",
        occurred_at=at.isoformat(),
    )


def hear(uow: FakeUow, event: Envelope) -> None:
    """The split rules judged in the submission's assessment (the other modules' rules have tests of their own)."""
    for _, judge in assessment.submission_rules(event.type):
        if judge.__module__ == splitting.__name__:
            judge(event, uow)


# ── domain ──
def doc(n: int) -> DocumentRef:
    return DocumentRef("matter_application", f"m{n}", f"SQ-{n}")


def part(n: int, amount: str, day: int, line: str = "L1") -> Part:
    return Part(doc(n), "dzb", Decimal(amount), T0 + timedelta(days=day), f"第 {n} 批", line)


def test_a_window_reaching_the_threshold_warns_with_the_figures_and_the_other_parts():
    p, others = part(3, "20000.00", 2, "L2"), [part(1, "20000.00", 0), part(2, "20000.00", 1)]
    draft = split_warning(p, scope("unit"), policy_of(), Bucket(Decimal("60000.00"), 3), others)
    assert (draft.rule, draft.severity, draft.document) == (Rule.SPLIT_ACROSS_LINES, Severity.MEDIUM, p.document)
    assert draft.evidence["budget_lines"] == ["L1", "L2"] and draft.evidence["total"] == "60000.00"
    assert draft.evidence["count"] == 3 and draft.evidence["others_count"] == 2
    assert [o["document"]["no"] for o in draft.evidence["others"]] == ["SQ-1", "SQ-2"]
    assert set(draft.evidence) == set(RULE_BOOK[Rule.SPLIT_ACROSS_LINES].evidence)
    assert "跨指标" in draft.message and "60,000.00" in draft.message
    on_line = split_warning(p, scope("line:L2"), policy_of(), Bucket(Decimal("60000.00"), 3), others)
    assert (on_line.rule, on_line.severity) == (Rule.SPLIT_PURCHASE, Severity.HIGH) and "化整为零" in on_line.message
    assert set(on_line.evidence) == set(RULE_BOOK[Rule.SPLIT_PURCHASE].evidence)


def test_below_the_threshold_or_a_single_part_or_a_large_part_does_not_warn():
    assert split_warning(part(1, "20000.00", 0), scope("unit"), policy_of(), Bucket(Decimal("49999.99"), 3), []) is None
    assert split_warning(part(1, "49000.00", 0), scope("unit"), policy_of(), Bucket(Decimal("49000"), 1), []) is None
    big = part(1, "50000.00", 0)
    assert split_warning(big, scope("unit"), policy_of(), Bucket(Decimal("90000"), 2), []) is None


def test_the_window_is_calendar_days_ending_on_the_parts_day():
    policy = policy_of(days=30)
    buckets = {date(2026, 3, 1): Bucket(Decimal("1"), 1), date(2026, 3, 30): Bucket(Decimal("2"), 1)}
    assert window_of(buckets, date(2026, 3, 30), policy) == Bucket(Decimal("3"), 2)
    assert window_of(buckets, date(2026, 3, 31), policy) == Bucket(Decimal("2"), 1)


def test_a_late_part_completes_the_later_days_whose_window_it_brings_to_the_threshold():
    policy = policy_of()
    late = part(9, "20000.00", 0)
    d = late.day
    buckets = {
        d: Bucket(Decimal("20000.00"), 1),
        d + timedelta(days=1): Bucket(Decimal("20000.00"), 1),  # 40,000 with the late part: not yet
        d + timedelta(days=2): Bucket(Decimal("20000.00"), 1),  # 60,000: completed by the late part
        d + timedelta(days=3): Bucket(Decimal("20000.00"), 1),  # 80,000, but 60,000 without it: warned before
        d + timedelta(days=40): Bucket(Decimal("20000.00"), 1),  # outside the late part's reach
    }
    assert completed_by(late, buckets, policy) == [d + timedelta(days=2)]


def test_small_parts_are_a_medium_warning_of_their_own_rule():
    draft = split_warning(
        part(5, "900.00", 0), scope("supplier:S1"), policy_of(min_part="0.01", parts=5), Bucket(Decimal("50000"), 5), []
    )
    assert (draft.rule, draft.severity) == (Rule.SPLIT_SMALL_PARTS, Severity.MEDIUM)
    assert draft.evidence["scope"] == "supplier" and draft.evidence["scope_key"] == "supplier:S1"
    assert set(draft.evidence) == set(RULE_BOOK[Rule.SPLIT_SMALL_PARTS].evidence)


def test_just_below_the_approval_threshold():
    draft = just_below_approval(doc(1), Decimal("46000.00"), Decimal("50000.00"), Decimal("10"))
    assert draft.rule is Rule.JUST_BELOW_APPROVAL_THRESHOLD and draft.evidence["gap"] == "4000.00"
    assert set(draft.evidence) == set(RULE_BOOK[Rule.JUST_BELOW_APPROVAL_THRESHOLD].evidence)
    assert just_below_approval(doc(1), Decimal("44999.99"), Decimal("50000.00"), Decimal("10")) is None
    assert just_below_approval(doc(1), Decimal("50000.00"), Decimal("50000.00"), Decimal("10")) is None


def test_a_weaker_method_for_the_same_need_or_a_downward_change_is_a_downgrade():
    earlier = NeedMethod("matter_application:m1", "open_tender", DocumentRef("procurement_application", "p1", "CG-1"))
    draft = method_downgrade(DocumentRef("procurement_application", "p2", "CG-2"), "single_source", earlier)
    assert draft.rule is Rule.METHOD_DOWNGRADE and draft.evidence["earlier_method"] == "open_tender"
    assert draft.evidence["earlier_document"]["no"] == "CG-1" and "公开招标" in draft.message
    assert set(draft.evidence) == set(RULE_BOOK[Rule.METHOD_DOWNGRADE].evidence)
    assert method_downgrade(doc(2), "open_tender", earlier) is None
    assert method_downgrade(doc(2), "competitive_negotiation", earlier) is not None
    change = method_downgrade(doc(3), "competitive_negotiation", None, tender_failed=True, requested_from="open_tender")
    assert change.evidence["change_requested"] and change.evidence["tender_failed"] and "流标" in change.message
    assert method_downgrade(doc(3), "open_tender", None, requested_from="invited_tender") is None


# ── use cases over fakes ──
def test_two_lines_of_one_unit_now_add_up():
    uow = FakeUow()
    hear(uow, matter(1, "30000.00", T0, line="L1"))
    hear(uow, matter(2, "30000.00", T0 + timedelta(days=3), line="L2"))
    warned = uow.of(Rule.SPLIT_ACROSS_LINES)
    assert list(warned) == ["m2"] and warned["m2"].evidence["budget_lines"] == ["L1", "L2"]
    assert warned["m2"].evidence["others"][0]["document"]["no"] == "SQ-2026-000001"
    assert not uow.of(Rule.SPLIT_PURCHASE)


def test_a_split_on_one_line_is_warned_once_by_the_line_rule():
    uow = FakeUow()
    hear(uow, matter(1, "30000.00", T0))
    hear(uow, matter(2, "30000.00", T0 + timedelta(days=3)))
    assert list(uow.of(Rule.SPLIT_PURCHASE)) == ["m2"] and not uow.of(Rule.SPLIT_ACROSS_LINES)


def test_many_small_parts_of_one_economic_class_warn_and_petty_ones_elsewhere_do_not():
    uow = FakeUow()
    for n in range(1, 12):
        hear(uow, matter(n, "4800.00", T0 + timedelta(days=n), ec="30201"))
    small = uow.of(Rule.SPLIT_SMALL_PARTS)
    assert sorted(small) == ["m11"]  # 11 × 4,800 = 52,800 ≥ 50,000 only with the eleventh
    assert small["m11"].evidence["count"] == 11 and small["m11"].evidence["scope_key"] == "class:30201"
    assert not uow.of(Rule.SPLIT_PURCHASE) and not uow.of(Rule.SPLIT_ACROSS_LINES)  # each under 5,000
    other = FakeUow()
    for n in range(1, 12):
        hear(other, matter(n, "4800.00", T0 + timedelta(days=n)))  # no class named
    assert not other.of(Rule.SPLIT_SMALL_PARTS)


def test_payments_to_one_supplier_outside_contracts_are_parts_by_supplier():
    uow = FakeUow()
    for n in range(1, 6):
        payload = {
            "document": {"type": "payment_request", "id": f"f{n}", "no": f"FK-2026-{n:06d}"},
            "unit": "dzb",
            "applicant": "clerk",
            "amount": "10000.00",
            "title": "维修",
            "payment_id": f"f{n}",
            "contract_id": None,
            "supplier_id": "S1",
            "budget_line_id": "L1",
        }
        at = (T0 + timedelta(days=n)).isoformat()
        hear(
            uow,
            Envelope(type="payment.payment_requested", payload=payload, org="x", producer="payment", occurred_at=at),
        )
    assert list(uow.of(Rule.SPLIT_SMALL_PARTS)) == ["f5"]


def test_a_rejected_part_no_longer_counts():
    uow = FakeUow()
    hear(uow, matter(1, "30000.00", T0))
    rejected = {"document": {"type": "matter_application", "id": "m1"}, "reason": "x"}
    splitting.on_withdrawn(
        Envelope(type="payment.matter_application_rejected", payload=rejected, org="x", producer="p"), uow
    )
    hear(uow, matter(2, "30000.00", T0 + timedelta(days=1)))
    assert not uow.of(Rule.SPLIT_PURCHASE) and not uow.of(Rule.SPLIT_ACROSS_LINES)


def test_the_last_part_heard_first_is_warned_when_the_earlier_ones_arrive():
    uow = FakeUow()
    hear(uow, matter(3, "20000.00", T0 + timedelta(days=2)))
    hear(uow, matter(1, "20000.00", T0))
    assert not uow.of(Rule.SPLIT_PURCHASE)
    hear(uow, matter(2, "20000.00", T0 + timedelta(days=1)))  # completes the third's window, not its own
    warned = uow.of(Rule.SPLIT_PURCHASE)
    assert list(warned) == ["m3"] and warned["m3"].evidence["completed_by"]["id"] == "m2"
    assert "迟到" in warned["m3"].message


def test_judging_reads_the_same_few_rows_however_long_the_history():
    def rows_for_one_more(history: int) -> int:
        uow = FakeUow()
        for n in range(history):  # sixty days of petty parts, every day some
            hear(uow, matter(n, "1.00", T0 + timedelta(minutes=n * 86_400 // history), ec="30201"))
        uow.splits.rows_read = 0
        hear(uow, matter(10**6, "1.00", T0 + timedelta(days=60), ec="30201"))
        return uow.splits.rows_read

    assert rows_for_one_more(1000) == rows_for_one_more(100) <= 30  # at most a bucket per day of the window


def test_the_band_is_counted_afresh_once_when_the_parameters_change(ic_settings):
    uow = FakeUow()
    hear(uow, matter(1, "4000.00", T0))
    ic_settings(IC_RISK_SPLIT_MIN_PART="3000.00", IC_RISK_SPLIT_THRESHOLD="8000.00")
    hear(uow, matter(2, "4000.00", T0 + timedelta(days=1)))
    assert list(uow.of(Rule.SPLIT_PURCHASE)) == ["m2"]


def test_procurement_submissions_judge_the_method_against_the_need():
    uow = FakeUow()

    def procurement(n: int, method: str) -> Envelope:
        payload = {
            "document": {"type": "procurement_application", "id": f"p{n}", "no": f"CG-{n}"},
            "unit": "dzb",
            "applicant": "clerk",
            "amount": "800000.00",
            "title": "设备",
            "category": "goods",
            "method": method,
            "funding": {
                "source": "matter_application",
                "budget_line_id": "L1",
                "matter_application": {"type": "matter_application", "id": "m1"},
            },
        }
        return Envelope(type="procurement.application_submitted", payload=payload, org="x", producer="procurement")

    hear(uow, procurement(1, "open_tender"))
    hear(uow, procurement(2, "competitive_negotiation"))
    assert list(uow.of(Rule.METHOD_DOWNGRADE)) == ["p2"]


# ── out of order: whatever the order, every day whose final window (all lines) holds a split has a warned part
# (by the line's rule or the all-lines one), and no other day has one ──
PARTS = st.lists(
    st.tuples(
        st.sampled_from(["3000.00", "5000.00", "12000.00", "20000.00", "30000.00", "49999.99", "60000.00"]),
        st.integers(0, 70),  # day
        st.sampled_from(["L1", "L2"]),
    ),
    max_size=25,
)


@settings(max_examples=120, deadline=None)
@given(PARTS, st.randoms(use_true_random=False))
def test_any_order_warns_every_day_whose_window_holds_a_split(parts, rnd):
    events = [matter(n, a, T0 + timedelta(days=d, minutes=n), line=line) for n, (a, d, line) in enumerate(parts)]
    rnd.shuffle(events)
    uow = FakeUow()
    for e in events:
        hear(uow, e)
    policy = policy_of()
    counted = [Part(doc(n), "dzb", Decimal(a), T0 + timedelta(days=d, minutes=n)) for n, (a, d, _) in enumerate(parts)]
    counted = [p for p in counted if policy.counts(p.amount)]
    buckets: dict[date, Bucket] = {}
    for p in counted:
        buckets[p.day] = buckets.get(p.day, Bucket()).plus(Bucket(p.amount, 1))
    warned = {**uow.of(Rule.SPLIT_PURCHASE), **uow.of(Rule.SPLIT_ACROSS_LINES)}
    warned_days = {p.day for p in counted if p.document.id in warned}
    for day in buckets:
        w = window_of(buckets, day, policy)
        assert policy.meets(w.total, w.count) == (day in warned_days), day


def test_parts_of_one_day_heard_in_reverse_warn_the_latest_submitted_not_the_latest_heard():
    uow2 = FakeUow()
    hear(uow2, matter(1, "30000.00", T0))
    hear(uow2, matter(3, "15000.00", T0 + timedelta(hours=2)))
    assert not uow2.of(Rule.SPLIT_PURCHASE)
    hear(uow2, matter(2, "5000.00", T0 + timedelta(hours=1)))  # its own window: 35,000; the third's now 50,000
    warned = uow2.of(Rule.SPLIT_PURCHASE)
    assert list(warned) == ["m3"] and warned["m3"].evidence["completed_by"]["id"] == "m2"
    assert warned["m3"].evidence["total"] == "50000.00" and warned["m3"].evidence["count"] == 3
