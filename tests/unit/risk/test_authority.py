"""越权审批 (domain/authority.py, service_layer/authority.py): an approval granted by people whose authority does not
cover the document's amount, or a major matter approved without a collective decision (in its round, or on an
earlier document of its project), judged on `approval.completed` with the authority table in force that day."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from services.risk.domain.authority import Approval, AuthorityTable, approver_above_authority
from services.risk.domain.project import NodeKey, facts_of
from services.risk.domain.rule_book import RULE_BOOK, ParameterInvalid, ParameterVersion
from services.risk.domain.rules import Rule, Severity
from services.risk.service_layer import authority
from tests.unit.risk.test_payments import FakeUow

DOC = DocumentRef("contract", "c1", "HT-2026-000001")
BOOK = RULE_BOOK[Rule.APPROVER_ABOVE_AUTHORITY]
TABLE = AuthorityTable.of(BOOK.defaults())  # demo: 50,000 / 200,000 / 三重一大 from 500,000
HEAD = Approval(1, "部门负责人审批", "unit_head", "head")
FINANCE = Approval(2, "财务审核（或签）", "finance_review", "finance")
LEADER = Approval(3, "分管领导审批", "leader_in_charge", "leader")
PRINCIPAL = Approval(4, "主要领导审批", "principal", "principal")
MEETING = Approval(5, "集体决策（党工委会议）", "collective_decision", "principal", by_meeting=True)


def judge(amount: str, *approvals: Approval, **kwargs: Any):  # noqa: ANN201
    return approver_above_authority(DOC, Decimal(amount), approvals, TABLE, **kwargs)


def documented(draft) -> None:  # noqa: ANN001
    assert draft.severity is BOOK.severity is Severity.HIGH and set(draft.evidence) == set(BOOK.evidence)


# ── the pure rule ──
@pytest.mark.parametrize(
    ("amount", "approvals"),
    [
        ("49999.99", (HEAD,)),
        ("150000.00", (HEAD, FINANCE, LEADER)),
        ("499999.99", (HEAD, LEADER, PRINCIPAL)),
        ("3000000.00", (HEAD, MEETING)),  # the deciding body has no amount limit
    ],
)
def test_an_approval_within_the_authority_of_its_highest_approver_raises_nothing(amount, approvals):
    assert judge(amount, *approvals) is None


def test_an_amount_reaching_the_highest_approvers_limit_is_approved_above_authority():
    """E.g. a 60,000 contract signed off by its unit head alone (the contract definition's own tiers start the
    leader in charge at 100,000): the office's table gives a unit head 50,000."""
    draft = judge("60000.00", HEAD)
    documented(draft)
    assert draft.rule is Rule.APPROVER_ABOVE_AUTHORITY and draft.document == DOC
    e = draft.evidence
    assert e["breaches"] == ["amount_above_authority"]
    assert (e["highest_authority"], e["highest_limit"], e["amount"]) == ("unit_head", "50000.00", "60000.00")
    assert e["approvals"][0] | {} == {
        "step_no": 1,
        "step_name": "部门负责人审批",
        "authority": "unit_head",
        "authority_label": "部门负责人",
        "decided_by": "head",
        "acting_for": None,
        "by_meeting": False,
        "grants": True,
        "limit": "50000.00",
    }
    assert "越权审批" in draft.message and "部门负责人" in draft.message and "50,000.00" in draft.message
    assert judge("200000.00", HEAD, FINANCE, LEADER).evidence["highest_limit"] == "200000.00", "the limit is reached"


def test_reviews_do_not_grant_an_approval():
    draft = judge("1000.00", FINANCE)
    assert draft.evidence["breaches"] == ["amount_above_authority"] and draft.evidence["highest_authority"] is None
    assert draft.evidence["approvals"][0]["grants"] is False and "仅经审核" in draft.message


def test_a_delegate_approves_in_the_capacity_of_whom_they_act_for_and_is_named():
    delegate = Approval(3, "分管领导审批", "leader_in_charge", "head_czb", acting_for="leader")
    assert judge("150000.00", HEAD, delegate) is None
    draft = judge("250000.00", HEAD, delegate)
    assert draft.evidence["approvals"][1]["acting_for"] == "leader" and "head_czb（代 leader）" in draft.message


def test_a_major_matter_without_a_collective_decision():
    """From the major-matter amount, or as approval's route said (ticked, or a 三重一大认定规则)."""
    draft = judge("600000.00", HEAD, LEADER, PRINCIPAL)
    documented(draft)
    e = draft.evidence
    assert e["breaches"] == ["major_without_collective_decision"], "the principal's authority covers the amount"
    assert e["major_matter"] is True and e["collective_decision"] is False and e["project_collective_decision"] is None
    assert e["major_reasons"] == ["大额资金（金额 ≥ 500,000.00 元）"] and "未经集体决策" in draft.message
    ruled = judge("20000.00", HEAD, PRINCIPAL, major_matter=True, major_reasons=["重大项目安排（经济分类 310）"])
    assert ruled.evidence["major_reasons"] == ["重大项目安排（经济分类 310）"]
    both = judge("600000.00", HEAD, LEADER)
    assert both.evidence["breaches"] == ["amount_above_authority", "major_without_collective_decision"]
    assert len(both.message.split("；")) == 2


def test_a_major_matter_decided_at_a_meeting_in_its_round_or_on_its_project_is_not_warned():
    assert judge("600000.00", HEAD, MEETING) is None
    decided = {"document": {"type": "matter_application", "id": "m1", "no": "SQ-1"}, "step_name": "集体决策"}
    assert judge("600000.00", HEAD, LEADER, PRINCIPAL, project_decision=decided) is None
    # The project's decision settles the major matter, not an amount above the approvers' authority.
    draft = judge("600000.00", HEAD, LEADER, project_decision=decided)
    assert draft.evidence["breaches"] == ["amount_above_authority"]
    assert draft.evidence["project_collective_decision"] == decided


def test_not_judged_without_the_approvals():
    assert judge("900000.00") is None


def test_the_table_is_effective_dated_data_checked_as_a_whole():
    assert BOOK.defaults() == {
        "unit_head_limit": "50000.00",
        "leader_in_charge_limit": "200000.00",
        "major_matter_amount": "500000.00",
    }
    assert all(p["demo"] for p in BOOK.as_dict()["parameters"]), "demo values, marked as such"
    with pytest.raises(ParameterInvalid, match="逐级不减"):
        BOOK.validate(
            {"unit_head_limit": "300000", "leader_in_charge_limit": "200000", "major_matter_amount": "500000"}
        )
    tighter = AuthorityTable.of(
        BOOK.validate({"unit_head_limit": "20000", "leader_in_charge_limit": "200000", "major_matter_amount": "500000"})
    )
    assert (
        approver_above_authority(DOC, Decimal("30000.00"), (HEAD,), tighter).evidence["unit_head_limit"] == "20000.00"
    )


# ── the use case ──
class Projects:
    def __init__(self, decision: dict | None = None) -> None:
        self.decision, self.asked = decision, []

    def collective_decision(self, org, key):  # noqa: ANN001, ANN201
        self.asked.append(key)
        return self.decision


class Book:
    def __init__(self, version: ParameterVersion | None = None) -> None:
        self.version = version

    def in_force(self, org, rule, on):  # noqa: ANN001, ANN201
        return self.version if self.version and self.version.effective_from <= on else None


def completed(amount: str, approvals: list[Approval], outcome: str = "approved", **extra: Any) -> Envelope:
    payload = {
        "document": DOC.as_dict(),
        "outcome": outcome,
        "reason": "节点均已通过",
        "amount": amount,
        "major_matter": False,
        "major_reasons": [],
        "round": 1,
        "approvals": [
            {
                "step_no": a.step_no,
                "step_name": a.step_name,
                "authority": a.authority,
                "decided_by": a.decided_by,
                "by_meeting": a.by_meeting,
                **({"acting_for": a.acting_for} if a.acting_for else {}),
            }
            for a in approvals
        ],
        **extra,
    }
    at = datetime(2026, 4, 1, 2, tzinfo=UTC).isoformat()
    return Envelope(type="approval.completed", payload=payload, org="xinqiao", producer="approval", occurred_at=at)


def uow_with(projects: Projects | None = None, version: ParameterVersion | None = None) -> FakeUow:
    uow = FakeUow()
    uow.projects, uow.rule_book = projects or Projects(), Book(version)
    return uow


def test_an_approval_granted_above_authority_is_warned_when_completed():
    uow = uow_with()
    authority.on_approval_completed(completed("60000.00", [HEAD]), uow)
    [draft] = uow.warnings.raised
    assert draft.rule is Rule.APPROVER_ABOVE_AUTHORITY and draft.evidence["highest_limit"] == "50000.00"
    assert uow.projects.asked == [], "not a major matter: the project is not read"


def test_a_rejection_and_an_event_without_approvals_are_not_judged():
    uow = uow_with()
    authority.on_approval_completed(completed("60000.00", [HEAD], outcome="rejected"), uow)
    old = completed("60000.00", [HEAD])
    old.payload.pop("approvals")
    authority.on_approval_completed(old, uow)
    assert uow.warnings.raised == []


def test_a_major_matter_asks_its_project_for_the_collective_decision_once():
    decided = {"document": {"type": "matter_application", "id": "m1", "no": "SQ-1"}, "step_name": "集体决策"}
    uow = uow_with(Projects(decided))
    authority.on_approval_completed(completed("600000.00", [HEAD, LEADER, PRINCIPAL]), uow)
    assert uow.warnings.raised == [] and uow.projects.asked == [NodeKey("contract", "c1")]
    uow = uow_with(Projects(None))
    authority.on_approval_completed(completed("20000.00", [HEAD, PRINCIPAL], major_matter=True), uow)
    [draft] = uow.warnings.raised
    assert draft.evidence["breaches"] == ["major_without_collective_decision"]
    met = uow_with(Projects(None))
    authority.on_approval_completed(completed("600000.00", [HEAD, MEETING]), met)
    assert met.warnings.raised == [] and met.projects.asked == [], "decided at its own meeting: nothing to read"


def test_the_table_in_force_on_the_day_of_the_decision_is_used():
    from datetime import date

    lower = {"unit_head_limit": "10000.00", "leader_in_charge_limit": "200000.00", "major_matter_amount": "500000.00"}
    uow = uow_with(version=ParameterVersion(Rule.APPROVER_ABOVE_AUTHORITY, date(2026, 4, 1), lower))
    authority.on_approval_completed(completed("12000.00", [HEAD]), uow)
    assert uow.warnings.raised[0].evidence["unit_head_limit"] == "10000.00"
    later = uow_with(version=ParameterVersion(Rule.APPROVER_ABOVE_AUTHORITY, date(2026, 4, 2), lower))
    authority.on_approval_completed(completed("12000.00", [HEAD]), later)
    assert later.warnings.raised == [], "from its day only"


# ── the project remembers a collective decision ──
def test_a_meetings_approval_marks_its_document_in_the_project():
    approvals = [HEAD, MEETING]
    event = completed("600000.00", approvals)
    event.payload["document"] = {"type": "matter_application", "id": "m1", "no": "SQ-1"}
    [node] = facts_of(event).nodes
    assert node.key == NodeKey("matter_application", "m1") and node.state is None
    assert node.details["collective_decision"]["step_name"] == "集体决策（党工委会议）"
    assert facts_of(completed("600000.00", [HEAD, PRINCIPAL])).empty, "no meeting: nothing to remember"
    adjustment = completed("600000.00", approvals)
    adjustment.payload["document"] = {"type": "budget_adjustment", "id": "t1"}
    assert facts_of(adjustment).empty, "a budget adjustment is in no project"
    assert facts_of(completed("600000.00", approvals, outcome="rejected")).empty
