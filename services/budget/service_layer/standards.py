"""Use cases of the expenditure standards (支出标准): add a version, list, and check an expense.

`check_standard` only answers: it moves no money and publishes nothing, so the caller (payment, for a matter
application) decides what to do and owns the fact it publishes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ic_platform.commands import invalid_input
from ic_platform.context import CallContext
from ic_platform.errors import Conflict, DomainError, InvalidInput
from ic_platform.paging import page_window, paged
from services.budget.domain import standards as rules
from services.budget.domain.standards import Action, Expense, Kind, Standard, StandardError, VersionTaken
from services.budget.service_layer.standards_commands import DETAILS, AddStandardVersion, CheckStandard, ListStandards
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

ADD_SCOPE = "add_standard_version"


def add_standard_version(cmd: AddStandardVersion, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The next version of a standard (or its first). The current version ends the day before the new one
    starts; kind and key never change across versions (a different key is a different standard)."""
    request, idem = cmd.model_dump(mode="json"), ctx.scoped_key
    with uow:
        if idem and (stored := uow.recall(ADD_SCOPE, idem, request)) is not None:
            return stored
        repo = uow.standards
        current = repo.current(ctx.org, cmd.code, for_update=True)
        kind = Kind(cmd.kind) if cmd.kind else (current.kind if current else None)
        if kind is None:
            raise _invalid("kind", "新标准必须指定类型 kind（travel/meeting/training/reception）")
        try:
            key = rules.validate_key(kind, cmd.key if cmd.key is not None else (current.key if current else {}))
            limits = rules.validate_limits(kind, cmd.limits)
            version, closed = rules.next_version(current, cmd.effective_from)
        except StandardError as exc:
            raise _invalid(exc.field, str(exc)) from None
        if current is not None and (kind is not current.kind or key != current.key):
            raise Conflict(
                "expenditure_standard_key_changed",
                f"标准 {cmd.code} 的类型与适用范围不能在新版本中改变；不同范围请使用新的标准编码",
                {"code": cmd.code, "kind": current.kind.value, "key": current.key},
            )
        if current is None and (other := repo.code_for_key(ctx.org, kind, key)) is not None:
            raise Conflict(
                "expenditure_standard_duplicate",
                f"同一类型与适用范围已有标准 {other}，请为其增加新版本",
                {"code": other, "kind": kind.value, "key": key},
            )
        name = cmd.name or (current.name if current else None)
        if not name:
            raise _invalid("name", "新标准必须填写名称 name（如：会议费开支标准（一类会议））")
        new = Standard(
            org=ctx.org,
            code=cmd.code,
            kind=kind,
            name=name,
            version=version,
            effective_from=cmd.effective_from,
            effective_to=None,
            key=key,
            limits=limits,
            action=Action(cmd.action),
        )
        if closed is not None:
            repo.close(closed)
        try:
            repo.add(new, ctx.actor)
        except VersionTaken:  # the same version added by someone else meanwhile
            raise Conflict(
                "expenditure_standard_changed_meanwhile",
                f"标准 {cmd.code} 刚被他人修改（第 {version} 版已存在），请刷新后重试",
                {"code": cmd.code, "version": version},
            ) from None
        result = {"standard": new.as_dict(), "superseded": closed.as_dict() if closed else None}
        if idem:
            uow.remember(ADD_SCOPE, idem, request, result)
        uow.commit()
    return result


def list_standards(cmd: ListStandards, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, rows = uow.standards.page(
            org=ctx.org, kind=cmd.kind, code=cmd.code, as_of=cmd.as_of, limit=limit, offset=offset
        )
    return {
        **paged([s.as_dict() for s in rows], total, cmd.page, limit),
        "as_of": cmd.as_of.isoformat() if cmd.as_of else None,
    }


def check_standard(cmd: CheckStandard, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Within or exceeding the standard in force on the expense's date: each item's limit, the amount asked,
    the excess, and the citation of the standard's code and version."""
    kind = Kind(cmd.kind)
    details = _details(cmd)
    expense = _expense(kind, cmd, details)
    with uow:
        repo = uow.standards
        standard = None
        if kind is Kind.TRAVEL and details.city:  # a named city's own standard comes before its tier's
            standard = repo.in_force(ctx.org, kind, {"city_tier": details.city, "rank": details.rank}, cmd.expense_date)
        if standard is None:
            standard = repo.in_force(ctx.org, kind, expense.key, cmd.expense_date)
    if standard is None:
        scope = "、".join(expense.key.values()) or "通用"
        raise InvalidInput(
            "expenditure_standard_missing",
            f"{cmd.expense_date.isoformat()} 没有适用的{rules.KIND_LABELS[kind]}标准（{scope}），"
            f"请先由财务维护支出标准",
            {"kind": kind.value, "key": expense.key, "expense_date": cmd.expense_date.isoformat()},
        )
    return {
        "kind": kind.value,
        "expense_date": cmd.expense_date.isoformat(),
        **rules.check(standard, expense).as_dict(),
    }


def _details(cmd: CheckStandard) -> Any:
    try:
        return DETAILS[cmd.kind].model_validate(cmd.details)
    except ValidationError as exc:
        refusal = invalid_input(exc)
        fields = [{**f, "field": f"details.{f['field']}"} for f in refusal.details["fields"]]
        summary = "；".join(f"{f['field']}: {f['reason']}" for f in fields[:3])
        raise InvalidInput("invalid_input", f"费用明细有误：{summary}", {"fields": fields}) from None


def _expense(kind: Kind, cmd: CheckStandard, d: Any) -> Expense:
    if kind is Kind.TRAVEL:
        return Expense(
            kind,
            cmd.expense_date,
            {"city_tier": d.city_tier, "rank": d.rank},
            d.persons,
            d.days,
            {"lodging": d.lodging, "meals": d.meals, "transport": d.transport},
        )
    if kind is Kind.RECEPTION:
        return Expense(
            kind, cmd.expense_date, {}, d.guests, 1, {"meal_per_person": d.amount}, accompany=d.accompany, meals=d.meals
        )
    return Expense(kind, cmd.expense_date, {"category": d.category}, d.persons, d.days, {"total": d.amount})


def _invalid(field: str, message: str) -> DomainError:
    return InvalidInput(
        "invalid_input", f"输入有误：{field}: {message}", {"fields": [{"field": field, "reason": message}]}
    )
