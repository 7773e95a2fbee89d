"""The trail's hash chain, without a database: canonical values, hashing, and verification that names the
first broken link for every way of tampering."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.approval.domain.trail import (
    GENESIS,
    HASHED_FIELDS,
    Anchor,
    Problem,
    TrailAction,
    TrailDraft,
    anchor_due,
    build_chain,
    canonical_bytes,
    chain,
    compute_hash,
    decimal_str,
    entry_bytes,
    utc_iso,
    verify,
)

T0 = datetime(2026, 11, 25, 8, 30, 0, 123456, tzinfo=UTC)


def draft(i: int = 0, **changes) -> TrailDraft:
    base = TrailDraft(
        action=TrailAction.APPROVED.value,
        org="xinqiao",
        actor="head",
        document_type="matter_application",
        document_id=f"d-{i}",
        document_no=f"SQ-2026-{i:06d}",
        task_id=f"t-{i}",
        from_step=1,
        to_step=2,
        amount=Decimal("60000.00"),
        comment="同意",
        occurred_at=T0 + timedelta(seconds=i),
        client_ip="10.0.0.8",
        user_agent="Mozilla/5.0",
        trace_id=f"{i:032x}",
    )
    return replace(base, **changes)


def entries(n: int = 10) -> list:
    return list(build_chain(draft(i) for i in range(n)))


def anchor(entry, minutes: int = 0) -> Anchor:
    return Anchor(entry.seq, entry.hash, T0 + timedelta(minutes=minutes))


# ── canonical values ──
def test_timestamps_are_utc_with_six_fraction_digits_whatever_their_zone():
    shanghai = timezone(timedelta(hours=8))
    assert utc_iso(datetime(2026, 11, 25, 16, 30, tzinfo=shanghai)) == "2026-11-25T08:30:00.000000Z"
    assert utc_iso(T0) == "2026-11-25T08:30:00.123456Z"


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        utc_iso(datetime(2026, 11, 25, 8, 30))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12000"), "12000.00"),
        (Decimal("12000.5"), "12000.50"),
        (Decimal("1.20E+4"), "12000.00"),
        (Decimal("0.005"), "0.01"),
        (Decimal("-0.00"), "0.00"),
        (Decimal("60000.00"), "60000.00"),
    ],
)
def test_amounts_are_strings_with_two_places(value, text):
    assert decimal_str(value) == text


def test_the_serialisation_is_sorted_compact_json_with_null_for_none():
    data = canonical_bytes({"b": None, "a": Decimal("1"), "c": "审批", "d": T0})
    assert data == '{"a":"1.00","b":null,"c":"审批","d":"2026-11-25T08:30:00.123456Z"}'.encode()
    assert json.loads(data)["b"] is None


def test_floats_and_other_types_have_no_canonical_form():
    entry = chain(draft(), 1, GENESIS)
    with pytest.raises(TypeError):
        compute_hash({**entry.content(), "amount": 1.5})


def test_equal_values_in_different_forms_hash_the_same():
    one = chain(draft(), 1, GENESIS)
    shanghai = timezone(timedelta(hours=8))
    other = chain(draft(occurred_at=T0.astimezone(shanghai), amount=Decimal("6.0000E+4")), 1, GENESIS)
    assert one.hash == other.hash


def test_every_field_and_the_previous_hash_are_covered():
    entry = chain(draft(), 1, GENESIS)
    for name, value in entry.content().items():
        changed = {**entry.content(), name: _other(value)}
        assert compute_hash(changed) != entry.hash, name


def _other(value):
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, Decimal):
        return value + Decimal("0.01")
    if isinstance(value, int):
        return value + 1
    return (value or "") + "x"


def test_a_hash_needs_exactly_the_entry_fields():
    with pytest.raises(ValueError):
        compute_hash({"seq": 1})


def test_entries_link_to_their_predecessor():
    chained = entries(3)
    assert [e.seq for e in chained] == [1, 2, 3]
    assert chained[0].prev_hash == GENESIS
    assert chained[1].prev_hash == chained[0].hash and chained[2].prev_hash == chained[1].hash
    assert all(len(e.hash) == 64 for e in chained)


# ── verification ──
def test_an_intact_chain_verifies():
    chained = entries()
    result = verify(chained, [anchor(chained[4]), anchor(chained[-1], 5)], (10, chained[-1].hash))
    assert result.ok and result.first_break is None
    assert (result.entries, result.head, result.anchors_checked) == (10, (10, chained[-1].hash), 2)
    assert result.as_dict()["ok"] is True


def test_an_empty_chain_verifies():
    assert verify([]).ok


def test_an_edited_field_is_a_hash_mismatch_at_that_entry():
    chained = entries()
    chained[3] = replace(chained[3], comment="不同意", actor="leader")
    found = verify(chained).first_break
    assert (found.seq, found.problem) == (4, Problem.HASH_MISMATCH)
    assert "第 4 条" in found.message


def test_an_edited_hash_is_a_hash_mismatch_at_that_entry():
    chained = entries()
    chained[5] = replace(chained[5], hash="f" * 64)
    assert (verify(chained).first_break.seq, verify(chained).first_break.problem) == (6, Problem.HASH_MISMATCH)


def test_a_rewritten_entry_with_a_fresh_hash_breaks_the_next_link():
    chained = entries()
    forged = replace(chained[3], comment="不同意")
    chained[3] = replace(forged, hash=compute_hash(forged.content()))
    found = verify(chained).first_break
    assert (found.seq, found.problem) == (5, Problem.PREV_HASH_MISMATCH)


def test_a_deleted_entry_is_a_gap():
    chained = entries()
    del chained[6]
    found = verify(chained).first_break
    assert (found.seq, found.problem) == (7, Problem.GAP)
    assert found.details == {"expected": 7, "missing_to": 7}


def test_deleting_the_first_entry_is_a_gap_at_one():
    found = verify(entries()[1:]).first_break
    assert (found.seq, found.problem) == (1, Problem.GAP)


def test_swapped_seqs_are_a_reordering_naming_where_the_entry_was_written():
    chained = entries()
    a, b = chained[2], chained[3]
    chained[2], chained[3] = replace(b, seq=3), replace(a, seq=4)  # rows keep content and hash, swap seq
    found = verify(chained).first_break
    assert (found.seq, found.problem) == (3, Problem.REORDERED)
    assert found.details == {"written_at": 4}


def test_a_truncated_tail_is_caught_by_the_anchor():
    chained = entries()
    result = verify(chained[:7], [anchor(chained[8])])
    assert not result.ok
    assert (result.first_break.seq, result.first_break.problem) == (8, Problem.TRUNCATED)
    assert result.first_break.details["recorded"] == 9


def test_without_an_anchor_a_truncated_tail_is_caught_by_the_chain_head_row():
    chained = entries()
    found = verify(chained[:7], [], (10, chained[-1].hash)).first_break
    assert (found.seq, found.problem, found.details["source"]) == (8, Problem.TRUNCATED, "chain_head")


def test_a_replayed_old_head_is_caught_by_a_later_anchor():
    chained = entries()
    # Anchored at 10; then the table (and its head row) is restored to the state it had at 6.
    old = chained[:6]
    found = verify(old, [anchor(chained[2]), anchor(chained[9], 1)], (6, old[-1].hash)).first_break
    assert (found.seq, found.problem, found.details["recorded"]) == (7, Problem.TRUNCATED, 10)


def test_a_replayed_old_head_that_grew_again_is_caught_by_the_anchor_hash():
    chained = entries()
    # Restored to 6, then four new actions: a chain of ten again, consistent in itself, but not the anchored one.
    regrown = chained[:6] + list(build_chain((draft(100 + i) for i in range(4)), start=(6, chained[5].hash)))
    found = verify(regrown, [anchor(chained[9])], (10, regrown[-1].hash)).first_break
    assert (found.seq, found.problem) == (10, Problem.ANCHOR_MISMATCH)


def test_a_chain_rewritten_from_scratch_is_caught_by_an_anchor():
    chained = entries()
    forged = list(build_chain(replace(e, comment="同意（补录）") for e in chained))
    found = verify(forged, [anchor(chained[4])]).first_break
    assert (found.seq, found.problem) == (5, Problem.ANCHOR_MISMATCH)


def test_only_the_first_break_is_named():
    chained = entries()
    chained[2] = replace(chained[2], comment="x")
    del chained[7]
    result = verify(chained)
    assert result.first_break.seq == 3 and result.entries == 3


# ── when an anchor is due ──
@pytest.mark.parametrize(
    ("head", "last", "minutes", "due"),
    [
        (0, None, 0, False),  # nothing to anchor
        (1, None, 0, True),  # the first head
        (5, 5, 10, False),  # the head has not moved
        (50, 1, 0, False),  # moved a little, recently
        (101, 1, 0, True),  # a hundred entries since
        (2, 1, 1, True),  # a minute since
    ],
)
def test_an_anchor_is_due_when_the_head_moved_enough_or_long_enough_ago(head, last, minutes, due):
    previous = Anchor(last, "a" * 64, T0) if last else None
    assert anchor_due(head, previous, T0 + timedelta(minutes=minutes), every_entries=100, every_seconds=60) is due


# ── the fast serialisation is the canonical one ──
_TEXT = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["同意", 'a"b\\c', "\x00\x1f\u2028", "𝄞"]))


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(_TEXT, min_size=14, max_size=14),
    numbers=st.tuples(st.integers(1, 10**12), st.none() | st.integers(0, 99), st.none() | st.integers(-5, 99)),
    amount=st.none() | st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=3),
    moment=st.datetimes(min_value=datetime(1, 1, 2), timezones=st.sampled_from([UTC, timezone(timedelta(hours=8))])),
)
def test_the_fast_serialisation_equals_the_canonical_one(text, numbers, amount, moment):
    fields = dict(zip([f for f in HASHED_FIELDS if f not in _TYPED], text, strict=True))
    fields.update(seq=numbers[0], from_step=numbers[1], to_step=numbers[2], amount=amount, occurred_at=moment)
    fields.update(action=fields["action"] or "approved", prev_hash=fields["prev_hash"] or GENESIS)
    values = tuple(fields[f] for f in HASHED_FIELDS)
    assert entry_bytes(values) == canonical_bytes(fields)


_TYPED = {"seq", "from_step", "to_step", "amount", "occurred_at"}
