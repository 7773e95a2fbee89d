"""In-memory stand-ins for the procurement unit of work and the services it calls, for the service layer's unit
tests. Like the real one, the fake unit of work keeps nothing that was not committed: leaving `with uow:`
without `commit()` puts every repository back as it was, and events validate against the catalogue."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from ic_platform import catalogue
from ic_platform.errors import Conflict
from services.procurement.domain.policy import ProcurementPolicy
from services.procurement.domain.seed import DEMO_POLICY


class FakeApplications:
    def __init__(self):
        self.rows: dict[str, Any] = {}
        self.facts_by_id: dict[str, dict[str, Any]] = {}
        self.quote_rows: dict[str, list[dict[str, Any]]] = {}
        self.changes: dict[str, str] = {}  # application id → pending method change id
        self.seq = 0

    def next_no(self, year: int) -> str:
        self.seq += 1
        return f"CG-{year}-{self.seq:06d}"

    def add(self, app) -> bool:
        if app.id in self.rows:
            return False
        self.rows[app.id] = copy.deepcopy(replace(app, events=[]))
        self.facts_by_id[app.id] = {"submitted_on": None, "approved_on": None}
        return True

    def save(self, app, **extra) -> None:
        stored = self.rows.get(app.id)
        kept = {}
        if app.requirement is None and stored is not None:
            kept["requirement"] = stored.requirement
        self.rows[app.id] = copy.deepcopy(replace(app, events=[], **kept))
        if app.method_change is None:
            self.changes.pop(app.id, None)
        if "method_change" in extra:
            self.changes[app.id] = extra.pop("method_change")["id"]
        self.facts_by_id[app.id].update(extra)

    def by_method_change(self, change_id):
        return next((a for a, c in self.changes.items() if c == change_id), None)

    def get(self, app_id, *, for_update=False):
        found = self.rows.get(app_id)
        return copy.deepcopy(found) if found else None

    def facts(self, app_id):
        return self.facts_by_id.get(app_id)

    def live_for_matter(self, matter_id):
        ended = {"rejected", "refused", "cancelled"}
        return next(
            (
                a.no
                for a in self.rows.values()
                if a.funding.matter and a.funding.matter.id == matter_id and a.status.value not in ended
            ),
            None,
        )

    def page(self, *, org, applicant, scope, status, method, limit, offset):
        found = [
            a
            for a in self.rows.values()
            if a.org == org
            and scope.admits(a.unit, initiator=a.applicant)
            and (applicant is None or a.applicant == applicant)
            and (status is None or a.status == status)
            and (method is None or a.method == method)
        ]
        return len(found), found[offset : offset + limit]

    def claim_stuck_reserving(self, older_than):
        return [a.id for a in self.rows.values() if a.status.value == "reserving"]

    def add_quotes(self, app_id, quotes, chosen_supplier_id):
        self.quote_rows[app_id] = [
            {"supplier_id": q.supplier_id, "amount": str(q.amount), "chosen": q.supplier_id == chosen_supplier_id}
            for q in quotes
        ]

    def quotes(self, app_id):
        return self.quote_rows.get(app_id, [])


class FakeTenders:
    def __init__(self):
        self.rows: dict[str, tuple[str, Any]] = {}

    def add(self, org, application_id, tender, flags):
        self.rows[tender.id] = (application_id, copy.deepcopy(replace(tender, events=[])))

    def save(self, tender):
        app_id = self.rows[tender.id][0]
        self.rows[tender.id] = (app_id, copy.deepcopy(replace(tender, events=[])))

    def get(self, tender_id, *, for_update=False):
        found = self.rows.get(tender_id)
        return copy.deepcopy(found) if found else None

    def of_application(self, app_id):
        return [t.id for a, t in self.rows.values() if a == app_id]

    def any_failed(self, app_id):
        return any(a == app_id and t.status.value == "failed" for a, t in self.rows.values())


class FakeAwards:
    def __init__(self):
        self.rows: dict[str, tuple[str, Any]] = {}

    def add(self, org, award):
        self.rows[award.id] = (org, award)

    def get(self, award_id):
        return self.rows.get(award_id)

    contracts: dict

    def mark_contracted(self, award_id, contract, signed_on) -> bool:
        self.__dict__.setdefault("contracts", {})
        if award_id not in self.rows or award_id in self.contracts:  # as the update: only an award of ours
            return False
        self.contracts[award_id] = {"contract": contract, "contracted_on": signed_on.isoformat()}
        return True

    def contract_of(self, award_id):
        return self.__dict__.get("contracts", {}).get(award_id)


class FakeSuppliers:
    def __init__(self):
        self.rows: dict[str, tuple[str, Any]] = {}

    def add(self, org, supplier) -> bool:
        if self.id_of(org, supplier.credit_code):
            return False
        self.save(supplier, org)
        return True

    def id_of(self, org, code):
        return next((s.id for o, s in self.rows.values() if o == org and s.credit_code == code), None)

    def save(self, supplier, org=None):
        org = org or self.rows[supplier.id][0]
        self.rows[supplier.id] = (org, copy.deepcopy(replace(supplier, events=[])))

    def get(self, org, supplier_id, *, for_update=False, accounts=True):
        found = self.rows.get(supplier_id)
        return copy.deepcopy(found[1]) if found and found[0] == org else None

    def get_many(self, org, ids):
        return {i: s for i in ids if (s := self.get(org, i)) is not None}

    def page(self, org, q, limit, offset):
        found = [s for o, s in self.rows.values() if o == org and (not q or q in s.name or q in s.credit_code)]
        return len(found), found[offset : offset + limit]


class FakePolicy:
    def __init__(self, policy: ProcurementPolicy = DEMO_POLICY):
        self.policy = policy

    def load(self, org, on):
        return self.policy


class FakeDesk:
    def __init__(self):
        self.held: set[tuple[str, str, str]] = set()

    def holds(self, viewer, document_type, document_id):
        return viewer is not None and (viewer.username, document_type, document_id) in self.held


class FakeReports:
    def __init__(self, uow):
        self.uow = uow

    def award_rows(self, org, units, date_from, date_to):
        from services.procurement.domain.analysis import AwardRow

        return [
            AwardRow(a.id, a.unit, a.supplier_id, a.supplier_name, a.method.value, a.category, a.amount, a.notice_date)
            for o, a in self.uow.awards.rows.values()
            if o == org and (units is None or a.unit in units) and date_from <= a.notice_date <= date_to
        ]

    def procurement_rows(self, org, units, date_from, date_to):
        from services.procurement.domain.analysis import ProcurementRow

        awarded = {a.application.id: a.amount for _, a in self.uow.awards.rows.values()}
        return [
            ProcurementRow(
                a.id,
                a.unit,
                a.method.value,
                a.category.value,
                a.status.value,
                a.amount,
                self.uow.applications.facts_by_id[a.id].get("approved_on"),
                awarded.get(a.id),
            )
            for a in self.uow.applications.rows.values()
            if a.org == org and (units is None or a.unit in units)
        ]


class FakeUnitOfWork:
    def __init__(self, policy: ProcurementPolicy = DEMO_POLICY):
        self.applications = FakeApplications()
        self.tenders = FakeTenders()
        self.awards = FakeAwards()
        self.suppliers = FakeSuppliers()
        self.policy = FakePolicy(policy)
        self.desk = FakeDesk()
        self.reports = FakeReports(self)
        self.keys: dict[tuple[str, str], tuple[dict, dict]] = {}
        self.events: list[dict[str, Any]] = []  # committed
        self._pending: list[dict[str, Any]] = []
        self.commits = 0

    _STATE = ("applications", "tenders", "awards", "suppliers", "keys")

    def __enter__(self):
        self._snapshot = {name: copy.deepcopy(getattr(self, name)) for name in self._STATE}
        self._pending = []
        return self

    def __exit__(self, *exc):
        for name, value in self._snapshot.items():  # what was not committed is gone
            setattr(self, name, value)
        self._pending = []

    def commit(self):
        self.events += self._pending
        self._pending = []
        self._snapshot = {name: copy.deepcopy(getattr(self, name)) for name in self._STATE}
        self.commits += 1

    def publish(self, envelope):
        data = envelope.as_dict()
        catalogue.validate(data)
        self._pending.append(data)

    def recall(self, scope, key, request):
        found = self.keys.get((scope, key))
        if found is None:
            return None
        if found[0] != request:
            raise Conflict("idempotency_key_reused", "该幂等键已用于另一内容不同的请求")
        return found[1]

    def remember(self, scope, key, request, response):
        self.keys.setdefault((scope, key), (request, response))

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]


class FakeBudget:
    def __init__(self, refuse: Exception | None = None):
        self.refuse = refuse
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def reserve(self, **kwargs):
        self.calls.append(("reserve", kwargs))
        if self.refuse:
            raise self.refuse
        return {"budget_line_id": kwargs["budget_line_id"], "available": "0.00"}

    def release_document(self, **kwargs):
        self.calls.append(("release_document", kwargs))
        return {}


class FakePayment:
    def __init__(self, **matters: dict[str, Any]):
        self.matters = matters

    def get_matter_application(self, application_id):
        from ic_platform.errors import not_found

        if application_id not in self.matters:
            raise not_found("matter_application", application_id, "事前申请")
        return self.matters[application_id]


class FakeContract:
    """Contract's register of direct contracts by matter application (`matter_contract`)."""

    def __init__(self, **contracted: str):
        self.contracted = contracted

    def matter_contract(self, matter_application_id):
        no = self.contracted.get(matter_application_id)
        return {"matter_application_id": matter_application_id, "contract_no": no, "contract_status": None}


def days_after(day: date, n: int) -> date:
    return day + timedelta(days=n)
