"""The award (中标/成交): the supplier chosen for a procurement application and the amount. Pure.

Every way of buying ends here: a tender's evaluation, market research's chosen quote, a single-source
negotiation or an order under a framework agreement. The award is what a contract must match (its supplier,
at most its amount) and what the supplier analysis counts. Its notice date (中标/成交通知书) starts the days
within which the contract must be signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.procurement.domain.application import ProcurementApplication, Status
from services.procurement.domain.errors import refused
from services.procurement.domain.events import AwardDecided, Flag
from services.procurement.domain.kinds import METHOD_LABELS, Method
from services.procurement.domain.supplier import Supplier

DOCUMENT_TYPE = "award"
AWARDABLE = (Status.APPROVED, Status.SOURCING)
DIRECT_METHODS = (Method.SINGLE_SOURCE, Method.FRAMEWORK_AGREEMENT)


@dataclass(frozen=True)
class Award:
    id: str
    application: DocumentRef
    unit: str
    supplier_id: str
    supplier_name: str
    credit_code: str
    amount: Decimal
    budget_amount: Decimal
    method: Method
    category: str
    decided_on: date
    notice_date: date
    tender_id: str | None = None
    justification: str | None = None
    flags: tuple[Flag, ...] = ()

    @property
    def document(self) -> DocumentRef:
        return DocumentRef(DOCUMENT_TYPE, self.id)


def decide(
    app: ProcurementApplication,
    award_id: str,
    supplier: Supplier,
    amount: Decimal,
    decided_on: date,
    notice_date: date,
    *,
    tender_id: str | None = None,
    justification: str | None = None,
    flags: tuple[Flag, ...] = (),
) -> Award:
    """The rules every award obeys, whatever led to it; records `AwardDecided` on the application."""
    check(app, supplier, amount, decided_on, notice_date)
    award = Award(
        id=award_id,
        application=app.document,
        unit=app.unit,
        supplier_id=supplier.id,
        supplier_name=supplier.name,
        credit_code=supplier.credit_code,
        amount=amount,
        budget_amount=app.amount,
        method=app.method,
        category=app.category.value,
        decided_on=decided_on,
        notice_date=notice_date,
        tender_id=tender_id,
        justification=justification,
        flags=tuple(flags),
    )
    app.awarded(award_id)
    app.events.append(AwardDecided(**award_event_fields(award)))
    return award


def decide_directly(
    app: ProcurementApplication,
    award_id: str,
    supplier: Supplier,
    amount: Decimal,
    decided_on: date,
    notice_date: date,
    justification: str | None = None,
) -> Award:
    """Single source (after its negotiation) or an order under a framework agreement: no competition to run,
    the award is recorded directly. Any other method has its own procedure."""
    if app.method not in DIRECT_METHODS:
        raise refused(
            "direct_award_method_mismatch",
            f"采购申请 {app.no} 的采购方式为{METHOD_LABELS[app.method]}",
            method=app.method.value,
        )
    return decide(app, award_id, supplier, amount, decided_on, notice_date, justification=justification)


def check(
    app: ProcurementApplication, supplier: Supplier, amount: Decimal, decided_on: date, notice_date: date
) -> None:
    """The rules every award obeys, checked before anything changes."""
    if app.award_id is not None:
        raise refused("already_awarded", f"采购申请 {app.no} 已确定供应商", award_id=app.award_id)
    if app.status not in AWARDABLE:
        raise refused(
            "invalid_status_transition",
            f"采购申请 {app.no} 当前状态为 {app.status.value}，不能确定供应商",
            status=app.status.value,
        )
    supplier.check_in_good_standing(decided_on, "被确定为中标（成交）供应商")
    if amount > app.amount:
        raise refused(
            "award_exceeds_budget",
            f"中标（成交）金额 {money_str(amount)} 元，采购预算 {money_str(app.amount)} 元，"
            f"超出 {money_str(amount - app.amount)} 元",
            amount=money_str(amount),
            budget_amount=money_str(app.amount),
        )
    if notice_date < decided_on:
        raise refused(
            "award_notice_before_decision",
            f"通知书日期 {notice_date.isoformat()}，决定日期 {decided_on.isoformat()}",
            notice_date=notice_date.isoformat(),
            decided_on=decided_on.isoformat(),
        )


def award_event_fields(award: Award) -> dict:
    """The award as `AwardDecided` carries it: the same fields, the enums as their values."""
    fields = {name: getattr(award, name) for name in Award.__dataclass_fields__ if name not in ("id", "application")}
    return {
        **fields,
        "document": award.application,
        "award_id": award.id,
        "method": award.method.value,
        "flags": list(award.flags),
    }
