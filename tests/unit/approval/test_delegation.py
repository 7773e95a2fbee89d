"""Delegation during absence (代理): granting, the period, overlaps, revoking, and who acts for whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ic_platform.errors import Conflict, Forbidden, InvalidInput
from services.approval.domain.delegation import Delegation, acting_for

T0 = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def grant(principal="leader", delegate="leader_party", starts=T0, ends=T0 + 3 * DAY, reason="外出学习", others=()):
    return Delegation.grant(
        org="xinqiao",
        principal=principal,
        delegate=delegate,
        starts_at=starts,
        ends_at=ends,
        reason=reason,
        created_by=principal,
        others=list(others),
    )


def test_active_from_its_start_until_just_before_its_end():
    d = grant()
    assert not d.active_at(T0 - timedelta(microseconds=1))
    assert d.active_at(T0) and d.active_at(T0 + 3 * DAY - timedelta(microseconds=1))
    assert not d.active_at(T0 + 3 * DAY)
    assert [d.as_dict(m)["state"] for m in (T0 - DAY, T0 + DAY, T0 + 4 * DAY)] == ["scheduled", "active", "expired"]


@pytest.mark.parametrize("reason", [None, "", "  "])
def test_a_reason_is_required(reason):
    with pytest.raises(InvalidInput) as refused:
        grant(reason=reason)
    assert refused.value.details == {"field": "reason"}


def test_not_to_oneself_and_not_backwards():
    with pytest.raises(InvalidInput) as self_:
        grant(delegate="leader")
    assert self_.value.details["field"] == "delegate"
    with pytest.raises(InvalidInput) as backwards:
        grant(starts=T0, ends=T0)
    assert backwards.value.details["field"] == "ends_at"


def test_one_delegate_at_a_time():
    first = grant()
    with pytest.raises(Conflict) as refused:
        grant(delegate="leader_urban", starts=T0 + DAY, ends=T0 + 5 * DAY, others=[first])
    assert refused.value.code == "approval_delegation_overlap" and "leader_party" in refused.value.message
    # Back to back is fine ([from, to) periods), and so is overlapping a revoked one.
    grant(delegate="leader_urban", starts=T0 + 3 * DAY, ends=T0 + 5 * DAY, others=[first])
    first.revoke("leader", actor_is_admin=False, moment=T0)
    grant(delegate="leader_urban", starts=T0, ends=T0 + DAY, others=[first])


def test_revoking_ends_it_and_keeps_the_record():
    d = grant()
    with pytest.raises(Forbidden):
        d.revoke("leader_party", actor_is_admin=False, moment=T0 + DAY)
    d.revoke("leader", actor_is_admin=False, moment=T0 + DAY)
    assert (d.revoked_by, d.as_dict(T0 + DAY)["state"]) == ("leader", "revoked")
    assert not d.active_at(T0 + DAY)
    with pytest.raises(Conflict):
        d.revoke("leader", actor_is_admin=False, moment=T0 + DAY)


def test_an_administrator_may_revoke_but_not_an_expired_one():
    d = grant()
    with pytest.raises(Conflict):
        d.revoke("admin", actor_is_admin=True, moment=T0 + 3 * DAY)
    d.revoke("admin", actor_is_admin=True, moment=T0)
    assert d.revoked_by == "admin"


def test_who_acts_for_whom():
    delegations = [grant()]
    assert acting_for("leader", "leader_party", delegations, T0 + DAY) == "leader"
    assert acting_for("leader", "leader_party", delegations, T0 + 3 * DAY) is None  # expired: nothing
    assert acting_for("leader", "leader_urban", delegations, T0 + DAY) is None  # not the delegate
    assert acting_for("leader_party", "leader_party", delegations, T0 + DAY) is None  # their own task
    assert acting_for("head", "leader_party", delegations, T0 + DAY) is None  # not the principal
