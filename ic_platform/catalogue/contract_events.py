"""Contract (合同) event types, and the award contract management hears from procurement.

Kept beside `events.py`: `merge_into(SPECS)` adds the contract's event types and `contract` as a subscriber of
procurement's `procurement.award_decided` (its schema is procurement's, in `events.py`)."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import DOCUMENT, MONEY, PARTIES, USERNAME, UUID, approval_request, obj

_DATE = {"type": "string", "format": "date"}
_DATE_OR_NULL = {"anyOf": [_DATE, {"type": "null"}]}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_LINE = {"type": "string", "minLength": 1, "description": "budget line id"}
_PERCENT = {
    "type": "string",
    "pattern": r"^(100|\d{1,2}(\.\d{1,4})?)$",
    "description": '进度百分比，大于 0 且不超过 100（如 "50"、"33.3333"）',
}
_UNIT = {"type": "string", "minLength": 1}
_METHOD = {
    "enum": [
        "open_tender",
        "invited_tender",
        "competitive_negotiation",
        "competitive_consultation",
        "request_for_quotation",
        "single_source",
        "framework_agreement",
        "self_procurement",
    ],
    "description": "采购方式（术语表 procurement_method）",
}
_FLAGS = {
    "type": "array",
    "description": "政策允许通过但须提示的规则（风险预警据此生成）",
    "items": obj(
        ["rule", "severity", "message", "details"],
        rule={"type": "string", "minLength": 1},
        severity={"enum": ["low", "medium", "high"]},
        message={"type": "string"},
        details={"type": "object"},
    ),
}
_MILESTONE = obj(
    ["no", "name", "condition", "amount", "share", "progress", "planned_date", "payment_days"],
    no={"type": "integer", "minimum": 1},
    name={"type": "string", "minLength": 1},
    condition={"enum": ["on_signing", "on_acceptance", "on_progress", "after_warranty"]},
    amount=MONEY,
    share=_TEXT_OR_NULL,
    progress=_TEXT_OR_NULL,
    planned_date=_DATE_OR_NULL,
    payment_days={"type": "integer", "minimum": 0},
)
_BASIS = {
    "type": "object",
    "description": "合同依据：中标（成交）结果，或不需采购的已批准事前申请",
    "required": ["type"],
    "properties": {
        "type": {"enum": ["award", "matter_application"]},
        "award_id": UUID,
        "application": DOCUMENT,
        "method": _METHOD,
        "amount": MONEY,
        "notice_date": _DATE,
    },
    "additionalProperties": False,
}
_ROUTING = obj(
    ["amount", "legal_review", "major_matter"],
    amount=MONEY,
    legal_review={"type": "boolean", "description": "达到合法性审查金额"},
    major_matter={"type": "boolean", "description": "达到三重一大金额"},
    basis={"enum": ["award", "matter_application"]},
)

CONTRACT_SPECS: list[dict[str, Any]] = [
    dict(
        type="contract.drafted",
        version=1,
        producer="contract",
        summary="合同已起草登记：依据中标（成交）结果，相对方与金额已核对，付款节点合计等于合同金额",
        payload=obj(
            [
                "document",
                "unit",
                "title",
                "basis",
                "supplier_id",
                "amount",
                "start_date",
                "end_date",
                "milestones",
                "retention",
                "warranty_end",
                "parties",
            ],
            document=DOCUMENT,
            unit=_UNIT,
            title={"type": "string", "minLength": 1},
            basis=_BASIS,
            supplier_id={"type": "string", "minLength": 1},
            amount=MONEY,
            start_date=_DATE,
            end_date=_DATE,
            milestones={"type": "array", "items": _MILESTONE, "minItems": 1},
            retention=MONEY,
            warranty_end=_DATE_OR_NULL,
            parties=PARTIES,
        ),
    ),
    dict(
        type="contract.submitted",
        version=1,
        producer="contract",
        summary="合同已提交签订审批（达到金额的须合法性审查、三重一大）",
        subscribers=("approval",),
        payload=approval_request(
            ["supplier_id", "routing", "round", "budget_line_id"],
            supplier_id={"type": "string", "minLength": 1},
            routing=_ROUTING,
            round={"type": "integer", "minimum": 1},
            budget_line_id=_LINE,
        ),
    ),
    dict(
        type="contract.resubmitted",
        version=1,
        producer="contract",
        summary="被退回或撤回的合同重新提交签订审批，进入新一轮审批",
        subscribers=("approval",),
        payload=approval_request(
            ["supplier_id", "routing", "round", "budget_line_id"],
            supplier_id={"type": "string", "minLength": 1},
            routing=_ROUTING,
            round={"type": "integer", "minimum": 2},
            budget_line_id=_LINE,
        ),
    ),
    dict(
        type="contract.approved",
        version=1,
        producer="contract",
        summary="合同签订审批通过，可以签订",
        payload=obj(["document"], document=DOCUMENT),
    ),
    dict(
        type="contract.rejected",
        version=1,
        producer="contract",
        summary="合同签订审批未通过",
        payload=obj(["document", "reason"], document=DOCUMENT, reason=_TEXT_OR_NULL),
    ),
    dict(
        type="contract.cancelled",
        version=1,
        producer="contract",
        summary="合同已作废（尚未签订的草稿、已退回或已撤回的合同由拟稿人作废）：其依据的中标结果或事前申请可另行订立合同",
        subscribers=("approval",),
        payload=obj(
            ["document", "unit", "reason", "previous_status", "basis"],
            document=DOCUMENT,
            unit=_UNIT,
            reason={"type": "string", "minLength": 1, "description": "作废原因"},
            previous_status={"enum": ["draft", "returned", "withdrawn"], "description": "作废前的状态"},
            basis=_BASIS,
        ),
    ),
    dict(
        type="contract.signed",
        version=1,
        producer="contract",
        subscribers=("procurement",),
        summary="合同已签订（不早于中标通知书日期），预算由预占转为合同占用，差额释放",
        payload=obj(
            [
                "document",
                "unit",
                "supplier_id",
                "amount",
                "signed_on",
                "award_id",
                "award_notice_date",
                "days_after_award",
                "budget",
                "flags",
            ],
            document=DOCUMENT,
            unit=_UNIT,
            supplier_id={"type": "string", "minLength": 1},
            amount=MONEY,
            signed_on=_DATE,
            award_id={"anyOf": [UUID, {"type": "null"}]},
            award_notice_date=_DATE_OR_NULL,
            days_after_award={"type": ["integer", "null"]},
            budget=obj(
                ["budget_line_id", "commit", "from_document", "release"],
                budget_line_id=_LINE,
                commit=MONEY,
                from_document=DOCUMENT,
                release=MONEY,
            ),
            flags=_FLAGS,
        ),
    ),
    dict(
        type="contract.amendment_submitted",
        version=1,
        producer="contract",
        summary="合同变更（补充协议）已提交审批；累计追加不超过原合同金额的 10%",
        subscribers=("approval",),
        payload=approval_request(
            [
                "contract",
                "reason",
                "previous_amount",
                "new_amount",
                "delta",
                "end_date",
                "cumulative_increase",
                "increase_limit",
            ],
            contract=DOCUMENT,
            reason={"type": "string", "minLength": 1},
            previous_amount=MONEY,
            new_amount=MONEY,
            delta=MONEY,
            end_date=_DATE,
            scope=_TEXT_OR_NULL,
            cumulative_increase=MONEY,
            increase_limit=MONEY,
            via_procurement={"anyOf": [UUID, {"type": "null"}]},
        ),
    ),
    dict(
        type="contract.amended",
        version=1,
        producer="contract",
        summary="合同变更经批准生效：追加部分占用预算，减少部分解除占用",
        payload=obj(
            [
                "document",
                "amendment",
                "previous_amount",
                "amount",
                "delta",
                "cumulative_change",
                "cumulative_increase",
                "end_date",
                "budget",
            ],
            document=DOCUMENT,
            amendment=DOCUMENT,
            previous_amount=MONEY,
            amount=MONEY,
            delta=MONEY,
            cumulative_change=MONEY,
            cumulative_increase=MONEY,
            end_date=_DATE,
            budget=obj(["commit", "relieve"], commit=MONEY, relieve=MONEY),
        ),
    ),
    dict(
        type="contract.amendment_rejected",
        version=1,
        producer="contract",
        summary="合同变更未获批准，合同按原约定履行",
        payload=obj(["document", "amendment", "reason"], document=DOCUMENT, amendment=DOCUMENT, reason=_TEXT_OR_NULL),
    ),
    dict(
        type="contract.terminated",
        version=1,
        producer="contract",
        summary="合同解除（终止）：按结算金额履行，其余预算占用解除",
        payload=obj(
            ["document", "kind", "terminated_on", "reason", "amount", "settlement_amount", "paid", "relieve"],
            document=DOCUMENT,
            kind={"enum": ["rescission", "termination"], "description": "解除 / 终止"},
            terminated_on=_DATE,
            reason={"type": "string", "minLength": 1},
            amount=MONEY,
            settlement_amount=MONEY,
            paid=MONEY,
            relieve=MONEY,
        ),
    ),
    dict(
        type="contract.completed",
        version=1,
        producer="contract",
        summary="合同已履行完毕：含质保金在内已全部支付",
        payload=obj(
            ["document", "amount", "paid", "completed_on"],
            document=DOCUMENT,
            amount=MONEY,
            paid=MONEY,
            completed_on=_DATE,
        ),
    ),
    dict(
        type="contract.acceptance_recorded",
        version=1,
        producer="contract",
        summary="验收已登记（付款节点或交付）：验收人员不含采购经办人与合同拟稿人；不合格的节点不得付款",
        payload=obj(
            [
                "acceptance_id",
                "contract_id",
                "contract_no",
                "unit",
                "milestone_no",
                "result",
                "accepted_on",
                "amount",
                "supplier_id",
                "budget_line_id",
                "members",
                "acceptor",
            ],
            acceptance_id=UUID,
            contract_id=UUID,
            contract_no={"type": "string", "minLength": 1},
            unit=_UNIT,
            milestone_no={"type": ["integer", "null"], "minimum": 1, "description": "付款节点；交付验收为 null"},
            result={
                "enum": ["passed", "failed", "passed_with_remarks"],
                "description": "合格 / 不合格 / 合格有保留意见",
            },
            accepted_on=_DATE,
            amount={"anyOf": [MONEY, {"type": "null"}], "description": "该付款节点的金额"},
            supplier_id={"type": "string", "minLength": 1},
            budget_line_id=_LINE,
            members={"type": "array", "items": USERNAME, "minItems": 1},
            acceptor=USERNAME,
        ),
    ),
    dict(
        type="contract.progress_certified",
        version=1,
        producer="contract",
        summary="履行进度已确认（按进度付款）：进度不低于上次确认，确认人不是合同拟稿人；达到比例的付款节点自确认之日起可付款",
        payload=obj(
            [
                "certificate_id",
                "contract_id",
                "contract_no",
                "unit",
                "percent",
                "previous_percent",
                "certified_on",
                "certifier",
                "remarks",
                "milestones_met",
                "supplier_id",
                "budget_line_id",
            ],
            certificate_id=UUID,
            contract_id=UUID,
            contract_no={"type": "string", "minLength": 1},
            unit=_UNIT,
            percent=_PERCENT,
            previous_percent={"anyOf": [_PERCENT, {"type": "null"}], "description": "上一次确认的进度；首次为 null"},
            certified_on=_DATE,
            certifier=USERNAME,
            remarks={"type": "string", "description": "确认意见"},
            milestones_met={
                "type": "array",
                "description": "本次确认首次达到其进度比例的付款节点",
                "items": obj(
                    ["no", "name", "amount"],
                    no={"type": "integer", "minimum": 1},
                    name={"type": "string", "minLength": 1},
                    amount=MONEY,
                ),
            },
            supplier_id={"type": "string", "minLength": 1},
            budget_line_id=_LINE,
        ),
    ),
]


# What the contract service hears of others' events (beside approval's, declared with approval's specs).
_HEARD = ("procurement.award_decided", "org.unit_registered")


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`specs` with the contract's event types, and contract hearing procurement's award and org's units."""
    for spec in specs:
        if spec["type"] in _HEARD:
            spec["subscribers"] = tuple(sorted({*spec.get("subscribers", ()), "contract"}))
    return [*specs, *CONTRACT_SPECS]


__all__ = ["CONTRACT_SPECS", "USERNAME", "merge_into"]
