"""The budget service's refusals, each with a stable code and a Chinese message."""

from __future__ import annotations

from decimal import Decimal

from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict, DomainError, Forbidden, not_found
from ic_platform.money import money_str
from services.budget.domain.model import FundsDecision, MoveKind

RULE_LABELS = {
    "block_insufficient": "预算指标可用余额不足（刚性控制）",
    "tolerance_insufficient": "超出预算指标容差范围",
    "fiscal_year_closed": "该预算年度已结账，不能再发生业务",
    "release_exceeds_pre_commitment": "释放金额不能超过该单据在本指标上的预占余额",
    "relieve_exceeds_commitment": "解除金额不能超过该单据在本指标上的承诺（合同占用）余额",
    "reverse_exceeds_actual": "冲销金额不能超过该单据在本指标上的实际支出",
}

# Money given back, and the part of what a document holds on a line that a give-back may not exceed.
GIVE_BACK_RULES = {
    MoveKind.RELEASE: "release_exceeds_pre_commitment",
    MoveKind.RELIEVE: "relieve_exceeds_commitment",
    MoveKind.REVERSAL: "reverse_exceeds_actual",
}
MOVE_LABELS = {
    MoveKind.PRE_COMMIT: "预占",
    MoveKind.RELEASE: "释放",
    MoveKind.PRE_COMMIT_APPROVED: "预占确认",
    MoveKind.COMMIT: "承诺（合同占用）",
    MoveKind.RELIEVE: "解除承诺",
    MoveKind.ACTUAL: "实际支出",
    MoveKind.REVERSAL: "冲销",
}


def insufficient_funds(
    decision: FundsDecision, document: DocumentRef | None = None, fiscal_year: int | None = None
) -> DomainError:
    """The refusal, saying what the caller can do next (in the message and as typed `next_steps`): have the
    line raised (预算调整：调剂/追加), or ask that this document be let over it (超预算审批) and, once that is
    approved, send the document again naming it. A closed year takes neither: it must be reopened first."""
    label = RULE_LABELS.get(decision.rule, decision.rule)
    covered = f"（其中来源单据已占 {money_str(decision.covered)} 元转入）" if decision.covered else ""
    shortfall = max(decision.requested - decision.covered - decision.available, Decimal("0.01"))
    steps = next_steps(decision, document, shortfall, fiscal_year)
    advice = "；".join(f"{s['label']}（{s['method']} {s['path']}）" for s in steps)
    details = {**decision.as_dict(), "shortfall": money_str(shortfall), "next_steps": steps}
    if document is not None:
        details["document"] = document.as_dict()
    return Conflict(
        "budget_insufficient",
        f"{label}：预算指标 {decision.budget_line_id} 申请 {money_str(decision.requested)} 元，"
        f"可用余额 {money_str(decision.available)} 元{covered}，差额 {money_str(shortfall)} 元。"
        f"{'可以：' + advice if advice else ''}",
        details,
    )


def next_steps(
    decision: FundsDecision, document: DocumentRef | None, shortfall: Decimal, fiscal_year: int | None = None
) -> list[dict]:
    """What the caller may do about a refusal, naming the gateway's routes to call."""
    if decision.rule == "fiscal_year_closed":
        year = fiscal_year or "{fiscal_year}"
        return [
            {
                "action": "reopen_year",
                "label": "由财务申请重新开放已结账年度，批准后再提交",
                "method": "POST",
                "path": f"/api/v1/fiscal-years/{year}/reopen-requests",
            }
        ]
    steps = [
        {
            "action": "adjust",
            "label": f"申请预算调整（调剂或追加至少 {money_str(shortfall)} 元），批准后重新提交",
            "method": "POST",
            "path": "/api/v1/budget-adjustments",
            "body": {"to_budget_line_id": decision.budget_line_id, "amount": money_str(shortfall)},
        },
        {
            "action": "request_override",
            "label": f"申请超预算审批（超出至少 {money_str(shortfall)} 元），批准后重新提交并注明超预算审批单",
            "method": "POST",
            "path": "/api/v1/budget-overrides",
            "body": {
                "budget_line_id": decision.budget_line_id,
                "amount": money_str(shortfall),
                **({"document": document.as_dict()} if document is not None else {}),
            },
        },
    ]
    if document is not None and document.type == "matter_application":
        steps.append(
            {
                "action": "resubmit",
                "label": "调整或超预算审批批准后，重新提交本申请（使用超预算审批时填写 override_id）",
                "method": "POST",
                "path": f"/api/v1/matter-applications/{document.id}/resubmit",
                "body": {"override_id": "<超预算审批单 ID>"},
            }
        )
    return steps


def exceeds_document_balance(
    kind: MoveKind, line_id: str, document: DocumentRef, requested: Decimal, held: Decimal
) -> DomainError:
    rule = GIVE_BACK_RULES[kind]
    return Conflict(
        "budget_exceeds_document_balance",
        f"{RULE_LABELS[rule]}：预算指标 {line_id} 单据 {document.no or document.id} 申请{MOVE_LABELS[kind]} "
        f"{money_str(requested)} 元，可{MOVE_LABELS[kind]} {money_str(held)} 元",
        {
            "allowed": False,
            "budget_line_id": line_id,
            "document": document.as_dict(),
            "requested": money_str(requested),
            "available": money_str(held),
            "rule": rule,
        },
    )


def step_reused(line_id: str, document: DocumentRef, step: str, recorded: MoveKind, asked: MoveKind) -> DomainError:
    return Conflict(
        "budget_step_reused",
        f"单据 {document.no or document.id} 的步骤 {step} 已在预算指标 {line_id} 上记为{MOVE_LABELS[recorded]}，"
        f"不能再用于{MOVE_LABELS[asked]}",
        {
            "budget_line_id": line_id,
            "document": document.as_dict(),
            "step": step,
            "recorded": recorded.value,
            "asked": asked.value,
            "rule": "one_move_per_document_step",
        },
    )


def line_not_found(line_id: str) -> DomainError:
    return not_found("budget_line", line_id, "预算指标")


def line_of_other_unit(line_id: str, unit: str) -> DomainError:
    return Forbidden(
        "budget_line_other_unit",
        f"预算指标 {line_id} 不属于本单位，不能使用",
        {"budget_line_id": line_id, "unit": unit},
    )
