"""The facts procurement records, for the service layer to publish (through the outbox) as `procurement.*`.
Pure dataclasses, past tense; `payload()` gives the wire form (money as two-place strings, dates ISO, documents
as `{"type", "id", "no"}`). The catalogue schemas are written from these when the service layer lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from ic_platform.documents import DocumentRef
from ic_platform.domain_events import Event, Flag, wire  # noqa: F401 - the domain imports them from here


# ── the procurement application (采购申请) ──
@dataclass(frozen=True)
class ApplicationSubmitted(Event):
    name: ClassVar[str] = "procurement.application_submitted"
    document: DocumentRef
    unit: str
    applicant: str
    title: str
    category: str
    amount: Decimal  # 采购预算, the sum of the items
    method: str
    form: str
    extra_approval: bool  # single source or invited tender with reasons: an additional approval step
    justification: str | None
    major_matter: bool
    requirement: dict[str, Any]  # MethodRequirement.as_dict(): why this method
    funding: dict[str, Any]  # Funding.as_dict(): the matter application taken over, or the line reserved
    parties: dict[str, str]  # position → username (applicant, purchaser)
    round: int = 1


@dataclass(frozen=True)
class ApplicationApproved(Event):
    name: ClassVar[str] = "procurement.application_approved"
    document: DocumentRef
    amount: Decimal


@dataclass(frozen=True)
class ApplicationRejected(Event):
    name: ClassVar[str] = "procurement.application_rejected"
    document: DocumentRef
    reason: str | None
    release: Decimal  # budget the application gives back (its own reservation; 0 when it took over a matter's)


@dataclass(frozen=True)
class ApplicationCancelled(Event):
    name: ClassVar[str] = "procurement.application_cancelled"
    document: DocumentRef
    reason: str
    release: Decimal


@dataclass(frozen=True)
class MethodChangeRequested(Event):
    name: ClassVar[str] = "procurement.method_change_requested"
    document: DocumentRef
    current: str
    requested: str
    reason: str
    tender_failed: bool


@dataclass(frozen=True)
class MethodChanged(Event):
    name: ClassVar[str] = "procurement.method_changed"
    document: DocumentRef
    previous: str
    method: str


@dataclass(frozen=True)
class MethodChangeRejected(Event):
    name: ClassVar[str] = "procurement.method_change_rejected"
    document: DocumentRef
    method: str  # kept
    requested: str


# ── intention, market research, tenders, awards ──
@dataclass(frozen=True)
class IntentionPublished(Event):
    name: ClassVar[str] = "procurement.intention_published"
    document: DocumentRef  # the procurement application
    intention_id: str
    published_on: date
    expected_start: date | None
    amount: Decimal
    where: str


@dataclass(frozen=True)
class MarketResearchCompleted(Event):
    name: ClassVar[str] = "procurement.market_research_completed"
    document: DocumentRef
    quotes: list[dict[str, Any]]  # supplier_id, amount, quoted_on
    chosen_supplier_id: str
    chosen_amount: Decimal
    lowest_amount: Decimal
    justification: str | None
    flags: list[Flag]


@dataclass(frozen=True)
class TenderPublished(Event):
    name: ClassVar[str] = "procurement.tender_published"
    document: DocumentRef  # the procurement application
    tender_id: str
    method: str
    published_at: datetime
    submission_deadline: datetime
    flags: list[Flag]


@dataclass(frozen=True)
class BidReceived(Event):
    name: ClassVar[str] = "procurement.bid_received"
    document: DocumentRef
    tender_id: str
    bid_id: str
    supplier_id: str
    amount: Decimal
    received_at: datetime
    late: bool


@dataclass(frozen=True)
class BidDisqualified(Event):
    name: ClassVar[str] = "procurement.bid_disqualified"
    document: DocumentRef
    tender_id: str
    bid_id: str
    supplier_id: str
    reason: str


@dataclass(frozen=True)
class TenderFailed(Event):
    name: ClassVar[str] = "procurement.tender_failed"  # 流标/废标
    document: DocumentRef
    tender_id: str
    valid_bids: int
    required: int


@dataclass(frozen=True)
class BidsEvaluated(Event):
    name: ClassVar[str] = "procurement.bids_evaluated"
    document: DocumentRef
    tender_id: str
    evaluated_on: date
    ranking: list[dict[str, Any]]  # rank, bid_id, supplier_id, amount, score


@dataclass(frozen=True)
class AwardDecided(Event):
    name: ClassVar[str] = "procurement.award_decided"
    document: DocumentRef  # the procurement application
    award_id: str
    unit: str
    supplier_id: str
    supplier_name: str
    credit_code: str
    amount: Decimal
    budget_amount: Decimal
    method: str
    category: str
    decided_on: date
    notice_date: date
    tender_id: str | None
    justification: str | None
    flags: list[Flag]


# ── suppliers (供应商库) ──
@dataclass(frozen=True)
class SupplierRegistered(Event):
    name: ClassVar[str] = "procurement.supplier_registered"
    supplier_id: str
    credit_code: str
    supplier_name: str
    legal_representative: str
    registrar: str
    registered_at: datetime


@dataclass(frozen=True)
class SupplierBankAccountChanged(Event):
    name: ClassVar[str] = "procurement.supplier_bank_account_changed"
    supplier_id: str
    change: str  # added / replaced / removed
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_by: str
    changed_at: datetime
    reason: str


@dataclass(frozen=True)
class SupplierStatusChanged(Event):
    name: ClassVar[str] = "procurement.supplier_status_changed"
    supplier_id: str
    status: str
    previous: str
    reason: str | None
    starts_on: date
    ends_on: date | None
    changed_by: str
