"""Real envelopes for the risk tests: one valid payload per catalogue event type, the same story throughout
(clerk submits matter application SQ-2026-000001 for 12,000.00 元; head_dzb approves)."""

from __future__ import annotations

from typing import Any

from ic_platform import catalogue
from ic_platform.envelope import Envelope

APPLICATION_ID = "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10"
TASK_ID = "0c7b1a52-3f0e-4c8e-b1a4-9d0d2e6c4b21"
SUBJECT = f"matter_application/{APPLICATION_ID}"
DOCUMENT = {"type": "matter_application", "id": APPLICATION_ID, "no": "SQ-2026-000001"}
LINE = "2026-dzb-2010301-30201"

PAYLOADS: dict[str, dict[str, Any]] = {
    "org.unit_registered": {"unit": {"code": "dzb", "name": "党政办公室", "kind": "office"}},
    "org.user_registered": {"user": {"username": "head_dzb", "full_name": "王主任", "unit": "dzb",
                                     "roles": ["unit_head"]}},
    "payment.matter_application_submitted": {
        "document": DOCUMENT, "unit": "dzb", "applicant": "clerk", "budget_line_id": LINE,
        "amount": "12000.00", "title": "购置办公桌椅", "purpose": "新进人员办公", "major_matter": False},
    "payment.matter_application_resubmitted": {
        "document": DOCUMENT, "unit": "dzb", "applicant": "clerk", "budget_line_id": LINE,
        "amount": "12000.00", "title": "购置办公桌椅", "purpose": "新进人员办公，附采购清单", "major_matter": False},
    "payment.matter_application_approved": {"document": DOCUMENT},
    "payment.matter_application_rejected": {"document": DOCUMENT, "reason": "超出支出标准"},
    "budget.pre_committed": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "12000.00",
                             "available": "188000.00"},
    "budget.pre_commitment_approved": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "12000.00"},
    "budget.released": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "12000.00",
                        "available": "200000.00", "reason": "审批未通过"},
    "budget.committed": {"budget_line_id": LINE, "document": {"type": "contract", "id": "c-1", "no": "HT-2026-000001"},
                         "amount": "11800.00", "available": "188200.00", "released": "11800.00",
                         "from_document": DOCUMENT},
    "budget.relieved": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "200.00",
                        "available": "188400.00", "reason": "合同变更减少金额"},
    "budget.actualized": {"budget_line_id": LINE, "document": {"type": "payment_request", "id": "p-1"},
                          "amount": "11600.00", "available": "188400.00", "relieved": "11600.00",
                          "released": "0.00", "from_document": DOCUMENT},
    "budget.reversed": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "11600.00",
                        "available": "200000.00", "reason": "退票"},
    "budget.line_created": {"budget_line_id": LINE, "fiscal_year": 2026, "unit": "dzb", "expenditure_kind": "basic",
                            "source_kind": "initial", "amount": "200000.00", "via": "import"},
    "budget.threshold_crossed": {"budget_line_id": LINE, "level": 80, "consumed": "160000.00",
                                 "amount": "200000.00", "rate": "80.00"},
    "approval.submitted": {"document": DOCUMENT, "initiator": "clerk", "route": [
        {"step_no": 1, "name": "部门负责人审批", "approver_role": "unit_head", "assignee": "head_dzb",
         "reason": "本单位负责人"},
        {"step_no": 2, "name": "财务审核", "approver_role": "finance_reviewer", "assignee": "fin_li",
         "reason": "财务审核"}]},
    "approval.step_assigned": {"document": DOCUMENT, "task_id": TASK_ID, "step_no": 1,
                               "step_name": "部门负责人审批", "assignee": "head_dzb"},
    "approval.step_decided": {"document": DOCUMENT, "task_id": TASK_ID, "step_no": 1, "decision": "approved",
                              "decided_by": "head_dzb"},
    "approval.completed": {"document": DOCUMENT, "outcome": "approved"},
    "approval.returned": {"document": DOCUMENT, "task_id": TASK_ID, "step_no": 1, "step_name": "部门负责人审批",
                          "returned_by": "head_dzb", "reason": "请补充采购清单", "round": 1},
    "approval.trail_anchored": {"chain": "ic_approval", "seq": 42, "hash": "ab" * 32,
                                "anchored_at": "2026-11-25T08:00:00.000000Z"},
    "approval.task_overdue": {"document": DOCUMENT, "task_id": TASK_ID, "step_no": 1, "step_name": "部门负责人审批",
                              "assignee": "head_dzb", "due_at": "2026-11-26T08:00:00+00:00"},
    "approval.task_escalated": {"document": DOCUMENT, "task_id": TASK_ID, "step_no": 1,
                                "step_name": "部门负责人审批", "assignee": "head_dzb", "escalated_to": "leader",
                                "due_at": "2026-11-26T08:00:00+00:00", "reason": "单位分管领导"},
    "risk.warning_raised": {"warning_id": 7, "document": DOCUMENT, "rule": "split_purchase", "severity": "high",
                            "message": "疑似拆分采购（化整为零）", "evidence": {"total": "60000.00"},
                            "raised_at": "2026-11-25T08:00:00+00:00"},
}


def envelope(type_: str, payload: dict[str, Any] | None = None, *, subject: str | None = SUBJECT,
             actor: str | None = "clerk", **fields: Any) -> Envelope:
    """A real envelope; it must pass the catalogue, as a producer's would before entering its outbox."""
    if type_.startswith("org."):
        subject = None  # organisation events concern no document
    event = Envelope(type=type_, payload=PAYLOADS[type_] if payload is None else payload, org="xinqiao",
                     producer=type_.split(".")[0], actor=actor, subject=subject, **fields)
    catalogue.validate(event.as_dict())
    return event
