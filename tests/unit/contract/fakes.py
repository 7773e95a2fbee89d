"""An in-memory unit of work, contract repository and budget for the contract service layer's tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ic_platform import catalogue
from ic_platform.documents import DocumentRef
from ic_platform.errors import Conflict
from services.contract.domain.amendments import Amendment, AmendmentStatus
from services.contract.domain.contract import AwardFacts, BasisHolder, Contract, check_basis_free
from services.contract.domain.execution import LedgerFacts


class FakeAwards:
    def __init__(self):
        self.rows: dict[str, tuple[str, AwardFacts, str, str]] = {}

    def add(self, org: str, p: dict[str, Any]) -> bool:
        if p["award_id"] in self.rows:
            return False
        award = AwardFacts(
            p["award_id"],
            DocumentRef(**p["document"]),
            p["unit"],
            p["supplier_id"],
            Decimal(p["amount"]),
            datetime.fromisoformat(p["notice_date"]).date(),
            p["method"],
            p["category"],
            p["budget_line_id"],
            DocumentRef(**p["pre_commitment_holder"]),
        )
        self.rows[p["award_id"]] = (org, award, p["supplier_name"], p["credit_code"])
        return True

    def get(self, org: str, award_id: str):
        row = self.rows.get(award_id)
        return row[1:] if row and row[0] == org else None


class FakeContracts:
    def __init__(self):
        self.awards = FakeAwards()
        self.rows: dict[str, Contract] = {}
        self.amendments: dict[str, dict[str, Any]] = {}
        self.flag_rows: dict[str, list] = {}
        self.seq = 0

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def next_no(self, year: int) -> str:
        return f"HT-{year}-{self._next():06d}"

    def next_amendment_no(self, year: int) -> str:
        return f"BG-{year}-{self._next():06d}"

    def add(self, c: Contract) -> None:
        self._as_the_index_would(c)
        self.rows[c.id] = copy.deepcopy(c)

    def save(self, c: Contract, *, claims_basis: bool = False, terms: bool = True, flags=None) -> None:
        if claims_basis:
            self._as_the_index_would(c)
        if flags is not None:
            self.flag_rows[c.id] = flags
        stored = copy.deepcopy(c)
        stored.events = []
        self.rows[c.id] = stored

    def _as_the_index_would(self, c: Contract) -> None:
        """The partial unique indexes: a second live contract on a basis is refused as the repository does."""
        if c.status.holds_basis:
            check_basis_free(c.basis, self.holding_basis(c.basis, exclude=c.id))

    def holding_basis(self, basis, exclude: str | None = None) -> BasisHolder | None:
        for other in self.rows.values():
            if other.id != exclude and other.basis.key == basis.key and other.status.holds_basis:
                return BasisHolder(other.id, other.no, other.status)
        return None

    def get(self, contract_id: str, *, for_update: bool = False) -> Contract | None:
        """As the real repository: the amendments come from their own table."""
        c = copy.deepcopy(self.rows.get(contract_id))
        if c is not None:
            c.amendments = [copy.deepcopy(r["object"]) for r in self.amendment_rows(contract_id)]
        return c

    def paid(self, contract_id) -> Decimal:
        return self.paid_by.get(contract_id, Decimal("0.00")) if hasattr(self, "paid_by") else Decimal("0.00")

    def flags(self, contract_id):
        return self.flag_rows.get(contract_id, [])

    def contract_of_amendment(self, amendment_id):
        row = self.amendments.get(amendment_id)
        return row["contract_id"] if row else None

    def add_amendment(self, am: Amendment, proposer: str) -> None:
        if any(r["status"] == "submitted" and r["contract_id"] == am.contract_id for r in self.amendments.values()):
            raise AssertionError("the partial unique index would refuse a second pending amendment")
        self.amendments[am.id] = {
            "id": am.id,
            "no": am.no,
            "contract_id": am.contract_id,
            "proposer": proposer,
            "reason": am.reason,
            "requested_on": am.requested_on,
            "previous_amount": am.previous_amount,
            "amount": am.amount,
            "end_date": am.end_date,
            "scope": am.scope,
            "status": am.status.value,
            "decided_on": None,
            "budget_state": "none",
            "budget_error": None,
            "object": copy.deepcopy(am),
        }

    def save_amendment_decision(self, am: Amendment) -> None:
        row = self.amendments[am.id]
        row["status"], row["decided_on"], row["object"] = am.status.value, am.decided_on, copy.deepcopy(am)
        owes = am.status is AmendmentStatus.APPROVED and am.delta != 0
        row["budget_state"] = "pending" if owes else "none"

    def amendment_rows(self, contract_id):
        return [r for r in self.amendments.values() if r["contract_id"] == contract_id]

    def amendments_owing_budget(self, limit: int = 50, only: str | None = None):
        rows = []
        for r in self.amendments.values():
            if r["budget_state"] == "pending" and (only is None or r["id"] == only):
                c = self.rows[r["contract_id"]]
                rows.append({**r, "org": c.org, "unit": c.unit, "contract_no": c.no, "budget_line_id": "L1"})
        return rows[:limit]

    def set_budget_state(self, amendment_id, state, error=None):
        self.amendments[amendment_id]["budget_state"] = state
        self.amendments[amendment_id]["budget_error"] = error

    def page(self, *, org, scope, status, supplier_id, limit, offset):
        found = [
            c
            for c in self.rows.values()
            if c.org == org
            and scope.admits(c.unit, initiator=c.drafter)
            and (status is None or c.status == status)
            and (supplier_id is None or c.supplier.id == supplier_id)
        ]
        return len(found), [copy.deepcopy(c) for c in found[offset : offset + limit]]


class FakeAcceptances:
    """Acceptances and the payment ledger, in memory."""

    def __init__(self, progress: FakeProgress):
        self.records: list = []
        self.ledger: dict[str, dict[str, Any]] = {}
        self.progress = progress  # the certificates, which the ledger's facts include

    def add(self, r) -> None:
        self.records.append(r)

    def get(self, acceptance_id: str):
        return next((r for r in self.records if r.id == acceptance_id), None)

    def of(self, contract_id: str) -> list:
        return sorted((r for r in self.records if r.contract_id == contract_id), key=lambda r: r.accepted_on)

    def payments(self, contract_id: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.ledger.values() if str(r["contract_id"]) == contract_id]

    def payment(self, payment_id: str) -> dict[str, Any] | None:
        row = self.ledger.get(payment_id)
        return dict(row) if row else None

    def ledger_facts(self, contract_id: str, exclude: str | None = None, mine: str | None = None) -> LedgerFacts:
        held: dict = {}
        for r in self.payments(contract_id):
            if r["status"] != "released" and str(r["payment_id"]) != exclude:
                held[r["milestone_no"]] = held.get(r["milestone_no"], Decimal(0)) + Decimal(r["amount"])
        facts = [a.fact for a in self.of(contract_id) if a.fact is not None]
        certified = [p.fact for p in self.progress.of(contract_id)]
        return LedgerFacts(held, facts, certified, self.payment(mine) if mine else None)

    def paid(self, contract_id: str) -> Decimal:
        return sum((Decimal(r["amount"]) for r in self.payments(contract_id) if r["status"] == "paid"), Decimal(0))

    def add_payment(self, **values: Any) -> None:
        self.ledger[str(values["payment_id"])] = {"paid_on": None, "reference": None, **values}

    def set_payment(self, payment_id: str, **values: Any) -> None:
        self.ledger[payment_id].update(values)


class FakeProgress:
    """Progress certificates, in memory; `met` records the milestones whose met_on the repository would set."""

    def __init__(self):
        self.records: list = []
        self.marked: list[str] = []

    def add(self, p) -> None:
        self.records.append(p)

    def of(self, contract_id: str) -> list:
        mine = (p for p in self.records if p.contract_id == contract_id)
        return sorted(mine, key=lambda p: (p.certified_on, p.percent))

    def mark_met(self, c) -> None:
        self.marked.append(c.id)


class FakeDesk:
    def holds(self, viewer, document_type, document_id) -> bool:
        return False


class FakeAttachments:
    """The files linked to each document, as `ic_platform.attachments.AttachmentRepository.list` answers them."""

    def __init__(self):
        self.files: dict[tuple[str, str], list[dict]] = {}

    def list(self, owner) -> list[dict]:
        return list(self.files.get((owner.document_type, owner.document_id), []))


class FakeUnitOfWork:
    """Commits are all-or-nothing here too: a use case that raises leaves the stored state as it was."""

    def __init__(self):
        self.contracts = FakeContracts()
        self.progress = FakeProgress()
        self.acceptances = FakeAcceptances(self.progress)
        self.attachments = FakeAttachments()
        self.desk = FakeDesk()
        self.published: list = []
        self.answers: dict = {}
        self._pending: list = []
        self._snapshot = None

    def __enter__(self):
        self._snapshot = copy.deepcopy(
            (
                self.contracts.rows,
                self.contracts.amendments,
                self.answers,
                self.acceptances.records,
                self.acceptances.ledger,
                self.progress.records,
            )
        )
        self._pending = []
        return self

    def __exit__(self, *exc):
        if self._snapshot is not None:  # not committed: roll back
            (
                self.contracts.rows,
                self.contracts.amendments,
                self.answers,
                self.acceptances.records,
                self.acceptances.ledger,
                self.progress.records,
            ) = self._snapshot
        self._snapshot = None

    def commit(self):
        self.published.extend(self._pending)
        self._pending = []
        self._snapshot = None

    def publish(self, envelope):
        catalogue.validate(envelope.as_dict())  # as the real unit of work: a bad event is a bug
        self._pending.append(envelope)

    def recall(self, scope, key, request):
        stored = self.answers.get((scope, key))
        if stored is None:
            return None
        if stored[0] != request:
            raise Conflict("idempotency_key_reused", "该幂等键已用于另一内容不同的请求")
        return stored[1]

    def remember(self, scope, key, request, response):
        self.answers[(scope, key)] = (request, response)

    def types(self) -> list[str]:
        return [e.type for e in self.published]


class FakeBudget:
    def __init__(self, refuse: str | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.refuse = refuse

    def _call(self, name, kwargs):
        if self.refuse == name:
            raise Conflict("insufficient_funds", "预算指标可用余额不足")
        self.calls.append((name, kwargs))

    def commit(self, **kwargs):
        self._call("commit", kwargs)
        return {"ok": True, "released_rest": ["4000.00"] if kwargs.get("release_rest") else []}

    def release_document(self, **kwargs):
        self._call("release_document", kwargs)
        return {"released": ["4000.00"]}

    def relieve(self, **kwargs):
        self._call("relieve", kwargs)
        return {"ok": True}


def now() -> datetime:
    return datetime.now(UTC)


class FakeProcurement:
    """procurement's supplier registry: every supplier valid unless listed in `standing` {id: (standing, reason)}."""

    def __init__(self, standing: dict | None = None, registrar: str = "registrar", funding: dict | None = None):
        self.standing = standing or {}
        self.registrar = registrar
        self.funding = funding or {}  # {matter application id: the procurement application's no it funds}
        self.asked: list[tuple[str, str]] = []

    def matter_funding(self, matter_application_id: str) -> dict:
        no = self.funding.get(matter_application_id)
        return {"matter_application_id": matter_application_id, "procurement_application_no": no}

    def supplier_on(self, supplier_id: str, on: str) -> dict:
        self.asked.append((supplier_id, on))
        standing, reason = self.standing.get(supplier_id, ("valid", None))
        return {
            "id": supplier_id,
            "name": "新桥办公设备有限公司",
            "credit_code": "91110108MA01ABCD2X",
            "registrar": self.registrar,
            "sme": False,
            "standing": standing,
            "reason": reason,
        }


class FakePayment:
    """payment's matter applications: {id: view}."""

    def __init__(self, applications: dict | None = None):
        self.applications = applications or {}

    def get_matter_application(self, application_id: str) -> dict:
        from ic_platform.errors import not_found

        if application_id not in self.applications:
            raise not_found("matter_application", application_id, "事前申请")
        return self.applications[application_id]
