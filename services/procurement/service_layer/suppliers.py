"""The supplier registry (供应商库): office-wide reference data every unit buys from, so anyone signed in reads
it; the registrar is recorded (a party for the conflict matrix); suspensions and blacklistings are decided by
finance, the administrator or the principal."""

from __future__ import annotations

import uuid
from typing import Any

from ic_platform.commands import invalid_fields
from ic_platform.context import CallContext
from ic_platform.documents import is_document_id
from ic_platform.errors import Conflict, Forbidden, not_found
from ic_platform.paging import page_window, paged
from services.procurement.domain.supplier import STANDING_LABELS, BankAccount, Supplier
from services.procurement.service_layer import commands
from services.procurement.service_layer.common import now, once, publish, today
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork

STANDING_DECIDERS = ("finance_reviewer", "admin", "principal")


def supplier_view(s: Supplier) -> dict[str, Any]:
    standing, _ = s.standing_on(today())
    return {
        "id": s.id,
        "credit_code": s.credit_code,
        "name": s.name,
        "legal_representative": s.legal_representative,
        "registrar": s.registrar,
        "sme": s.sme,
        "registered_at": s.registered_at.isoformat(),
        "standing": standing.value,
        "standing_label": STANDING_LABELS[standing],
        "accounts": [
            {"bank_name": a.bank_name, "account_name": a.account_name, "account_no": a.account_no} for a in s.accounts
        ],
        "periods": [
            {
                "standing": p.standing.value,
                "reason": p.reason,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat() if p.ends_on else None,
                "decided_by": p.decided_by,
            }
            for p in s.periods
        ],
    }


def register_supplier(cmd: commands.RegisterSupplier, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权登记供应商")
    with uow:

        def make() -> dict[str, Any]:
            s = Supplier.register(
                str(uuid.uuid4()), cmd.credit_code, cmd.name, cmd.legal_representative, ctx.actor, now(), sme=cmd.sme
            )
            if not uow.suppliers.add(ctx.org, s):
                raise Conflict(
                    "supplier_already_registered",
                    f"该统一社会信用代码已登记：{s.credit_code}",
                    {"credit_code": s.credit_code, "supplier_id": uow.suppliers.id_of(ctx.org, s.credit_code)},
                )
            publish(uow, ctx, s.events)
            return supplier_view(s)

        result = once(uow, ctx, "procurement.register_supplier", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def get_supplier(supplier_id: str, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        s = uow.suppliers.current(ctx.org, supplier_id) if is_document_id(supplier_id) else None
    if s is None or ctx.actor is None:
        raise not_found("supplier", supplier_id, "供应商")
    return supplier_view(s)


def supplier_on(cmd: commands.SupplierOn, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """What a contract needs of its counterparty on a day: name, code, the registrar (a party for the conflict
    matrix), whether an SME, and the standing then (valid, suspended or blacklisted, with the reason)."""
    with uow:
        found = is_document_id(cmd.supplier_id)
        s = uow.suppliers.get(ctx.org, cmd.supplier_id, accounts=False) if found else None
    if s is None or ctx.actor is None:
        raise not_found("supplier", cmd.supplier_id, "供应商")
    standing, period = s.standing_on(cmd.on)
    return {
        "id": s.id,
        "name": s.name,
        "credit_code": s.credit_code,
        "registrar": s.registrar,
        "sme": s.sme,
        "on": cmd.on.isoformat(),
        "standing": standing.value,
        "standing_label": STANDING_LABELS[standing],
        "reason": period.reason if period else None,
    }


def list_suppliers(cmd: commands.ListSuppliers, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权查看供应商库")
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, found = uow.suppliers.page(ctx.org, cmd.q, limit, offset)
    return paged([supplier_view(s) for s in found], total, cmd.page, limit)


def set_supplier_standing(cmd: commands.SetSupplierStanding, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    """暂停 or 列入黑名单 for a period (never deleted; lifting is a later record)."""
    if ctx.viewer is None or not ctx.viewer.has_any(*STANDING_DECIDERS):
        raise Forbidden("supplier_standing_forbidden", "只有财务审核、系统管理员或主要领导可以暂停供应商或列入黑名单")
    with uow:
        s = uow.suppliers.get(ctx.org, cmd.supplier_id, for_update=True) if is_document_id(cmd.supplier_id) else None
        if s is None:
            raise not_found("supplier", cmd.supplier_id, "供应商")
        decide = s.blacklist if cmd.standing == "blacklisted" else s.suspend
        decide(cmd.reason, cmd.starts_on, cmd.ends_on, ctx.actor, now())
        uow.suppliers.save(s)
        publish(uow, ctx, s.events)
        uow.commit()
    return supplier_view(s)


def _decider(ctx: CallContext, action: str) -> None:
    if ctx.viewer is None or not ctx.viewer.has_any(*STANDING_DECIDERS):
        raise Forbidden("supplier_standing_forbidden", f"只有财务审核、系统管理员或主要领导可以{action}")


def _locked(uow: ProcurementUnitOfWork, ctx: CallContext, supplier_id: str) -> Supplier:
    s = uow.suppliers.get(ctx.org, supplier_id, for_update=True) if is_document_id(supplier_id) else None
    if s is None:
        raise not_found("supplier", supplier_id, "供应商")
    return s


def change_supplier_account(cmd: commands.ChangeSupplierAccount, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    """银行账户变更, kept with who, when and why (risk looks at a change shortly before a payment)."""
    _decider(ctx, "变更供应商银行账户")
    field = "account" if cmd.change != "remove" and cmd.account is None else None
    field = field or ("account_no" if cmd.change != "add" and not cmd.account_no else None)
    if field:
        raise invalid_fields([{"field": field, "reason": "必填"}])
    with uow:
        s = _locked(uow, ctx, cmd.supplier_id)
        new = (
            BankAccount(cmd.account.bank_name, cmd.account.account_name, cmd.account.account_no)
            if cmd.account
            else None
        )
        if cmd.change == "add":
            s.add_account(new, ctx.actor, now(), cmd.reason)
        elif cmd.change == "replace":
            s.replace_account(cmd.account_no, new, ctx.actor, now(), cmd.reason)
        else:
            s.remove_account(cmd.account_no, ctx.actor, now(), cmd.reason)
        uow.suppliers.save(s)
        publish(uow, ctx, s.events)
        uow.commit()
    return supplier_view(s)


def lift_supplier_standing(cmd: commands.LiftSupplierStanding, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    """恢复正常 from a day: the periods in force then end the day before (never deleted)."""
    _decider(ctx, "恢复供应商正常状态")
    with uow:
        s = _locked(uow, ctx, cmd.supplier_id)
        s.lift(cmd.on, cmd.reason, ctx.actor, now())
        uow.suppliers.save(s)
        publish(uow, ctx, s.events)
        uow.commit()
    return supplier_view(s)
