"""Budget lines as a managed register (预算指标管理): change history, decomposition (指标分解) and control
settings (控制方式). Pure: no I/O.

- Every change to a line leaves a change record (变更记录): what kind, who, when, why, and the line's values
  before and after. Manual changes need a reason.
- Decomposition: a line (typically held by the office's finance unit) gives part of its available amount to
  child lines of other units. The parent's amount falls by what it gives, so parent + children keep the
  original total; it never gives more than it has available.
- Control: block (刚性), warn (预警) or tolerance (容差), the tolerance a percentage of the amount or an
  amount of money over budget."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ic_platform.errors import Conflict, InvalidInput
from ic_platform.money import money_str
from services.budget.domain.model import ZERO, BudgetLine, ControlMode


class ChangeKind(StrEnum):
    CREATED = "created"
    DECOMPOSED_OUT = "decomposed_out"  # this line gave money to child lines
    DECOMPOSED_IN = "decomposed_in"  # this line was created from a parent's money
    CONTROL_CHANGED = "control_changed"
    AMOUNT_ADJUSTED = "amount_adjusted"  # 调剂/追加 by a budget adjustment document


CHANGE_KIND_NAMES = {
    ChangeKind.CREATED: "新建指标",
    ChangeKind.DECOMPOSED_OUT: "指标分解（分出）",
    ChangeKind.DECOMPOSED_IN: "指标分解（分入）",
    ChangeKind.CONTROL_CHANGED: "控制方式变更",
    ChangeKind.AMOUNT_ADJUSTED: "指标金额调整",
}
# A kind is a stable code; kinds beyond the enum are allowed so other features can add theirs without a migration.
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
CONTROL_MODE_NAMES = {ControlMode.BLOCK: "刚性", ControlMode.WARN: "预警", ControlMode.TOLERANCE: "容差"}
MAX_RATE = Decimal("100")


def change_kind_name(kind: str) -> str:
    try:
        return CHANGE_KIND_NAMES[ChangeKind(kind)]
    except ValueError:
        return kind


def checked_change(kind: ChangeKind | str, reason: str | None) -> tuple[str, str | None]:
    """The kind as stored and the reason, stripped. Anything but a creation is a manual change and needs a reason."""
    code = kind.value if isinstance(kind, ChangeKind) else str(kind)
    if not KIND_PATTERN.fullmatch(code):
        raise ValueError(f"change kind must be a lower-case code: {code!r}")
    text = (reason or "").strip() or None
    if text is None and code != ChangeKind.CREATED.value:
        raise InvalidInput("budget_change_reason_required", "变更预算指标必须填写原因", {"field": "reason"})
    return code, text


def snapshot(line: BudgetLine) -> dict[str, Any]:
    """The values of a line a change record keeps (money as text, as everywhere on the wire)."""
    return {
        "amount": money_str(line.amount),
        "available": money_str(line.available),
        "unit": line.unit,
        "control_mode": line.control_mode.value,
        "tolerance": money_str(line.tolerance),
        "tolerance_rate": None if line.tolerance_rate is None else str(line.tolerance_rate),
        "source_kind": line.source_kind,
        "parent_id": line.parent_id,
    }


# ── decomposition (指标分解) ──


@dataclass(frozen=True)
class Part:
    unit: str
    amount: Decimal


@dataclass(frozen=True)
class Decomposition:
    parent: BudgetLine  # as it will be: amount reduced by the total
    children: tuple[BudgetLine, ...]
    total: Decimal


def decompose(parent: BudgetLine, parts: list[Part], known_units: Iterable[str], child_ids: list[str]) -> Decomposition:
    """Split `parts` off `parent` into new lines with the given ids (one per part, in order). Every amount
    must be positive, every unit registered and named once, and the total within the parent's available
    balance (money already reserved, committed or paid stays with the parent)."""
    if not parts:
        raise InvalidInput("budget_decomposition_empty", "请至少填写一个分解对象（单位和金额）", {"field": "parts"})
    if parent.closed:
        raise Conflict(
            "budget_line_closed",
            f"预算指标 {parent.id} 所属年度已结账，不能再分解",
            {"budget_line_id": parent.id, "rule": "fiscal_year_closed"},
        )
    known, seen = set(known_units), set()
    for index, part in enumerate(parts):
        if part.amount <= 0:
            raise InvalidInput(
                "invalid_input",
                f"第 {index + 1} 个分解对象的金额必须大于零",
                {"fields": [{"field": f"parts.{index}.amount", "reason": "必须大于零"}]},
            )
        if part.unit not in known:
            raise unknown_unit(part.unit, f"parts.{index}.unit")
        if part.unit in seen:
            raise InvalidInput(
                "invalid_input",
                f"单位 {part.unit} 在本次分解中重复出现，请合并为一行",
                {"fields": [{"field": f"parts.{index}.unit", "reason": "重复"}]},
            )
        seen.add(part.unit)
    total = sum((p.amount for p in parts), ZERO)
    if total > parent.available:
        raise Conflict(
            "budget_decomposition_exceeds_available",
            f"分解金额超出可用余额：预算指标 {parent.id} 本次分解合计 {money_str(total)} 元，"
            f"可用余额 {money_str(parent.available)} 元",
            {
                "budget_line_id": parent.id,
                "requested": money_str(total),
                "available": money_str(parent.available),
                "rule": "decomposition_within_available",
            },
        )
    if len(child_ids) != len(parts):
        raise ValueError("one child id per part")
    children = tuple(child_of(parent, line_id, part) for line_id, part in zip(child_ids, parts, strict=True))
    return Decomposition(replace(parent, amount=parent.amount - total, events=[]), children, total)


def child_of(parent: BudgetLine, line_id: str, part: Part) -> BudgetLine:
    """A child inherits everything that classifies the money, and its control setting; it starts unspent."""
    return BudgetLine(
        id=line_id,
        org=parent.org,
        fiscal_year=parent.fiscal_year,
        unit=part.unit,
        functional_class=parent.functional_class,
        functional_class_name=parent.functional_class_name,
        economic_class=parent.economic_class,
        economic_class_name=parent.economic_class_name,
        project=parent.project,
        expenditure_kind=parent.expenditure_kind,
        fund_source=parent.fund_source,
        source_kind=parent.source_kind,
        amount=part.amount,
        control_mode=parent.control_mode,
        tolerance=parent.tolerance,
        tolerance_rate=parent.tolerance_rate,
        parent_id=parent.id,
    )


MAX_ID = 64
ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:\-]")


def child_id_candidates(parent_id: str, unit: str, start: int) -> Iterable[str]:
    """Ids for a child line: `<parent>-<UNIT>-<nn>`, readable next to its parent; counting on from `start`.
    Too long for an id (64), the parent part is shortened from the left, keeping its distinctive end. Only
    the characters a line id may have are kept (the gateway addresses lines by id)."""
    label = ID_UNSAFE.sub("", unit.upper())[:24] or "UNIT"
    n = start
    while True:
        tail = f"-{label}-{n:02d}"
        head = parent_id[-(MAX_ID - len(tail)) :] if len(parent_id) + len(tail) > MAX_ID else parent_id
        yield f"{head}{tail}"
        n += 1


def unknown_unit(unit: str, field: str = "unit") -> InvalidInput:
    return InvalidInput(
        "unit_not_found",
        f"单位 {unit} 不存在（组织机构中没有登记该单位代码）",
        {"fields": [{"field": field, "reason": "单位不存在"}], "unit": unit},
    )


# ── control mode (控制方式) ──


@dataclass(frozen=True)
class ControlSetting:
    mode: ControlMode
    tolerance: Decimal = ZERO
    tolerance_rate: Decimal | None = None

    @classmethod
    def of(cls, mode: str, tolerance: Decimal | None = None, tolerance_rate: Decimal | None = None) -> ControlSetting:
        """Tolerance mode takes exactly one of a rate (percent of the amount, 0 < rate ≤ 100) or an amount
        (> 0); the other modes take neither."""
        control = ControlMode(mode)
        if control is not ControlMode.TOLERANCE:
            if tolerance is not None or tolerance_rate is not None:
                raise _control_input("tolerance", "只有容差控制可以设置容差")
            return cls(control)
        if (tolerance is None) == (tolerance_rate is None):
            raise _control_input("tolerance_rate", "容差控制须填写容差比例或容差金额（二选一）")
        if tolerance_rate is not None:
            if not ZERO < tolerance_rate <= MAX_RATE or tolerance_rate != tolerance_rate.quantize(Decimal("0.01")):
                raise _control_input("tolerance_rate", "容差比例须大于 0、不超过 100，最多两位小数")
            return cls(control, ZERO, tolerance_rate.quantize(Decimal("0.01")))  # as stored: "5" reads "5.00"
        if tolerance <= 0:
            raise _control_input("tolerance", "容差金额必须大于零")
        return cls(control, tolerance, None)

    def describe(self) -> str:
        if self.mode is not ControlMode.TOLERANCE:
            return CONTROL_MODE_NAMES[self.mode]
        if self.tolerance_rate is not None:
            return f"容差（{self.tolerance_rate}%）"
        return f"容差（{money_str(self.tolerance)} 元）"


def _control_input(field: str, reason: str) -> InvalidInput:
    return InvalidInput(
        "invalid_input", f"输入有误：{field}: {reason}", {"fields": [{"field": field, "reason": reason}]}
    )


def class_setting(policies: dict[str, ControlSetting], economic_class: str) -> ControlSetting | None:
    """The setting of the most specific class policy covering this economic class (30201 before 302), if any."""
    matching = [prefix for prefix in policies if economic_class.startswith(prefix)]
    return policies[max(matching, key=len)] if matching else None


def with_control(line: BudgetLine, setting: ControlSetting) -> BudgetLine | None:
    """The line under the new setting, or None when nothing changes. A line already over budget (possible
    under warn or tolerance) cannot be made block: the money is spent, a block line can never show it."""
    if (line.control_mode, line.tolerance, line.tolerance_rate) == (
        setting.mode,
        setting.tolerance,
        setting.tolerance_rate,
    ):
        return None
    if setting.mode is ControlMode.BLOCK and line.available < 0:
        raise over_budget_for_block([line])
    return replace(
        line, control_mode=setting.mode, tolerance=setting.tolerance, tolerance_rate=setting.tolerance_rate, events=[]
    )


def over_budget_for_block(lines: list[BudgetLine]) -> Conflict:
    named = "、".join(f"{x.id}（可用余额 {money_str(x.available)} 元）" for x in lines[:5])
    more = f"等 {len(lines)} 条" if len(lines) > 5 else ""
    return Conflict(
        "budget_control_over_budget",
        f"预算指标 {named}{more}已超支，不能改为刚性控制",
        {"budget_line_ids": [x.id for x in lines], "rule": "block_requires_no_overspend"},
    )
