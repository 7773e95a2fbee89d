"""The facts contract management records, for the service layer to publish (through the outbox) as `contract.*`.
Pure dataclasses, past tense; `payload()` gives the wire form (money as two-place strings, dates ISO, documents
as `{"type", "id", "no"}`). The catalogue schemas are written from these when the service layer lands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from ic_platform.documents import DocumentRef
from ic_platform.domain_events import Event, Flag, wire  # noqa: F401 - the domain imports them from here


@dataclass(frozen=True)
class ContractRegistered(Event):
    name: ClassVar[str] = "contract.drafted"
    document: DocumentRef
    unit: str
    title: str
    basis: dict[str, Any]  # {"type": "award", "award_id", "application"} or {"type": "matter_application", …}
    supplier_id: str
    amount: Decimal
    start_date: date
    end_date: date
    milestones: list[dict[str, Any]]  # no, name, condition, amount, planned_date, payment_days
    retention: Decimal
    warranty_end: date | None
    parties: dict[str, str]


@dataclass(frozen=True)
class ContractSubmitted(Event):
    name: ClassVar[str] = "contract.submitted"
    document: DocumentRef
    unit: str
    drafter: str
    amount: Decimal
    routing: dict[str, Any]  # amount, legal_review, major_matter: what approval routes on
    parties: dict[str, str]
    round: int


@dataclass(frozen=True)
class ContractApproved(Event):
    name: ClassVar[str] = "contract.approved"
    document: DocumentRef


@dataclass(frozen=True)
class ContractRejected(Event):
    name: ClassVar[str] = "contract.rejected"
    document: DocumentRef
    reason: str | None


@dataclass(frozen=True)
class ContractCancelled(Event):
    """作废: a contract never signed, given up by its drafter; its basis is free again."""

    name: ClassVar[str] = "contract.cancelled"
    document: DocumentRef
    unit: str
    reason: str
    previous_status: str  # draft, returned or withdrawn
    basis: dict[str, Any]  # as in contract.drafted: the award or the matter application now free


@dataclass(frozen=True)
class ContractSigned(Event):
    name: ClassVar[str] = "contract.signed"
    document: DocumentRef
    unit: str
    supplier_id: str
    amount: Decimal
    signed_on: date
    award_id: str | None
    award_notice_date: date | None
    days_after_award: int | None
    budget: dict[str, Any]  # SigningBudget.as_dict(): commit, from_document, release
    flags: list[Flag]


@dataclass(frozen=True)
class AmendmentSubmitted(Event):
    name: ClassVar[str] = "contract.amendment_submitted"
    document: DocumentRef  # the contract
    amendment: DocumentRef
    reason: str
    previous_amount: Decimal
    amount: Decimal
    delta: Decimal
    end_date: date
    scope: str | None
    cumulative_increase: Decimal  # supplementary increases so far including this one (the 10 % bucket)
    increase_limit: Decimal
    via_procurement: str | None  # the award of a new procurement that covers the increase
    routing: dict[str, Any]


@dataclass(frozen=True)
class ContractAmended(Event):
    name: ClassVar[str] = "contract.amended"
    document: DocumentRef
    amendment: DocumentRef
    previous_amount: Decimal
    amount: Decimal
    delta: Decimal
    cumulative_change: Decimal
    cumulative_increase: Decimal
    end_date: date
    budget: dict[str, Any]  # commit (an increase) or relieve (a decrease)


@dataclass(frozen=True)
class AmendmentRejected(Event):
    name: ClassVar[str] = "contract.amendment_rejected"
    document: DocumentRef
    amendment: DocumentRef
    reason: str | None


@dataclass(frozen=True)
class ContractTerminated(Event):
    name: ClassVar[str] = "contract.terminated"
    document: DocumentRef
    kind: str  # rescission 解除 / termination 终止
    terminated_on: date
    reason: str
    amount: Decimal  # in force before
    settlement_amount: Decimal
    paid: Decimal
    relieve: Decimal  # commitment given back to the line


@dataclass(frozen=True)
class ContractCompleted(Event):
    name: ClassVar[str] = "contract.completed"
    document: DocumentRef
    amount: Decimal
    paid: Decimal
    completed_on: date
