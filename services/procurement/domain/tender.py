"""Tenders, bids, evaluation (招标/竞争性程序、投标、评审). Pure: each step records its event on `tender.events`.

A tender runs one competitive method of an approved application (公开招标, 邀请招标, 竞争性谈判, 竞争性磋商,
询价). It is published at a time with a submission deadline no sooner than the method's minimum period (20 days
for tenders, 87号令 第16条 and 招标投标法 第24条; 10 for consultation; 3 for negotiation and quotation, 74号令
(working days there, calendar days here: a stricter reading would need the holiday calendar)), and, for
政府采购, no sooner than the intention's notice period (refused or flagged, as the policy says).

Bids: a bid received after the deadline is recorded as late (逾期, never valid); a bid above the budget is
invalid (投标报价超过采购预算, 87号令 第63条); a supplier not in good standing cannot bid; one supplier, one
bid. The evaluation ranks the valid bids (lowest price, or the highest score with price breaking ties); fewer
valid bids than the method needs fails the tender (流标), after which the method may be changed (with approval).
The award goes to the first-ranked bid, or another valid one with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ic_platform.money import money_str
from services.procurement.domain import award as awards
from services.procurement.domain import intention
from services.procurement.domain.application import ProcurementApplication
from services.procurement.domain.errors import invalid, refused
from services.procurement.domain.events import (
    BidDisqualified,
    BidReceived,
    BidsEvaluated,
    Flag,
    TenderFailed,
    TenderPublished,
)
from services.procurement.domain.kinds import COMPETITIVE_METHODS, METHOD_LABELS, Method
from services.procurement.domain.policy import ProcurementPolicy
from services.procurement.domain.supplier import Supplier

MIN_SUBMISSION_DAYS = {
    Method.OPEN_TENDER: 20,
    Method.INVITED_TENDER: 20,
    Method.COMPETITIVE_CONSULTATION: 10,
    Method.COMPETITIVE_NEGOTIATION: 3,
    Method.REQUEST_FOR_QUOTATION: 3,
}
OVER_BUDGET = "投标报价超过采购预算"


class EvaluationMethod(StrEnum):
    LOWEST_PRICE = "lowest_price"  # 最低评标价法 / 最低价成交
    SCORE = "score"  # 综合评分法


class BidStatus(StrEnum):
    VALID = "valid"
    DISQUALIFIED = "disqualified"  # 无效投标, with the reason
    LATE = "late"  # 逾期送达


class TenderStatus(StrEnum):
    OPEN = "open"  # published, taking bids
    FAILED = "failed"  # 流标: too few valid bids
    EVALUATED = "evaluated"
    AWARDED = "awarded"


@dataclass
class Bid:
    id: str
    supplier_id: str
    amount: Decimal
    received_at: datetime
    status: BidStatus = BidStatus.VALID
    reason: str | None = None
    score: Decimal | None = None
    rank: int | None = None


@dataclass
class Tender:
    id: str
    application_no: str
    method: Method
    published_at: datetime
    submission_deadline: datetime
    budget_amount: Decimal
    evaluation_method: EvaluationMethod = EvaluationMethod.LOWEST_PRICE
    status: TenderStatus = TenderStatus.OPEN
    bids: list[Bid] = field(default_factory=list)
    evaluated_on: date | None = None
    award_id: str | None = None
    events: list = field(default_factory=list, repr=False)

    # ── bids ──
    def receive_bid(self, app: ProcurementApplication, bid_id: str, supplier: Supplier, amount: Decimal, at: datetime):
        self._check_status(TenderStatus.OPEN, "接收投标")
        if amount <= 0:
            raise invalid("bid_amount_not_positive", "amount", f"报价 {money_str(amount)} 元")
        supplier.check_in_good_standing(at.date(), "投标")
        late = at > self.submission_deadline
        if not late and any(b.supplier_id == supplier.id and b.status is not BidStatus.LATE for b in self.bids):
            raise refused("bid_duplicate_supplier", f"供应商 {supplier.name} 已提交投标", supplier_id=supplier.id)
        bid = Bid(bid_id, supplier.id, amount, at, BidStatus.LATE if late else BidStatus.VALID)
        if late:
            bid.reason = f"{at.isoformat()} 送达，晚于截止时间 {self.submission_deadline.isoformat()}"
        self.bids.append(bid)
        self.events.append(BidReceived(app.document, self.id, bid_id, supplier.id, amount, at, late))
        if not late and amount > self.budget_amount:
            self.disqualify(
                app, bid_id, f"{OVER_BUDGET}（报价 {money_str(amount)} 元，预算 {money_str(self.budget_amount)} 元）"
            )
        return bid

    def disqualify(self, app: ProcurementApplication, bid_id: str, reason: str) -> None:
        if self.status not in (TenderStatus.OPEN, TenderStatus.EVALUATED):
            raise self._not_open("认定投标无效")
        if not (reason or "").strip():
            raise invalid("disqualification_reason_required", "reason")
        bid = self.bid(bid_id)
        if bid.status is BidStatus.DISQUALIFIED:
            return
        bid.status, bid.reason, bid.rank = BidStatus.DISQUALIFIED, reason.strip(), None
        self.events.append(BidDisqualified(app.document, self.id, bid_id, bid.supplier_id, bid.reason))
        if self.status is TenderStatus.EVALUATED:
            # Set aside after the evaluation (e.g. the winner's papers were false): the others move up in order.
            ranked = sorted((b for b in self.valid_bids if b.rank is not None), key=lambda b: b.rank)
            for rank, other in enumerate(ranked, start=1):
                other.rank = rank

    def bid(self, bid_id: str) -> Bid:
        for bid in self.bids:
            if bid.id == bid_id:
                return bid
        raise refused("bid_unknown", f"投标 {bid_id}", bid_id=bid_id)

    @property
    def valid_bids(self) -> list[Bid]:
        return [b for b in self.bids if b.status is BidStatus.VALID]

    # ── evaluation ──
    def evaluate(
        self,
        app: ProcurementApplication,
        at: datetime,
        policy: ProcurementPolicy,
        scores: dict[str, Decimal] | None = None,
    ) -> list[Bid]:
        """Rank the valid bids; too few of them and the tender fails (returns no ranking, status `failed`)."""
        self._check_status(TenderStatus.OPEN, "评审")
        if at < self.submission_deadline:
            raise refused(
                "evaluation_before_deadline",
                f"评审时间 {at.isoformat()}，投标截止时间 {self.submission_deadline.isoformat()}",
                deadline=self.submission_deadline.isoformat(),
            )
        valid, required = self.valid_bids, policy.min_bids(self.method)
        if len(valid) < required:
            self.status = TenderStatus.FAILED
            self.events.append(TenderFailed(app.document, self.id, len(valid), required))
            return []
        ranked = self._rank(valid, scores)
        for rank, bid in enumerate(ranked, start=1):
            bid.rank = rank
        self.status, self.evaluated_on = TenderStatus.EVALUATED, at.date()
        self.events.append(
            BidsEvaluated(
                app.document,
                self.id,
                at.date(),
                [
                    {
                        "rank": b.rank,
                        "bid_id": b.id,
                        "supplier_id": b.supplier_id,
                        "amount": money_str(b.amount),
                        "score": str(b.score) if b.score is not None else None,
                    }
                    for b in ranked
                ],
            )
        )
        return ranked

    def _rank(self, valid: list[Bid], scores: dict[str, Decimal] | None) -> list[Bid]:
        if self.evaluation_method is EvaluationMethod.LOWEST_PRICE:
            return sorted(valid, key=lambda b: (b.amount, b.received_at, b.id))
        missing = [b.id for b in valid if (scores or {}).get(b.id) is None]
        if missing:
            raise refused("scores_missing", f"缺少得分的投标：{'、'.join(missing)}", bids=missing)
        for bid in valid:
            bid.score = scores[bid.id]
        return sorted(valid, key=lambda b: (-b.score, b.amount, b.received_at, b.id))

    # ── award ──
    def award(
        self,
        app: ProcurementApplication,
        award_id: str,
        bid_id: str,
        supplier: Supplier,
        decided_on: date,
        notice_date: date,
        justification: str | None = None,
    ) -> awards.Award:
        self._check_status(TenderStatus.EVALUATED, "确定中标（成交）供应商")
        bid = self.bid(bid_id)
        if bid.status is not BidStatus.VALID or bid.supplier_id != supplier.id:
            raise refused(
                "award_bid_invalid",
                f"投标 {bid_id} 状态为 {bid.status.value}" + (f"：{bid.reason}" if bid.reason else ""),
                bid_id=bid_id,
                status=bid.status.value,
            )
        reasons = (justification or "").strip() or None
        if bid.rank != 1 and reasons is None:
            first = next(b for b in self.valid_bids if b.rank == 1)
            raise refused(
                "award_not_top_ranked_unjustified",
                f"拟定投标排序第 {bid.rank} 名（报价 {money_str(bid.amount)} 元），"
                f"第 1 名报价 {money_str(first.amount)} 元",
                rank=bid.rank,
            )
        result = awards.decide(
            app, award_id, supplier, bid.amount, decided_on, notice_date, tender_id=self.id, justification=reasons
        )
        self.status, self.award_id = TenderStatus.AWARDED, award_id
        return result

    def _check_status(self, wanted: TenderStatus, action: str) -> None:
        if self.status is not wanted:
            raise self._not_open(action)

    def _not_open(self, action: str):
        return refused(
            "tender_not_open",
            f"项目 {self.application_no} 当前为 {self.status.value}，不能{action}",
            status=self.status.value,
        )


def publish(
    app: ProcurementApplication,
    tender_id: str,
    published_at: datetime,
    submission_deadline: datetime,
    policy: ProcurementPolicy,
    evaluation_method: EvaluationMethod = EvaluationMethod.LOWEST_PRICE,
) -> tuple[Tender, list[Flag]]:
    """Start the competitive procedure of an approved application with its own method. Returns the tender and
    the flags it carries (a short intention notice, when the policy flags rather than refuses)."""
    if app.method not in COMPETITIVE_METHODS:
        raise refused(
            "tender_method_not_competitive",
            f"采购申请 {app.no} 的采购方式为{METHOD_LABELS[app.method]}",
            method=app.method.value,
        )
    if submission_deadline <= published_at:
        raise refused(
            "submission_period_invalid",
            f"公告时间 {published_at.isoformat()}，截止时间 {submission_deadline.isoformat()}",
        )
    minimum = MIN_SUBMISSION_DAYS[app.method]
    days = (submission_deadline.date() - published_at.date()).days
    if days < minimum:
        raise refused(
            "submission_period_too_short",
            f"{METHOD_LABELS[app.method]}自 {published_at.date().isoformat()} 发出至 "
            f"{submission_deadline.date().isoformat()} 截止仅 {days} 天，不得少于 {minimum} 天",
            days=days,
            required_days=minimum,
        )
    flags = intention.check_start(app, published_at.date(), policy)
    app.start_sourcing()
    tender = Tender(tender_id, app.no, app.method, published_at, submission_deadline, app.amount, evaluation_method)
    tender.events.append(
        TenderPublished(app.document, tender_id, app.method.value, published_at, submission_deadline, flags)
    )
    return tender, flags
