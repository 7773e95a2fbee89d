"""The split rule judged from a running tally (service_layer/warnings.py with domain SplitTally) decides exactly
what the rule judged from the whole history decides, whatever the order spends are heard in, with rejections,
and while the window moves on. The repository is an in-memory fake of the SQL one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ic_platform.envelope import Envelope
from services.risk.domain.rules import DocumentRef, Spend, SplitPolicy, SplitTally, split_purchase
from services.risk.service_layer import warnings

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LINE = "2026-DZB-30201-01"
POLICY = SplitPolicy(threshold=Decimal("50000.00"), min_part=Decimal("5000.00"), window=timedelta(days=30))


@dataclass
class FakeWarnings:
    """The SQL repository's split-rule methods over a list, counting how many spends each call looked at."""

    spends: dict[tuple[str, str], tuple[str, Spend]] = field(default_factory=dict)
    tallies: dict[tuple[str, str, str], SplitTally] = field(default_factory=dict)
    raised: list = field(default_factory=list)
    rows_read: int = 0

    def lock_tally(self, org, unit, line):  # noqa: ANN001, ANN201
        return self.tallies.setdefault((org, unit, line), SplitTally())

    def save_tally(self, org, unit, line, tally):  # noqa: ANN001, ANN201
        self.tallies[(org, unit, line)] = tally

    def add_spend(self, org, spend):  # noqa: ANN001, ANN201
        key = (spend.document.type, spend.document.id)
        if key in self.spends:
            return False
        self.spends[key] = (org, spend)
        return True

    def drop_spend(self, document_type, document_id):  # noqa: ANN001, ANN201
        return self.spends.pop((document_type, document_id), None)

    def _parts(self, org, unit, line, policy, keep):  # noqa: ANN001, ANN202
        found = [
            s
            for o, s in self.spends.values()
            if (o, s.unit, s.budget_line_id) == (org, unit, line) and policy.is_part(s) and keep(s.at)
        ]
        self.rows_read += len(found)
        return found

    def parts_between(self, org, unit, line, policy, start, end):  # noqa: ANN001, ANN201
        parts = self._parts(org, unit, line, policy, lambda at: at >= start and (end is None or at < end))
        ats = [s.at for s in parts]
        return sum((s.amount for s in parts), Decimal("0")), len(parts), min(ats, default=None), max(ats, default=None)

    def parts_after(self, org, unit, line, policy, after):  # noqa: ANN001, ANN201
        parts = self._parts(org, unit, line, policy, lambda at: at > after)
        return sum((s.amount for s in parts), Decimal("0")), len(parts)

    def expire(self, org, unit, line, policy, since, start):  # noqa: ANN001, ANN201
        total, count, _, _ = self.parts_between(org, unit, line, policy, since, start)
        left = self._parts(org, unit, line, policy, lambda at: at >= start)
        return total, count, min((s.at for s in left), default=None)

    def latest_parts(self, org, unit, line, policy, start, until, besides, limit):  # noqa: ANN001, ANN201
        parts = [
            s
            for o, s in self.spends.values()
            if (o, s.unit, s.budget_line_id) == (org, unit, line)
            and policy.is_part(s)
            and start <= s.at <= until
            and not s.document.same_document(besides)
        ]
        self.rows_read += min(len(parts), limit)
        return sorted(parts, key=lambda s: (s.at, s.document.id))[-limit:]

    def raise_once(self, org, draft):  # noqa: ANN001, ANN201
        self.raised.append(draft)
        return None  # as if already raised: nothing to publish in a unit test


class FakeRuleBook:
    """No stored version: every rule's defaults (the IC_RISK_* settings) are in force."""

    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        return None


class FakeUow:
    def __init__(self) -> None:
        self.warnings = FakeWarnings()
        self.rule_book = FakeRuleBook()


def spend(n: int, amount: str, at: datetime, unit: str = "dzb") -> Spend:
    return Spend(DocumentRef("matter_application", f"id-{n}", f"SQ-{n:06d}"), unit, LINE, Decimal(amount), at, "")


def submitted(s: Spend) -> Envelope:
    return Envelope(
        type="payment.matter_application_submitted",
        payload={
            "document": s.document.as_dict(),
            "unit": s.unit,
            "budget_line_id": s.budget_line_id,
            "amount": str(s.amount),
            "title": s.title,
        },
        org="xinqiao",
        producer="payment",
        occurred_at=s.at.isoformat(),
    )


def rejected(s: Spend) -> Envelope:
    return Envelope(
        type="payment.matter_application_rejected",
        payload={"document": s.document.as_dict(), "reason": "x"},
        org="xinqiao",
        producer="payment",
    )


def judged(uow: FakeUow, s: Spend):  # noqa: ANN201
    before = len(uow.warnings.raised)
    warnings.on_spend_submitted(submitted(s), uow)
    return uow.warnings.raised[before] if len(uow.warnings.raised) > before else None


def test_the_third_part_warns_with_the_others_as_evidence():
    uow = FakeUow()
    first, second, third = (spend(i, "20000.00", T0 + timedelta(days=i)) for i in range(3))
    assert judged(uow, first) is None and judged(uow, second) is None
    warning = judged(uow, third)
    assert warning.evidence["total"] == "60000.00" and warning.evidence["others_count"] == 2
    assert [o["document"]["no"] for o in warning.evidence["others"]] == ["SQ-000000", "SQ-000001"]


def test_judging_reads_the_same_few_rows_however_long_the_history():
    def rows_for_one_more(history: int) -> int:
        uow = FakeUow()
        for i in range(history):  # petty purchases and a few parts, all inside the window
            judged(uow, spend(i, "6000.00" if i % 1000 == 0 else "120.00", T0 + timedelta(seconds=i)))
        uow.warnings.rows_read = 0
        judged(uow, spend(10**6, "1.00", T0 + timedelta(seconds=history)))
        return uow.warnings.rows_read

    assert rows_for_one_more(3000) == rows_for_one_more(30) == 0


def test_a_history_heard_before_the_tally_existed_is_counted_once_then_not_again():
    uow = FakeUow()
    for i in range(3):  # stored, as by an earlier version of the service, without a tally
        uow.warnings.add_spend("xinqiao", spend(i, "20000.00", T0 + timedelta(days=i)))
    assert judged(uow, spend(9, "1.00", T0 + timedelta(days=4))) is None
    assert uow.warnings.tallies[("xinqiao", "dzb", LINE)].count == 3
    uow.warnings.rows_read = 0
    assert judged(uow, spend(10, "6000.00", T0 + timedelta(days=5))) is not None
    assert uow.warnings.rows_read <= 3  # only the evidence is read


def test_another_policy_counts_the_tally_afresh(monkeypatch):
    uow = FakeUow()
    judged(uow, spend(1, "4000.00", T0))
    monkeypatch.setenv("IC_RISK_SPLIT_MIN_PART", "3000.00")
    monkeypatch.setenv("IC_RISK_SPLIT_THRESHOLD", "8000.00")
    assert judged(uow, spend(2, "4000.00", T0 + timedelta(days=1))) is not None


EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "submit", "submit", "reject"]),
        st.integers(0, 40),  # which document
        st.sampled_from(["1.00", "4999.99", "5000.00", "12000.00", "20000.00", "30000.00", "49999.99", "60000.00"]),
        st.integers(0, 90 * 24),  # hours after T0: spans three windows, heard in any order
        st.sampled_from(["dzb", "dzb", "czb"]),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(EVENTS)
def test_the_tally_decides_as_the_whole_history_would(events):
    uow = FakeUow()
    for kind, n, amount, hours, unit in events:
        s = spend(n, amount, T0 + timedelta(hours=hours), unit)
        if kind == "reject":
            known = uow.warnings.spends.get((s.document.type, s.document.id))
            if known is not None:
                warnings.on_spend_withdrawn(rejected(known[1]), uow)
            continue
        known = uow.warnings.spends.get((s.document.type, s.document.id))
        s = known[1] if known else s  # a document is submitted once; a repeat is the same spend heard again
        history = [x for _, x in uow.warnings.spends.values()]
        expected = split_purchase(s, history + [s], POLICY)
        got = judged(uow, s)
        assert (got is None) == (expected is None), (s, history)
        if got is not None:
            assert got.evidence["total"] == expected.evidence["total"]
            assert got.evidence["others_count"] == expected.evidence["others_count"]
            assert got.evidence["others"] == expected.evidence["others"]
            assert got.message == expected.message
