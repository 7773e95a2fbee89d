"""Real envelopes for the risk tests: one valid payload per catalogue event type, the same story throughout
(clerk submits matter application SQ-2026-000001 for 12,000.00 元; head_dzb approves)."""

from __future__ import annotations

from typing import Any

from ic_platform import catalogue
from ic_platform.catalogue import control_events
from ic_platform.envelope import Envelope
from tests.unit.procurement.event_samples import procurement_payloads
from tests.unit.risk.accounting_samples import ACCOUNTING_PAYLOADS
from tests.unit.risk.contract_samples import CONTRACT_PAYLOADS
from tests.unit.risk.payment_flow_samples import PAYMENT_FLOW_PAYLOADS
from tests.unit.risk.payreq_samples import PAYREQ_PAYLOADS
from tests.unit.risk.supervision_samples import SUPERVISION_PAYLOADS

APPLICATION_ID = "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10"
TASK_ID = "0c7b1a52-3f0e-4c8e-b1a4-9d0d2e6c4b21"
SUBJECT = f"matter_application/{APPLICATION_ID}"
DOCUMENT = {"type": "matter_application", "id": APPLICATION_ID, "no": "SQ-2026-000001"}
LINE = "2026-dzb-2010301-30201"
ADJUSTMENT = {"type": "budget_adjustment", "id": "7a4e2c1b-0d3f-4e5a-9b8c-1f2e3d4c5b6a", "no": "TZ-2026-000001"}
OVERRIDE = {"type": "budget_override", "id": "8b5f3d2c-1e4a-4f6b-8c9d-2a3b4c5d6e7f", "no": "CY-2026-000001"}
REOPEN = {"type": "fiscal_year_reopen", "id": "9c6a4e3d-2f5b-4a7c-9d0e-3b4c5d6e7f80", "no": "CK-2026-000001"}

PAYLOADS: dict[str, dict[str, Any]] = {
    "org.unit_registered": {"unit": {"code": "dzb", "name": "党政办公室", "kind": "office"}},
    "org.user_registered": {
        "user": {"username": "head_dzb", "full_name": "王主任", "unit": "dzb", "roles": ["unit_head"]}
    },
    "org.deciding_body_registered": {
        "body": {"code": "dgw", "name": "党工委会议", "members": ["principal", "leader", "leader_party"], "quorum": 3}
    },
    # organisation administration (ic_platform/catalogue/org_admin_events.py)
    "org.user_deactivated": {
        "user": {"username": "head_dzb", "full_name": "王主任", "unit": "dzb", "roles": ["unit_head"]},
        "by": "admin",
        "sessions_revoked": 1,
    },
    "org.user_roles_changed": {
        "user": {"username": "head_dzb", "full_name": "王主任", "unit": "dzb", "roles": ["unit_head", "clerk"]},
        "previous_roles": ["unit_head"],
        "by": "admin",
    },
    "org.password_reset": {"username": "head_dzb", "by": "admin", "sessions_revoked": 0},
    "org.unit_head_assigned": {
        "unit": {"code": "dzb", "name": "党政办公室", "kind": "office"},
        "post": "unit_head",
        "username": "head_dzb",
        "previous": [],
        "by": "admin",
    },
    "org.deciding_body_changed": {
        "body": {"code": "dgw", "name": "党工委会议", "members": ["principal", "leader", "leader_party"], "quorum": 3},
        "previous_members": ["principal", "leader", "leader_party", "leader_urban"],
        "previous_quorum": 3,
        "by": "admin",
    },
    "payment.matter_application_submitted": {
        "document": DOCUMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "budget_line_id": LINE,
        "amount": "12000.00",
        "title": "购置办公桌椅",
        "purpose": "新进人员办公",
        "major_matter": False,
    },
    "payment.matter_application_resubmitted": {
        "document": DOCUMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "budget_line_id": LINE,
        "amount": "12000.00",
        "title": "购置办公桌椅",
        "purpose": "新进人员办公，附采购清单",
        "major_matter": False,
    },
    "payment.matter_application_approved": {"document": DOCUMENT},
    "payment.matter_application_rejected": {"document": DOCUMENT, "reason": "超出支出标准"},
    "payment.application_cancelled": {
        "document": DOCUMENT,
        "unit": "dzb",
        "budget_line_id": "2026-DZB-30201-01",
        "amount": "1200.00",
        "reason": "活动取消",
        "by": "clerk",
    },
    "payment.application_closed": {
        "document": DOCUMENT,
        "unit": "dzb",
        "budget_line_id": "2026-DZB-30201-01",
        "amount": "1200.00",
        "reason": "活动已结束",
        "by": "finance",
    },
    "payment.standard_exceeded": {
        "document": DOCUMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "kind": "travel",
        "expense_date": "2026-05-10",
        "standard_code": "TRAVEL-T1-R3",
        "standard_version": 1,
        "citation": "《差旅费开支标准（一类城市·其余人员）（演示）》（TRAVEL-T1-R3）第 1 版（生效日期 2026-01-01）",
        "action": "flag",
        "excess_total": "300.00",
        "items": [
            {
                "item": "lodging",
                "label": "住宿费（元/人·天）",
                "limit": "900.00",
                "asked": "1200.00",
                "excess": "300.00",
            }
        ],
    },
    "budget.pre_committed": {
        "budget_line_id": LINE,
        "document": DOCUMENT,
        "amount": "12000.00",
        "available": "188000.00",
    },
    "budget.pre_commitment_approved": {"budget_line_id": LINE, "document": DOCUMENT, "amount": "12000.00"},
    "budget.released": {
        "budget_line_id": LINE,
        "document": DOCUMENT,
        "amount": "12000.00",
        "available": "200000.00",
        "reason": "审批未通过",
    },
    "budget.committed": {
        "budget_line_id": LINE,
        "document": {"type": "contract", "id": "c-1", "no": "HT-2026-000001"},
        "amount": "11800.00",
        "available": "188200.00",
        "released": "11800.00",
        "from_document": DOCUMENT,
    },
    "budget.relieved": {
        "budget_line_id": LINE,
        "document": DOCUMENT,
        "amount": "200.00",
        "available": "188400.00",
        "reason": "合同变更减少金额",
    },
    "budget.actualized": {
        "budget_line_id": LINE,
        "document": {"type": "payment_request", "id": "p-1"},
        "amount": "11600.00",
        "available": "188400.00",
        "relieved": "11600.00",
        "released": "0.00",
        "from_document": DOCUMENT,
    },
    "budget.reversed": {
        "budget_line_id": LINE,
        "document": DOCUMENT,
        "amount": "11600.00",
        "available": "200000.00",
        "reason": "退票",
    },
    "budget.line_created": {
        "budget_line_id": LINE,
        "fiscal_year": 2026,
        "unit": "dzb",
        "expenditure_kind": "basic",
        "source_kind": "initial",
        "amount": "200000.00",
        "via": "import",
    },
    "budget.control_changed": {
        "budget_line_ids": [LINE],
        "control_mode": "tolerance",
        "tolerance": "0.00",
        "tolerance_rate": "5.00",
        "reason": "小额超支容差",
    },
    "budget.line_decomposed": {
        "budget_line_id": LINE,
        "fiscal_year": 2026,
        "unit": "czb",
        "amount_before": "200000.00",
        "amount_after": "150000.00",
        "total": "50000.00",
        "children": [{"budget_line_id": f"{LINE}-DZB-01", "unit": "dzb", "amount": "50000.00"}],
        "reason": "年初指标分解",
    },
    "budget.threshold_crossed": {
        "budget_line_id": LINE,
        "level": 80,
        "consumed": "160000.00",
        "amount": "200000.00",
        "rate": "80.00",
    },
    # ── the budget's own documents (adjustments, overrides, year close) ──
    "budget.adjustment_submitted": {
        "document": ADJUSTMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "5000.00",
        "title": "预算调剂：2026-DZB-30201-01 → 2026-DZB-30211-01",
        "major_matter": False,
        "kind": "transfer",
        "fiscal_year": 2026,
        "from_budget_line_id": LINE,
        "to_budget_line_id": "2026-DZB-30211-01",
        "reason": "差旅费不足",
        "cross_unit": False,
    },
    "budget.adjustment_resubmitted": {
        "document": ADJUSTMENT,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "5000.00",
        "title": "预算追加：2026-DZB-30211-01",
        "kind": "supplementary",
        "fiscal_year": 2026,
        "to_budget_line_id": "2026-DZB-30211-01",
        "fund_source": "general_public_budget",
        "reason": "差旅费不足，附测算",
        "cross_unit": False,
    },
    "budget.adjusted": {
        "document": ADJUSTMENT,
        "kind": "transfer",
        "fiscal_year": 2026,
        "from_budget_line_id": LINE,
        "to_budget_line_id": "2026-DZB-30211-01",
        "amount": "5000.00",
        "lines": {
            LINE: {"before": "200000.00", "after": "195000.00"},
            "2026-DZB-30211-01": {"before": "80000.00", "after": "85000.00"},
        },
    },
    "budget.adjustment_rejected": {"document": ADJUSTMENT, "reason": "理由不充分"},
    "budget.override_requested": {
        "document": OVERRIDE,
        "unit": "dzb",
        "applicant": "clerk",
        "amount": "800.00",
        "title": "超预算审批",
        "budget_line_id": LINE,
        "for_document": DOCUMENT,
        "reason": "会议规模扩大",
    },
    "budget.override_decided": {
        "document": OVERRIDE,
        "outcome": "approved",
        "budget_line_id": LINE,
        "for_document": DOCUMENT,
        "amount": "800.00",
        "expires_at": "2026-12-25T08:00:00+00:00",
    },
    "budget.override_used": {
        "document": OVERRIDE,
        "budget_line_id": LINE,
        "for_document": DOCUMENT,
        "step": "submit",
        "overrun": "500.00",
        "amount": "800.00",
    },
    "budget.year_closed": {
        "fiscal_year": 2026,
        "lines_closed": 296,
        "lines_carried_forward": 3,
        "documents_carried_forward": 4,
        "carried_forward_total": "35000.00",
        "amount_total": "9000000.00",
        "actual_total": "8000000.00",
        "reason": "年终结账",
        "closed_by": "finance",
    },
    "budget.year_reopen_requested": {
        "document": REOPEN,
        "unit": "czb",
        "applicant": "finance",
        "amount": "9000000.00",
        "title": "重新开放 2026 年度预算",
        "fiscal_year": 2026,
        "reason": "补记漏记支出",
    },
    "budget.year_reopened": {"document": REOPEN, "fiscal_year": 2026, "lines_reopened": 296},
    "approval.submitted": {
        "document": DOCUMENT,
        "initiator": "clerk",
        "route": [
            {
                "step_no": 1,
                "name": "部门负责人审批",
                "approver_role": "unit_head",
                "assignee": "head_dzb",
                "reason": "本单位负责人",
            },
            {
                "step_no": 2,
                "name": "财务审核",
                "approver_role": "finance_reviewer",
                "assignee": "fin_li",
                "reason": "财务审核",
            },
        ],
    },
    "approval.step_assigned": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "step_no": 1,
        "step_name": "部门负责人审批",
        "assignee": "head_dzb",
    },
    "approval.step_decided": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "step_no": 1,
        "decision": "approved",
        "decided_by": "head_dzb",
    },
    "approval.completed": {"document": DOCUMENT, "outcome": "approved"},
    "approval.returned": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "step_no": 1,
        "step_name": "部门负责人审批",
        "returned_by": "head_dzb",
        "reason": "请补充采购清单",
        "round": 1,
    },
    "approval.withdrawn": {
        "document": DOCUMENT,
        "withdrawn_by": "clerk",
        "round": 1,
        "step_no": 1,
        "reason": "金额有误",
    },
    "approval.task_reassigned": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "new_task_id": "1d8c2b63-4f1f-4d9f-82b5-0e1e3f7d5c32",
        "step_no": 2,
        "step_name": "财务审核",
        "from_assignee": "finance",
        "to_assignee": "finance2",
        "reassigned_by": "finance",
        "reason": "出差",
    },
    "approval.delegation_granted": {
        "delegation_id": "2e9d3c74-5a2a-4eaa-93c6-1f2f4a8e6d43",
        "principal": "leader",
        "delegate": "leader_party",
        "starts_at": "2026-11-25T00:00:00+00:00",
        "ends_at": "2026-11-30T00:00:00+00:00",
        "reason": "外出学习",
    },
    "approval.delegation_revoked": {
        "delegation_id": "2e9d3c74-5a2a-4eaa-93c6-1f2f4a8e6d43",
        "principal": "leader",
        "delegate": "leader_party",
        "revoked_by": "leader",
    },
    "approval.trail_anchored": {
        "chain": "ic_approval",
        "seq": 42,
        "hash": "ab" * 32,
        "anchored_at": "2026-11-25T08:00:00.000000Z",
    },
    "approval.task_overdue": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "step_no": 1,
        "step_name": "部门负责人审批",
        "assignee": "head_dzb",
        "due_at": "2026-11-26T08:00:00+00:00",
    },
    "approval.task_escalated": {
        "document": DOCUMENT,
        "task_id": TASK_ID,
        "step_no": 1,
        "step_name": "部门负责人审批",
        "assignee": "head_dzb",
        "escalated_to": "leader",
        "due_at": "2026-11-26T08:00:00+00:00",
        "reason": "单位分管领导",
    },
    "risk.warning_raised": {
        "warning_id": 7,
        "document": DOCUMENT,
        "rule": "split_purchase",
        "severity": "high",
        "message": "疑似拆分采购（化整为零）",
        "evidence": {"total": "60000.00"},
        "raised_at": "2026-11-25T08:00:00+00:00",
    },
    "risk.document_assessed": {
        "document": DOCUMENT,
        "submission": {
            "event_id": "0b7f0c5e-3f51-4a43-9d0f-5b1f5b9f7c11",
            "type": "payment.matter_application_submitted",
        },
        "assessed_at": "2026-11-25T08:00:01+00:00",
        "rules": ["split_purchase"],
        "warnings": [
            {
                "warning_id": 7,
                "rule": "split_purchase",
                "severity": "high",
                "message": "疑似拆分采购（化整为零）",
                "evidence": {"total": "60000.00"},
                "raised_at": "2026-11-25T08:00:00+00:00",
            }
        ],
    },
}
# payment.expense_claim_*: an over-standard travel claim on the application above.
CLAIM = {"type": "expense_claim", "id": "6d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a", "no": "BX-2026-000001"}
_CLAIM_FACTS = {
    "claim_id": CLAIM["id"],
    "no": CLAIM["no"],
    "document": CLAIM,
    "unit": "dzb",
    "claimant": "clerk",
    "amount": "2380.00",
    "budget_line_id": LINE,
    "application_id": APPLICATION_ID,
    "kind": "travel",
    "invoices": [{"key": "26442000000123456789", "number": "26442000000123456789", "amount": "2000.00"}],
    "flags": [
        {
            "rule": "expenditure_standard_exceeded",
            "severity": "medium",
            "message": "第 1 段行程（广州）超出《差旅费开支标准（一类城市·其余人员）（演示）》："
            "住宿费限额 900.00，报销 1200.00，超出 300.00",
            "details": {"where": "第 1 段行程（广州）", "excess_total": "300.00"},
        }
    ],
}
PAYLOADS |= {
    "payment.expense_claim_submitted": {**_CLAIM_FACTS, "applicant": "clerk", "title": "赴广州学习考察差旅费"},
    "payment.expense_claim_approved": _CLAIM_FACTS,
    "payment.expense_claim_rejected": {"document": CLAIM, "unit": "dzb", "reason": "发票与行程不符"},
    "payment.expense_claim_cancelled": {"document": CLAIM, "unit": "dzb", "reason": "重复填报", "by": "clerk"},
}
_ATTACHMENT = {
    "unit": "dzb",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "filename": "发票.pdf",
    "media_type": "application/pdf",
    "size": 48213,
    "uploaded_by": "clerk",
}
PAYLOADS |= {
    "payment.attachment_added": {"document": CLAIM, **_ATTACHMENT},
    "contract.attachment_added": {
        "document": {"type": "contract", "id": CLAIM["id"], "no": "HT-2026-000001"},
        **_ATTACHMENT,
    },
    "procurement.attachment_added": {
        "document": {"type": "procurement_application", "id": CLAIM["id"], "no": "CG-2026-000001"},
        **_ATTACHMENT,
    },
    "approval.attachment_added": {
        "document": {"type": "meeting_record", "id": CLAIM["id"], "no": "SQ-2026-000001 会议记录"},
        **_ATTACHMENT,
    },
}

# procurement.*: produced by the procurement domain itself.
PAYLOADS |= procurement_payloads()

# Contract's (and the award it hears); procurement's own sample, when present, wins.
for _type, _payload in CONTRACT_PAYLOADS.items():
    PAYLOADS.setdefault(_type, _payload)
# payment's own (payment requests, executions), before the provisional copies below.
for _type, _payload in PAYREQ_PAYLOADS.items():
    PAYLOADS.setdefault(_type, _payload)
# The pinned payment-flow events (their producers' own samples, when present, win).
for _type, _payload in PAYMENT_FLOW_PAYLOADS.items():
    PAYLOADS.setdefault(_type, _payload)
# The supervision desk's (issue 13 §3).
PAYLOADS |= SUPERVISION_PAYLOADS
# Accounting's, and the two events it hears as pinned; their producers' own samples, when present, win.
for _type, _payload in ACCOUNTING_PAYLOADS.items():
    PAYLOADS.setdefault(_type, _payload)


def envelope(
    type_: str,
    payload: dict[str, Any] | None = None,
    *,
    subject: str | None = SUBJECT,
    actor: str | None = "clerk",
    **fields: Any,
) -> Envelope:
    """A real envelope; it must pass the catalogue, as a producer's would before entering its outbox."""
    if type_.startswith("org."):
        subject = None  # organisation events concern no document
    event = Envelope(
        type=type_,
        payload=PAYLOADS[type_] if payload is None else payload,
        org="xinqiao",
        producer=type_.split(".")[0],
        actor=actor,
        subject=subject,
        **fields,
    )
    catalogue.validate(event.as_dict())
    return event


# Segregation-of-duties refusals, published by the platform after the refused request (ic_platform/segregation.py).
PAYLOADS |= {
    control_events.event_type(service): {
        "person": "leader_party",
        "unit": "dzb",
        "rule": "self_approval",
        "code": "sod_self_approval",
        "entrypoint": "decide",
        "message": "不能审批本人提交的单据",
    }
    for service in control_events.SOD_PRODUCERS
}
