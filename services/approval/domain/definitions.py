"""The process definitions in force, one per document type, as plain data.

Changing a rule or a threshold means a new version here; routes already drawn keep the version they were
drawn from (their steps are frozen). Later the definitions may move to the database; the shape stays."""

from __future__ import annotations

from typing import Any

from services.approval.domain import errors
from services.approval.domain.directory import Directory
from services.approval.domain.model import PlannedStep
from services.approval.domain.process import ProcessDefinition

# 分级授权 shared by the spending documents: who may approve, lowest first.
AUTHORITIES = [
    {"role": "unit_head", "label": "部门负责人", "step_name": "部门负责人审批", "scope": "unit"},
    {"role": "leader_in_charge", "label": "分管领导", "step_name": "分管领导审批", "scope": "unit_leader"},
    {"role": "principal", "label": "主要领导", "step_name": "主要领导审批", "scope": "org"},
]

MATTER_APPLICATION_V1: dict[str, Any] = {
    "document_type": "matter_application",
    "version": 1,
    "name": "事前申请审批",
    "authorities": AUTHORITIES,
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {
            "role": "principal",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "三重一大事项"}],
        },
    ],
}

# v2: large or major matters are countersigned by finance and discipline inspection (财务、纪检会签) before the
# leadership decides; a major matter (三重一大) is decided collectively, at a meeting of the 党工委, whose record
# the principal (the chair) enters. A principal who is also the meeting's chair decides once, at the meeting.
MATTER_APPLICATION_V2: dict[str, Any] = {
    "document_type": "matter_application",
    "version": 2,
    "name": "事前申请审批",
    "authorities": [
        *AUTHORITIES[:2],
        {
            "role": "finance_inspection",
            "label": "财务审核与纪检监察",
            "step_name": "财务、纪检会签",
            "scope": "org",
            "kind": "countersign",
            "roles": ["finance_reviewer", "inspector"],
        },
        AUTHORITIES[2],
        {
            "role": "collective_decision",
            "label": "党工委会议",
            "step_name": "集体决策（党工委会议）",
            "scope": "org",
            "kind": "collective",
            "roles": ["principal"],
            "body": "dgw",  # 党工委: its members and quorum are org's data
        },
    ],
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {
            "role": "finance_inspection",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "三重一大事项"}],
        },
        {"role": "principal", "when": [{"amount_at_least": "principal"}]},
        {"role": "collective_decision", "when": [{"flag": "major_matter", "label": "三重一大事项"}]},
    ],
}

# 采购申请: the matter application's tiers, and an extra step for a method that needs reasons. Single source (单一
# 来源) or an invited tender above the open-tender threshold (`extra_approval`, set by procurement's method rule)
# is reviewed by finance and discipline inspection (会签) and decided by the principal, whatever the amount.
_EXTRA_APPROVAL = {"flag": "extra_approval", "label": "单一来源（或达到公开招标数额标准的邀请招标），须论证"}
PROCUREMENT_APPLICATION_V1: dict[str, Any] = {
    "document_type": "procurement_application",
    "version": 1,
    "name": "采购申请审批",
    "authorities": MATTER_APPLICATION_V2["authorities"],
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核采购需求"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}, _EXTRA_APPROVAL]},
        {
            "role": "finance_inspection",
            "when": [
                {"amount_at_least": "principal"},
                {"flag": "major_matter", "label": "三重一大事项"},
                _EXTRA_APPROVAL,
            ],
        },
        {"role": "principal", "when": [{"amount_at_least": "principal"}, _EXTRA_APPROVAL]},
        {"role": "collective_decision", "when": [{"flag": "major_matter", "label": "三重一大事项"}]},
    ],
}

# 采购方式变更: the unit head and the leader in charge always (a method is changed for reasons someone answers
# for), the principal from the principal's amount or for 三重一大.
PROCUREMENT_METHOD_CHANGE_V1: dict[str, Any] = {
    "document_type": "procurement_method_change",
    "version": 1,
    "name": "采购方式变更审批",
    "authorities": AUTHORITIES,
    "thresholds": {"principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "采购单位负责人审核变更理由"},
        {"role": "leader_in_charge", "reason": "分管领导审批采购方式变更"},
        {
            "role": "principal",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "三重一大事项"}],
        },
    ],
}

# The budget service's own documents. 财务审核 is an any-one-of step (或签): the office has several finance
# reviewers, and any one of them may review an adjustment for the finance office.
FINANCE_REVIEW = {
    "role": "finance_review",
    "label": "财务审核",
    "step_name": "财务审核（或签）",
    "scope": "org",
    "kind": "any_one",
    "roles": ["finance_reviewer"],
}

BUDGET_ADJUSTMENT_V1: dict[str, Any] = {
    "document_type": "budget_adjustment",
    "version": 1,
    "name": "预算调整（调剂/追加）审批",
    "authorities": [*AUTHORITIES[:1], FINANCE_REVIEW, *AUTHORITIES[1:]],
    "thresholds": {"principal": "100000.00"},
    "steps": [
        {"role": "unit_head", "reason": "调出（追加）单位负责人审核"},
        {"role": "finance_review", "reason": "财务部门审核预算调整"},
        {"role": "leader_in_charge", "reason": "分管领导审核预算调整"},
        {
            "role": "principal",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "跨单位调剂或三重一大事项"}],
        },
    ],
}

BUDGET_OVERRIDE_V1: dict[str, Any] = {
    "document_type": "budget_override",
    "version": 1,
    "name": "超预算审批",
    "authorities": AUTHORITIES,
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人说明超支理由"},
        {"role": "principal", "reason": "超出预算指标的支出须主要领导批准"},
    ],
}

FISCAL_YEAR_REOPEN_V1: dict[str, Any] = {
    "document_type": "fiscal_year_reopen",
    "version": 1,
    "name": "已结账年度重新开放审批",
    "authorities": [AUTHORITIES[-1]],
    "steps": [{"role": "principal", "reason": "重新开放已结账年度须主要领导批准"}],
}

# 合同签订审批. The office has no legal adviser role yet: the legal review (合法性审查) from the contract policy's
# amount (demo 100,000, services/contract/domain/seed.py) is the leader in charge's; 三重一大 from the major-matter
# amount (demo 500,000) goes to the principal. Thresholds repeat the contract policy's demo values.
CONTRACT_V1: dict[str, Any] = {
    "document_type": "contract",
    "version": 1,
    "name": "合同签订审批",
    "authorities": AUTHORITIES,
    "thresholds": {"leader_in_charge": "100000.00", "principal": "500000.00"},
    "steps": [
        {"role": "unit_head", "reason": "承办单位负责人审核合同"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {
            "role": "principal",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "三重一大事项"}],
        },
    ],
}

# 合同变更（补充协议）: routed on the size of the change (its absolute amount), like a contract of that amount.
CONTRACT_AMENDMENT_V1: dict[str, Any] = {**CONTRACT_V1, "document_type": "contract_amendment", "name": "合同变更审批"}
CONTRACT_AMENDMENT_V1["steps"] = [
    {"role": "unit_head", "reason": "承办单位负责人审核合同变更"},
    *CONTRACT_V1["steps"][1:],
]

# 报销: the claimant's unit head, then finance (any one of the reviewers: 或签), then the leader in charge from
# the leader's amount (demo 10,000). The claim's flags (over a flag standard, transport above the rank) reach the
# approvers as risk warnings (services/risk: expenditure_standard_exceeded, travel_class_exceeded).
EXPENSE_CLAIM_V1: dict[str, Any] = {
    "document_type": "expense_claim",
    "version": 1,
    "name": "报销审批",
    "authorities": [*AUTHORITIES[:1], FINANCE_REVIEW, *AUTHORITIES[1:2]],
    "thresholds": {"leader_in_charge": "10000.00"},
    "steps": [
        {"role": "unit_head", "reason": "报销单位负责人审核"},
        {"role": "finance_review", "reason": "财务审核票据与标准"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
    ],
}

# 付款审批: the requesting unit's head, then finance (any one reviewer: budget, invoices, payee checked again);
# from the thresholds the leader in charge and the principal. Execution (支付) is the cashier's, never an
# approver's (付款审批 × 付款执行 in conflicts.py; the payment service refuses it at execution).
PAYMENT_REQUEST_V1: dict[str, Any] = {
    "document_type": "payment_request",
    "version": 1,
    "name": "付款审批",
    "authorities": [*AUTHORITIES[:1], FINANCE_REVIEW, *AUTHORITIES[1:]],
    "thresholds": {"leader_in_charge": "50000.00", "principal": "200000.00"},
    "steps": [
        {"role": "unit_head", "reason": "申请单位负责人审核付款"},
        {"role": "finance_review", "reason": "财务审核付款依据、发票与收款人"},
        {"role": "leader_in_charge", "when": [{"amount_at_least": "leader_in_charge"}]},
        {
            "role": "principal",
            "when": [{"amount_at_least": "principal"}, {"flag": "major_matter", "label": "三重一大事项"}],
        },
    ],
}

DEFINITIONS: dict[str, ProcessDefinition] = {
    d["document_type"]: ProcessDefinition.from_dict(d)
    for d in (
        MATTER_APPLICATION_V2,
        PROCUREMENT_APPLICATION_V1,
        PROCUREMENT_METHOD_CHANGE_V1,
        BUDGET_ADJUSTMENT_V1,
        BUDGET_OVERRIDE_V1,
        FISCAL_YEAR_REOPEN_V1,
        CONTRACT_V1,
        CONTRACT_AMENDMENT_V1,
        EXPENSE_CLAIM_V1,
        PAYMENT_REQUEST_V1,
    )
}
# Earlier versions, kept loadable: routes drawn from them stay as they were drawn.
EARLIER = {(d["document_type"], d["version"]): ProcessDefinition.from_dict(d) for d in (MATTER_APPLICATION_V1,)}


def current(document_type: str) -> ProcessDefinition:
    """The definition a new route of this type is drawn from; RouteRefused if there is none."""
    try:
        return DEFINITIONS[document_type]
    except KeyError:
        raise errors.no_definition(document_type) from None


def version(document_type: str, number: int) -> ProcessDefinition | None:
    """The definition a route was drawn from (the current one, or an earlier version kept for its routes)."""
    current_one = DEFINITIONS.get(document_type)
    if current_one is not None and current_one.version == number:
        return current_one
    return EARLIER.get((document_type, number))


def resolve_route(document_type: str, attributes: dict[str, Any], directory: Directory) -> list[PlannedStep]:
    return current(document_type).resolve(attributes, directory)
