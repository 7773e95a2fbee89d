"""The budget service's refusals, each with a stable code and a Chinese message."""

from __future__ import annotations

from ic_platform.errors import Conflict, DomainError, Forbidden, not_found
from ic_platform.money import money_str
from services.budget.domain.model import FundsDecision

RULE_LABELS = {
    "block_insufficient": "预算指标可用余额不足（刚性控制）",
    "tolerance_insufficient": "超出预算指标容差范围",
    "fiscal_year_closed": "该预算年度已结账，不能再发生业务",
}


def insufficient_funds(decision: FundsDecision) -> DomainError:
    label = RULE_LABELS.get(decision.rule, decision.rule)
    return Conflict(
        "budget_insufficient",
        f"{label}：预算指标 {decision.budget_line_id} 申请 {money_str(decision.requested)} 元，"
        f"可用余额 {money_str(decision.available)} 元",
        decision.as_dict())


def line_not_found(line_id: str) -> DomainError:
    return not_found("budget_line", line_id, "预算指标")


def line_of_other_unit(line_id: str, unit: str) -> DomainError:
    return Forbidden("budget_line_other_unit", f"预算指标 {line_id} 不属于本单位，不能使用",
                     {"budget_line_id": line_id, "unit": unit})
