"""Expense claim (报销) event types, published by payment. Kept beside `events.py`: `merge_into(SPECS)` adds them.

`payment.expense_claim_submitted` is an approval request (approval routes it with definition `expense_claim`;
risk assesses it and turns its `flags` into warnings the approver sees); so is `_resubmitted`, a returned claim
corrected into a new round. The shape of `_submitted` and
`_approved` is pinned between helpers (payment requests build on an approved claim)."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import DOCUMENT, MONEY, USERNAME, UUID, approval_request, obj

_LINE = {"type": "string", "minLength": 1, "description": "budget line id"}
_UNIT = {"type": "string", "minLength": 1}
_KIND = {"enum": ["travel", "meeting", "training", "reception", "other"], "description": "报销类别"}
_INVOICES = {
    "type": "array",
    "description": "所附发票（已在发票登记簿登记使用）：key 为规范化的发票标识",
    "items": obj(
        ["key", "number", "amount"],
        key={"type": "string", "pattern": r"^(\d{20}|\d{10}-\d{8}|\d{12}-\d{8})$"},
        number={"type": "string", "pattern": r"^(\d{20}|\d{8})$"},
        amount=MONEY,
    ),
}
_FLAGS = {
    "type": "array",
    "description": "政策允许通过但须提示的规则（超出预警类支出标准、交通工具超等级）：风险服务据此生成预警",
    "items": obj(
        ["rule", "severity", "message", "details"],
        rule={"type": "string", "minLength": 1},
        severity={"enum": ["low", "medium", "high"]},
        message={"type": "string"},
        details={"type": "object"},
    ),
}
_CLAIM = dict(
    claim_id=UUID,
    no={"type": "string", "pattern": r"^BX-\d{4}-\d{6}$"},
    document=DOCUMENT,
    unit=_UNIT,
    claimant=USERNAME,
    amount=MONEY,
    budget_line_id=_LINE,
    application_id={"anyOf": [UUID, {"type": "null"}], "description": "所依据的事前申请（无则为直接报销）"},
    kind=_KIND,
    invoices=_INVOICES,
    flags=_FLAGS,
)
_REQUIRED = [
    "claim_id",
    "no",
    "document",
    "unit",
    "claimant",
    "amount",
    "budget_line_id",
    "application_id",
    "kind",
    "invoices",
    "flags",
]

CLAIM_SPECS: list[dict[str, Any]] = [
    dict(
        type="payment.expense_claim_submitted",
        version=1,
        producer="payment",
        summary="报销单已提交审批（依据已批准的事前申请，或小额直接报销且已预占预算）；flags 为超标等提示",
        subscribers=("approval",),
        payload=approval_request(
            _REQUIRED, **{k: v for k, v in _CLAIM.items() if k not in ("document", "unit", "amount")}
        ),
    ),
    dict(
        type="payment.expense_claim_resubmitted",
        version=1,
        producer="payment",
        summary="被退回的报销单经报销人修改后重新提交，进入新一轮审批：支出标准与发票已重新校验（直接报销金额变动的，"
        "已按新金额重新预占）；flags 为本轮的超标等提示",
        subscribers=("approval",),
        payload=approval_request(
            [*_REQUIRED, "round"],
            **{k: v for k, v in _CLAIM.items() if k not in ("document", "unit", "amount")},
            round={"type": "integer", "minimum": 2, "description": "第几轮审批（首次提交为第 1 轮）"},
        ),
    ),
    dict(
        type="payment.expense_claim_approved",
        version=1,
        producer="payment",
        summary="报销单审批通过：依据事前申请的，由事前申请的预占转为占用并释放结余（可据此付款）",
        payload=obj(_REQUIRED, **_CLAIM),
    ),
    dict(
        type="payment.expense_claim_rejected",
        version=1,
        producer="payment",
        summary="报销单被驳回：所附发票释放，可重新报销",
        payload=obj(["document", "unit", "reason"], document=DOCUMENT, unit=_UNIT, reason={"type": "string"}),
    ),
    dict(
        type="payment.expense_claim_cancelled",
        version=1,
        producer="payment",
        summary="报销单已作废（报销人）：所附发票释放，仍预占的预算已释放",
        subscribers=("approval",),  # a returned claim's route is closed: no resubmission will come
        payload=obj(
            ["document", "unit", "reason", "by"],
            document=DOCUMENT,
            unit=_UNIT,
            reason={"type": "string", "minLength": 1},
            by=USERNAME,
        ),
    ),
]


# 附件: each service keeping attachments announces a new one (ic_platform/attachments.py), for the dossier.
# Approval keeps only a collective step's meeting record's files: its own kind of document, named by the task.
MEETING_RECORD = {
    **DOCUMENT,
    "description": "集体决策的会议记录（id 为集体决策节点的审批任务编号）",
    "properties": {**DOCUMENT["properties"], "type": {"type": "string", "enum": ["meeting_record"]}},
}
ATTACHMENT_SPECS: list[dict[str, Any]] = [
    dict(
        type=f"{service}.attachment_added",
        version=1,
        producer=service,
        summary="单据新增附件（按内容寻址，SHA-256）",
        payload=obj(
            ["document", "unit", "sha256", "filename", "media_type", "size", "uploaded_by"],
            document=MEETING_RECORD if service == "approval" else DOCUMENT,
            unit=_UNIT,
            sha256={"type": "string", "pattern": r"^[0-9a-f]{64}$"},
            filename={"type": "string", "minLength": 1, "maxLength": 200},
            media_type={"type": "string", "minLength": 1},
            size={"type": "integer", "minimum": 1},
            uploaded_by=USERNAME,
        ),
    )
    for service in ("payment", "contract", "procurement", "approval")
]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*specs, *CLAIM_SPECS, *ATTACHMENT_SPECS]


__all__ = ["CLAIM_SPECS", "merge_into"]
