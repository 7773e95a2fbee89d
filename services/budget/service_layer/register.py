"""Use cases of the line register (预算指标管理): decomposition (指标分解), control settings (控制方式), export to
Excel, the unit cache, and the import's unit-code check. Every change records history (service_layer/history)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, InvalidInput
from ic_platform.money import money_str
from ic_platform.retry import retry_transaction
from services.budget.adapters import line_export
from services.budget.domain.errors import line_not_found
from services.budget.domain.lines import (
    ChangeKind,
    ControlSetting,
    Part,
    child_id_candidates,
    decompose,
    over_budget_for_block,
    snapshot,
    with_control,
)
from services.budget.domain.model import BudgetLine, ControlMode
from services.budget.service_layer import line_import, scoping
from services.budget.service_layer.history import record_change
from services.budget.service_layer.line_commands import DecomposeLine, ExportLines, SetControl
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

DECOMPOSE_SCOPE = "budget.decompose_line"
MAX_EXPORT_ROWS = 20_000


# ── 指标分解 ──


@retry_transaction
def decompose_line(cmd: DecomposeLine, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Split parts of a line's available amount into child lines of other units, under the parent's row lock
    (concurrent decompositions queue on it, each seeing what the previous one left). Idempotent on
    `request_id` (or the caller's Idempotency-Key): the same key again answers the first result."""
    key = cmd.request_id or ctx.idempotency_key
    scoped = f"{ctx.org}:{ctx.actor}:{key}" if key else None
    request = cmd.model_dump(mode="json", exclude={"request_id"})
    with uow:
        if scoped and (stored := uow.recall(DECOMPOSE_SCOPE, scoped, request)) is not None:
            return {**stored, "replayed": True}
        parent = uow.lines.get(cmd.budget_line_id, for_update=True)
        if parent is None or parent.org != ctx.org:
            raise line_not_found(cmd.budget_line_id)
        parts = [Part(p.unit, p.amount) for p in cmd.parts]
        known = uow.units.known(ctx.org, {p.unit for p in parts})
        result = decompose(parent, parts, known, _child_ids(uow, parent, parts))
        before = snapshot(parent)
        uow.register.save_amount(result.parent)
        children = []
        for child in result.children:
            if not uow.lines.add(child):  # an id taken between our check and now: refuse, nothing happened
                raise Conflict(
                    "budget_line_exists", f"预算指标编码 {child.id} 已存在，请重试", {"budget_line_id": child.id}
                )
            record_change(
                uow,
                child,
                ChangeKind.DECOMPOSED_IN,
                ctx.actor,
                cmd.reason,
                None,
                snapshot(child),
                correlation_id=ctx.correlation_id,
            )
            children.append({"budget_line_id": child.id, "unit": child.unit, "amount": money_str(child.amount)})
        record_change(
            uow,
            result.parent,
            ChangeKind.DECOMPOSED_OUT,
            ctx.actor,
            cmd.reason,
            before,
            {**snapshot(result.parent), "children": children},
            correlation_id=ctx.correlation_id,
        )
        payload = {
            "budget_line_id": parent.id,
            "fiscal_year": parent.fiscal_year,
            "unit": parent.unit,
            "amount_before": money_str(parent.amount),
            "amount_after": money_str(result.parent.amount),
            "total": money_str(result.total),
            "children": children,
            "reason": cmd.reason,
        }
        uow.publish(ctx.event("budget.line_decomposed", payload, subject=f"budget_line/{parent.id}"))
        answer = {**payload, "available_after": money_str(result.parent.available), "replayed": False}
        if scoped:
            uow.remember(DECOMPOSE_SCOPE, scoped, request, answer)
        uow.commit()
    return answer


def _child_ids(uow: BudgetUnitOfWork, parent: BudgetLine, parts: list[Part]) -> list[str]:
    """One free id per part, numbered on from the parent's existing children (read under the parent's lock,
    so two decompositions of one parent never pick the same numbers)."""
    start, ids = uow.register.children_count(parent.id) + 1, []
    for part in parts:
        for candidate in child_id_candidates(parent.id, part.unit, start):
            if candidate not in ids and not uow.lines.existing_ids([candidate]):
                ids.append(candidate)
                break
    return ids


# ── 控制方式 ──


@retry_transaction
def set_control(cmd: SetControl, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Set the control mode of one line, or of every line of a year whose economic class starts with a
    prefix; one history record per line that changed. All or nothing: one line over budget refuses `block`
    for the whole class."""
    setting = ControlSetting.of(cmd.control_mode, cmd.tolerance, cmd.tolerance_rate)
    with uow:
        if cmd.budget_line_id is not None:
            line = uow.lines.get(cmd.budget_line_id, for_update=True)
            if line is None or line.org != ctx.org:
                raise line_not_found(cmd.budget_line_id)
            lines = [line]
        else:
            # No line of the class yet is fine: the setting is kept for the lines created in it later.
            lines = uow.register.of_class(ctx.org, cmd.fiscal_year, cmd.economic_class, for_update=True)
        if setting.mode is ControlMode.BLOCK and (over := [x for x in lines if x.available < 0]):
            raise over_budget_for_block(over)
        if cmd.economic_class:  # the class keeps the setting: lines created in it later follow it too
            uow.register.save_policy(ctx.org, cmd.fiscal_year, cmd.economic_class, setting, ctx.actor, cmd.reason)
        changed = []
        for line in lines:
            new = with_control(line, setting)
            if new is None:
                continue
            uow.register.save_control(new)
            scope = f"（按经济分类 {cmd.economic_class} 统一设置）" if cmd.economic_class else ""
            record_change(
                uow,
                new,
                ChangeKind.CONTROL_CHANGED,
                ctx.actor,
                f"{cmd.reason}{scope}",
                snapshot(line),
                snapshot(new),
                correlation_id=ctx.correlation_id,
            )
            changed.append(new.id)
        if changed:  # relaxing a control is a fact inspectors want on the record, not only in each line's history
            payload = {
                "budget_line_ids": changed,
                "control_mode": setting.mode.value,
                "tolerance": money_str(setting.tolerance),
                "tolerance_rate": None if setting.tolerance_rate is None else str(setting.tolerance_rate),
                "reason": cmd.reason,
            }
            if cmd.economic_class:
                payload.update(economic_class=cmd.economic_class, fiscal_year=cmd.fiscal_year)
            uow.publish(
                ctx.event(
                    "budget.control_changed",
                    payload,
                    subject=f"budget_line/{changed[0]}" if len(changed) == 1 else None,
                )
            )
        uow.commit()
    return {
        "control_mode": setting.mode.value,
        "control": setting.describe(),
        "tolerance": money_str(setting.tolerance),
        "tolerance_rate": None if setting.tolerance_rate is None else str(setting.tolerance_rate),
        "matched": len(lines),
        "changed": len(changed),
        "changed_ids": changed,
    }


# ── export ──


def export_lines_xlsx(cmd: ExportLines, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        lines = uow.register.all(
            org=ctx.org,
            fiscal_year=cmd.fiscal_year,
            units=scoping.units(ctx, cmd.unit),
            q=cmd.q,
            limit=MAX_EXPORT_ROWS + 1,
        )
    if len(lines) > MAX_EXPORT_ROWS:
        raise InvalidInput(
            "budget_export_too_large",
            f"符合条件的预算指标超过 {MAX_EXPORT_ROWS} 条，请按年度或单位筛选后分批导出",
            {"max_rows": MAX_EXPORT_ROWS},
        )
    scope = "".join(x for x in (f"{cmd.fiscal_year}年" if cmd.fiscal_year else "", cmd.unit or "") if x)
    content = line_export.lines_workbook(lines, f"预算指标{scope}")
    return {
        "filename": f"预算指标{'-' + scope if scope else ''}.xlsx",
        "rows": len(lines),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


# ── the unit cache, and the import's unit check ──


def on_unit_registered(event: Envelope, uow: BudgetUnitOfWork) -> None:
    unit = event.payload["unit"]
    uow.units.upsert(event.org, unit["code"], unit["name"], unit["kind"], datetime.fromisoformat(event.occurred_at))


EVENT_HANDLERS = {"org.unit_registered": [on_unit_registered]}


def with_unit_errors(
    uow: BudgetUnitOfWork, org: str, rows: list[tuple[int, dict[str, Any]]], errors: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The import's errors plus one per row whose unit code is not a registered unit, in row then column
    order. Rows whose unit cell is blank are already refused as 必填."""
    codes = {(no, code) for no, cells in rows if (code := line_import.cell_text(cells.get("unit")))}
    known = uow.units.known(org, {code for _, code in codes})
    column = line_import.HEADERS[2]
    added = [
        line_import.error(no, column, f"单位编码 {code} 不存在（组织机构中没有登记该单位）")
        for no, code in sorted(codes)
        if code not in known
    ]
    if not added:
        return errors
    order = {h: i for i, h in enumerate(line_import.HEADERS)}
    return sorted([*errors, *added], key=lambda e: (e["row"], order.get(e["column"], len(order))))
