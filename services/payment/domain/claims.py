"""Expense claims (报销): money already spent, claimed with its invoices. Pure: no I/O.

A claim follows an approved matter application (事前申请 → 事后报销) of the claimant's unit, on the application's
budget line, once; or, below the standalone limit (`ClaimPolicy.standalone_limit`, data), it stands alone on a
budget line of the unit and reserves its own money when submitted, as an application would.

Its kind decides what detail it carries, and the detail is stored as given (not only checked):
- travel (差旅): the traveller's rank and the trips: dates, from and to cities, the destination's city tier,
  nights, transport mode and class, fare, lodging, meals allowance, city transport;
- meeting (会议) and training (培训): category, persons, days, amount;
- reception (公务接待): the official letter (公函: number, issuer, date), the guest list, accompanying staff,
  meals, amount;
- other (其他): items, each a description and an amount.
The claim's amount is the detail's total.

Checked on submission: against the expenditure standards in force (budget's `check_standard`: a block standard
exceeded refuses; a flag standard exceeded, and a transport class above the traveller's rank, let the claim
through with a `Flag`, which risk turns into a warning the approver sees); against its application (more than
the application refuses, `expense_claim_exceeds_application`: the application must be adjusted first; less
releases the difference when the claim is approved); its invoices cover what must be invoiced (everything but
the travel allowances for meals and city transport, which are fixed rates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ic_platform.domain_events import Flag
from ic_platform.errors import Conflict, Forbidden, InvalidInput
from ic_platform.money import money_str

DOCUMENT_TYPE = "expense_claim"
ZERO = Decimal("0.00")


class ClaimKind(StrEnum):
    TRAVEL = "travel"
    MEETING = "meeting"
    TRAINING = "training"
    RECEPTION = "reception"
    OTHER = "other"


KIND_LABELS = {
    ClaimKind.TRAVEL: "差旅费",
    ClaimKind.MEETING: "会议费",
    ClaimKind.TRAINING: "培训费",
    ClaimKind.RECEPTION: "公务接待费",
    ClaimKind.OTHER: "其他费用",
}


class ClaimStatus(StrEnum):
    RESERVING = "reserving"  # standalone: stored, the budget not yet answered (redriven after a crash)
    REFUSED = "refused"  # standalone: the budget said no; nothing reserved; its invoices released
    SUBMITTED = "submitted"  # in approval
    APPROVED = "approved"
    REJECTED = "rejected"  # its invoices released; the application (if any) may be claimed again
    RETURNED = "returned"  # sent back to correct: keeps its invoices (and a standalone one its reservation)
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"  # 作废 by the claimant (returned, withdrawn or refused): invoices released; final


STATUS_LABELS = {
    ClaimStatus.RESERVING: "预算校验中",
    ClaimStatus.REFUSED: "预算不足未提交",
    ClaimStatus.SUBMITTED: "审批中",
    ClaimStatus.APPROVED: "已批准",
    ClaimStatus.REJECTED: "已驳回",
    ClaimStatus.RETURNED: "已退回",
    ClaimStatus.WITHDRAWN: "已撤回",
    ClaimStatus.CANCELLED: "已作废",
}
_ALLOWED = {
    ClaimStatus.RESERVING: {ClaimStatus.SUBMITTED, ClaimStatus.REFUSED},
    ClaimStatus.SUBMITTED: {ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.RETURNED, ClaimStatus.WITHDRAWN},
    # Resubmitted: back into approval, or (a standalone claim whose amount changed) reserving its new amount.
    ClaimStatus.RETURNED: {ClaimStatus.SUBMITTED, ClaimStatus.RESERVING, ClaimStatus.WITHDRAWN, ClaimStatus.CANCELLED},
    ClaimStatus.WITHDRAWN: {ClaimStatus.CANCELLED},
    ClaimStatus.REFUSED: {ClaimStatus.CANCELLED},
}
CANCELLABLE = (ClaimStatus.RETURNED, ClaimStatus.WITHDRAWN, ClaimStatus.REFUSED)
# A claim in one of these still claims its application: no second claim on it meanwhile.
LIVE = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.RETURNED, ClaimStatus.WITHDRAWN)


@dataclass(frozen=True)
class ClaimPolicy:
    """The office's claim rules as data (demo values)."""

    standalone_limit: Decimal = Decimal("2000.00")  # 无事前申请可直接报销的上限（含）
    max_trips: int = 20


# ── travel (差旅) ──
RANKS = ("省部级", "厅局级", "其余人员")
CITY_TIERS = ("一类", "二类", "三类")
# The class each rank may travel in, by mode (中央和国家机关差旅费管理办法, simplified): a class's level is the
# lowest rank level entitled to it (其余人员 1, 厅局级 2, 省部级 3).
RANK_LEVEL = {"其余人员": 1, "厅局级": 2, "省部级": 3}
TRANSPORT_CLASSES: dict[str, dict[str, int]] = {
    "火车": {"硬座": 1, "二等座": 1, "硬卧": 1, "一等座": 2, "软座": 2, "软卧": 2, "商务座": 3, "高级软卧": 3},
    "飞机": {"经济舱": 1, "公务舱": 3, "头等舱": 3},
    "轮船": {"三等舱": 1, "二等舱": 2, "一等舱": 3},
    "汽车": {"普通": 1},
    "其他": {"普通": 1},
}


@dataclass(frozen=True)
class Trip:
    departed_on: date
    returned_on: date
    from_city: str
    to_city: str
    city_tier: str
    nights: int
    transport_mode: str
    transport_class: str
    fare: Decimal = ZERO  # 城市间交通费 (invoiced)
    lodging: Decimal = ZERO  # 住宿费 (invoiced)
    meals: Decimal = ZERO  # 伙食补助费 (fixed rate, no invoice)
    city_transport: Decimal = ZERO  # 市内交通费 (fixed rate, no invoice)

    @property
    def days(self) -> int:
        return (self.returned_on - self.departed_on).days + 1

    @property
    def amount(self) -> Decimal:
        return self.fare + self.lodging + self.meals + self.city_transport

    @property
    def invoiced(self) -> Decimal:
        return self.fare + self.lodging


def check_trip(trip: Trip, at: str) -> None:
    """Dates, nights, tier, transport class: 422 naming the field (`at` is the trip's path, e.g. detail.trips.0)."""
    if trip.returned_on < trip.departed_on:
        raise _invalid(f"{at}.returned_on", f"返回日期（{trip.returned_on}）不能早于出发日期（{trip.departed_on}）")
    if trip.nights > trip.days - 1:
        raise _invalid(f"{at}.nights", f"住宿 {trip.nights} 晚超过行程可住晚数（{trip.days - 1} 晚）")
    if trip.city_tier not in CITY_TIERS:
        raise _invalid(f"{at}.city_tier", f"城市类别应为 {'、'.join(CITY_TIERS)} 之一")
    classes = TRANSPORT_CLASSES.get(trip.transport_mode)
    if classes is None:
        raise _invalid(f"{at}.transport_mode", f"交通方式应为 {'、'.join(TRANSPORT_CLASSES)} 之一")
    if trip.transport_class not in classes:
        raise _invalid(f"{at}.transport_class", f"{trip.transport_mode}的座席（舱位）应为 {'、'.join(classes)} 之一")
    if trip.lodging > 0 and trip.nights == 0:
        raise _invalid(f"{at}.lodging", "未住宿（0 晚）不能报销住宿费")


def transport_flags(trips: list[Trip], rank: str) -> list[Flag]:
    """A transport class above the traveller's rank: allowed through, flagged for risk and the approver."""
    flags = []
    for i, trip in enumerate(trips):
        level = TRANSPORT_CLASSES[trip.transport_mode][trip.transport_class]
        if level > RANK_LEVEL[rank]:
            flags.append(
                Flag(
                    "travel_class_exceeded",
                    "medium",
                    f"第 {i + 1} 段行程（{trip.from_city}—{trip.to_city}）乘坐"
                    f"{trip.transport_mode}{trip.transport_class}，超出{rank}可乘坐的等级",
                    {"trip": i, "rank": rank, "mode": trip.transport_mode, "class": trip.transport_class},
                )
            )
    return flags


def standard_flag(answer: dict[str, Any], where: str) -> Flag | None:
    """A flag standard exceeded (budget's check_standard answer, not blocked): the flag the claim carries."""
    if answer["within"]:
        return None
    exceeded = [i for i in answer["items"] if i["exceeded"]]
    parts = "；".join(f"{i['label']}限额 {i['limit']}，报销 {i['asked']}，超出 {i['excess']}" for i in exceeded)
    return Flag(
        "expenditure_standard_exceeded",
        "medium",
        f"{where}超出{answer['citation']}：{parts}",
        {
            "where": where,
            "kind": answer["kind"],
            "expense_date": answer["expense_date"],
            "citation": answer["citation"],
            "standard_code": answer["standard"]["code"],
            "standard_version": int(answer["standard"]["version"]),
            "excess_total": str(answer["excess_total"]),
            "items": [
                {
                    "item": i["item"],
                    "label": i["label"],
                    "limit": str(i["limit"]),
                    "asked": str(i["asked"]),
                    "excess": str(i["excess"]),
                }
                for i in exceeded
            ],
        },
    )


# ── the claim against its application, alone, and its invoices ──
@dataclass(frozen=True)
class ApplicationFacts:
    """The matter application a claim follows, as the claim's rules need it."""

    id: str
    no: str
    unit: str
    budget_line_id: str
    amount: Decimal
    approved: bool
    claimed_by: str | None = None  # the no of a live claim on it already


def check_application(app: ApplicationFacts, unit: str, total: Decimal) -> Decimal:
    """The application may be claimed by this unit for this total; returns what approval will release."""
    if app.unit != unit:
        raise Forbidden(
            "expense_claim_application_other_unit",
            f"事前申请 {app.no} 属于其他单位，不能据此报销",
            {"application": app.no, "application_unit": app.unit, "unit": unit},
        )
    if not app.approved:
        raise Conflict(
            "expense_claim_application_not_approved",
            f"事前申请 {app.no} 尚未批准（或已作废、结项），只能依据已批准的事前申请报销",
            {"application": app.no},
        )
    if app.claimed_by is not None:
        raise Conflict(
            "expense_claim_application_claimed",
            f"事前申请 {app.no} 已有报销单 {app.claimed_by}，不能重复报销",
            {"application": app.no, "claim": app.claimed_by},
        )
    if total > app.amount:
        raise Conflict(
            "expense_claim_exceeds_application",
            f"报销金额 {money_str(total)} 元超过事前申请 {app.no} 批准金额 {money_str(app.amount)} 元，"
            f"超出 {money_str(total - app.amount)} 元：请先调整事前申请（作废后按实际重新申请，或另行申请追加）",
            {
                "claim_amount": money_str(total),
                "application": app.no,
                "application_amount": money_str(app.amount),
                "excess": money_str(total - app.amount),
            },
        )
    return app.amount - total


def check_standalone(total: Decimal, policy: ClaimPolicy) -> None:
    if total > policy.standalone_limit:
        raise Conflict(
            "expense_claim_requires_application",
            f"报销金额 {money_str(total)} 元超过无事前申请可直接报销的上限 {money_str(policy.standalone_limit)} 元，"
            "须依据已批准的事前申请报销",
            {"claim_amount": money_str(total), "standalone_limit": money_str(policy.standalone_limit)},
        )


def check_invoices_cover(invoiced: Decimal, invoice_total: Decimal) -> None:
    """What must be invoiced is covered by the invoices listed (allowances at fixed rates need none)."""
    if invoice_total < invoiced:
        raise Conflict(
            "expense_claim_invoices_short",
            f"须凭发票报销的金额 {money_str(invoiced)} 元，所附发票合计 {money_str(invoice_total)} 元，"
            f"差 {money_str(invoiced - invoice_total)} 元",
            {"invoiced_amount": money_str(invoiced), "invoice_total": money_str(invoice_total)},
        )


def _invalid(field_: str, reason: str) -> InvalidInput:
    return InvalidInput(
        "invalid_input", f"输入有误：{field_}: {reason}", {"fields": [{"field": field_, "reason": reason}]}
    )


# ── the claim ──
@dataclass
class ExpenseClaim:
    id: str
    no: str
    org: str
    unit: str
    claimant: str
    title: str
    kind: ClaimKind
    budget_line_id: str
    amount: Decimal
    detail: dict[str, Any]
    application_id: str | None = None
    application_no: str | None = None
    release_on_approval: Decimal = ZERO  # the application's amount less the claim's, released when approved
    flags: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)  # [{key, number, amount}]
    status: ClaimStatus = ClaimStatus.SUBMITTED
    status_reason: str | None = None
    settled: bool = False  # the budget's moves on approval are done (commit from the application, release)
    round: int = 1  # the approval round it is in: a resubmission after a return is the next
    created_at: datetime | None = None

    @property
    def document(self) -> dict[str, str]:
        return {"type": DOCUMENT_TYPE, "id": self.id, "no": self.no}

    @property
    def subject(self) -> str:
        return f"{DOCUMENT_TYPE}/{self.id}"

    @property
    def standalone(self) -> bool:
        return self.application_id is None

    @property
    def reserve_step(self) -> str:
        """The ledger step of a standalone claim's current reservation: `submit`, then `submit:<round>`."""
        return "submit" if self.round == 1 else f"submit:{self.round}"

    @property
    def release_step(self) -> str:
        """The ledger step that gives back the reservation of the round before (its amount changed)."""
        return f"resubmit:{self.round}"

    def move_to(self, status: ClaimStatus, reason: str | None = None) -> bool:
        if status == self.status:
            return False
        if status not in _ALLOWED.get(self.status, set()):
            raise Conflict(
                "invalid_status_transition",
                f"报销单 {self.no} 当前为「{STATUS_LABELS[self.status]}」，不能变为「{STATUS_LABELS[status]}」",
                {"from": self.status.value, "to": status.value},
            )
        self.status, self.status_reason = status, reason
        return True

    def cancel(self, actor: str | None, reason: str) -> None:
        if actor != self.claimant:
            raise Forbidden(
                "expense_claim_not_claimant", f"只有报销人可以作废报销单 {self.no}", {"claimant": self.claimant}
            )
        if self.status not in CANCELLABLE:
            raise Conflict(
                "expense_claim_not_cancellable",
                f"报销单 {self.no} 当前为「{STATUS_LABELS[self.status]}」，"
                "只有已退回、已撤回或预算不足未提交的报销单可以作废",
                {"status": self.status.value, "allowed": [s.value for s in CANCELLABLE]},
            )
        self.move_to(ClaimStatus.CANCELLED, reason)

    def check_resubmittable(self, actor: str | None) -> None:
        """Only the claimant resubmits, and only a claim an approver returned (退回)."""
        if actor != self.claimant:
            raise Forbidden(
                "expense_claim_not_claimant", f"只有报销人可以重新提交报销单 {self.no}", {"claimant": self.claimant}
            )
        if self.status is not ClaimStatus.RETURNED:
            raise Conflict(
                "expense_claim_not_returned",
                f"报销单 {self.no} 当前为「{STATUS_LABELS[self.status]}」，只有被退回的报销单可以修改后重新提交"
                "（审批中的请先撤回；已撤回或预算不足未提交的请作废后重新报销）",
                {"status": self.status.value},
            )

    def resubmit(self, actor: str | None, correction: Correction) -> bool:
        """The claimant corrects a returned claim and sends it back as the next round. True when a standalone
        claim must reserve its new amount first (it becomes `reserving`: what it held was for the old amount);
        otherwise it goes straight back into approval (a claim on an application stays within the
        application's pre-commitment, checked by the caller)."""
        self.check_resubmittable(actor)
        reserve = self.standalone and correction.amount != self.amount
        self.title, self.detail, self.amount = correction.title, correction.detail, correction.amount
        self.flags, self.invoices = correction.flags, correction.invoices
        self.release_on_approval = correction.release_on_approval
        self.round += 1
        self.move_to(ClaimStatus.RESERVING if reserve else ClaimStatus.SUBMITTED)
        return reserve


@dataclass(frozen=True)
class Correction:
    """A returned claim as its claimant corrected it, examined again (standards, invoices, its application)."""

    title: str
    detail: dict[str, Any]
    amount: Decimal
    flags: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    release_on_approval: Decimal = ZERO
