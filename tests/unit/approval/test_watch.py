"""Approval-watch's pure rules: acknowledging risk warnings before approving, due times and escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ic_platform.config import Settings
from ic_platform.errors import Conflict, InvalidInput
from services.approval.domain.deadlines import DuePolicy, escalation_target
from services.approval.domain.warnings import RiskWarning, max_severity, to_acknowledge
from services.approval.service_layer import deadlines

HIGH = RiskWarning(1, "split_purchase", "high", "疑似拆分采购")
MEDIUM = RiskWarning(2, "budget_nearly_exhausted", "medium", "预算指标即将用尽")


def test_an_unacknowledged_high_warning_refuses_approval_and_lists_it():
    with pytest.raises(Conflict) as refused:
        to_acknowledge([HIGH, MEDIUM], set(), [], "同意")
    assert refused.value.code == "risk_ack_required" and "疑似拆分采购" in refused.value.message
    assert [w["id"] for w in refused.value.details["warnings"]] == [1]


def test_acknowledging_needs_a_comment():
    with pytest.raises(InvalidInput) as refused:
        to_acknowledge([HIGH], set(), [1], "  ")
    assert refused.value.code == "risk_ack_required" and refused.value.details["field"] == "comment"


def test_acknowledged_with_a_comment_passes_and_names_what_is_acknowledged_now():
    assert to_acknowledge([HIGH, MEDIUM], set(), [1, 2], "已核实为不同批次需求") == [HIGH, MEDIUM]
    assert to_acknowledge([HIGH, MEDIUM], {1}, [], "") == []  # acknowledged before at this task


def test_medium_warnings_are_shown_not_enforced():
    assert to_acknowledge([MEDIUM], set(), [], "") == []


def test_a_warning_of_another_document_cannot_be_acknowledged():
    with pytest.raises(InvalidInput) as refused:
        to_acknowledge([HIGH], set(), [1, 99], "说明")
    assert refused.value.code == "risk_warning_unknown" and refused.value.details["warning_ids"] == [99]


def test_max_severity():
    assert max_severity(["low", "high", "medium"]) == "high" and max_severity([]) is None


def test_due_time_by_step_with_a_default_and_an_override():
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    policy = DuePolicy()
    assert policy.due_at(at, "matter_application", "unit_head") == at + timedelta(hours=24)
    assert policy.due_at(at, "matter_application", "principal") == at + timedelta(hours=72)
    assert policy.due_at(at, "contract", "unit_head") == at + timedelta(hours=24)
    assert DuePolicy(due_override=timedelta(seconds=2)).due_at(at, "matter_application", "principal") == at + timedelta(
        seconds=2
    )


def test_due_policy_from_the_settings(monkeypatch):
    monkeypatch.setenv("IC_APPROVAL_DUE_SECONDS", "3")
    monkeypatch.setenv("IC_APPROVAL_ESCALATE_AFTER_S", "5")
    policy = deadlines.due_policy(Settings())
    assert policy.due_override == timedelta(seconds=3) and policy.escalate_after == timedelta(seconds=5)
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert policy.escalation_due_before(now) == now - timedelta(seconds=5)


@pytest.mark.parametrize(
    ("later", "leader", "principals", "expected"),
    [
        (
            [("leader", "分管领导审批"), ("principal", "主要领导审批")],
            "leader",
            ["principal"],
            ("leader", "上一级审批人"),
        ),
        ([], "leader", ["principal"], ("leader", "单位分管领导")),
        ([("head", "x")], "head", ["principal"], ("principal", "主要领导")),  # nobody above but the principal
        ([], None, [], None),
    ],
)
def test_escalation_goes_to_the_next_authority_up(later, leader, principals, expected):
    target = escalation_target("head", later, leader, principals)
    if expected is None:
        assert target is None
    else:
        assert target.to == expected[0] and target.reason.startswith(expected[1])


# ── incompatible positions (不相容岗位) ──
from services.approval.domain.conflicts import conflict_of, refusal  # noqa: E402


@pytest.mark.parametrize(
    ("parties", "rule"),
    [
        ({"supplier_registrar": "head"}, "payment_approver/supplier_registrar"),
        ({"payment_executor": "head", "purchaser": "clerk"}, "payment_approver/payment_executor"),
    ],
)
def test_an_approver_holding_an_incompatible_position_is_named_with_the_rule(parties, rule):
    conflict = conflict_of("head", "matter_application", parties)
    assert conflict is not None and conflict.rule == rule
    error = refusal(conflict, "head", "SQ-2026-000001")
    assert error.code == "sod_incompatible_roles" and error.http_status == 403
    assert "不相容岗位" in error.message and "付款审批" in error.message and error.details["rule"] == rule


@pytest.mark.parametrize(
    "parties",
    [
        {},
        {"supplier_registrar": "someone_else"},  # the position is held, but not by the approver
        {"purchaser": "head"},  # purchasing and approving payment are not a pair in the matrix
        {"purchaser": "head", "acceptor": "clerk"},
    ],
)
def test_no_conflict(parties):
    assert conflict_of("head", "matter_application", parties) is None


def test_the_pairs_are_data():
    assert (
        conflict_of("head", "matter_application", {"purchaser": "head"}, pairs=(("purchaser", "payment_approver"),))
        is not None
    )
