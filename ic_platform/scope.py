"""数据权限 (data scope): which documents a person may read. One rule for every service; pure (no I/O).

A person reads
- the documents of their own unit (a clerk, a unit head, anyone: the unit is where they work);
- the documents of the units they lead (分管领导: `Viewer.units_led`);
- everything of an area when their role reads that whole area: the principal, inspectors and auditors every
  area, finance reviewers budget, payment and accounting data (`READS_ALL`). Reading a whole area grants
  nothing else: what a person may *do* is decided by the action's own rule (the applicant resubmits, the
  assignee decides), so inspectors and auditors stay read-only, whatever they see;
- the documents they initiated;
- a document while it is (or was) on their desk: they hold or held one of its approval steps, decided one, or
  were the active delegate (代理人) of someone who held one while they held it (`ic_platform.desk` keeps that).

Administrators (系统管理员) read what the staff of their unit read and no more: the role runs the system
(accounts, dead letters, reassigning a stuck task), it is not a reader of the business (三员分立: whoever
administers the system is not also its auditor or a reader of every unit's money).

A document outside the reader's scope is answered exactly like one that does not exist (404). Lists and
reports are filtered by the same rule on the server (`Scope`, turned into SQL by `ic_platform.desk`).

One line for one document, in the service that owns it:
    if doc is None or not scope.visible(ctx.viewer, Area.PAYMENT, doc.unit, initiator=doc.applicant,
                                        on_desk=lambda: uow.desk.holds(ctx.viewer, doc.document)):
        raise not_found(...)
and for a list: `scope.scope_of(ctx.viewer, Area.PAYMENT)`, handed to the repository (see desk.visible_clause).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ic_platform.identity import Viewer


class Area(StrEnum):
    """The kinds of data a role may read as a whole."""

    BUDGET = "budget"  # budget lines, the ledger, adjustments, overrides, year end, budget reports
    PAYMENT = "payment"  # spending documents: matter applications, expense claims, payment requests
    ACCOUNTING = "accounting"  # vouchers, the journal, trial balances
    PROCUREMENT = "procurement"  # procurement applications, tenders, bids, awards, suppliers
    CONTRACT = "contract"  # contracts, acceptances, amendments
    OTHER = "other"  # a document type the rule does not know yet: only the office-wide readers see it whole


# Each document type's area: finance reviewers read budget and payment data, not contracts or tenders.
DOCUMENT_AREAS: dict[str, Area] = {
    "matter_application": Area.PAYMENT,
    "expense_claim": Area.PAYMENT,
    "payment_request": Area.PAYMENT,
    "budget_adjustment": Area.BUDGET,
    "budget_override": Area.BUDGET,
    "fiscal_year_reopen": Area.BUDGET,
    "procurement_application": Area.PROCUREMENT,
    "procurement_method_change": Area.PROCUREMENT,
    "contract": Area.CONTRACT,
    "contract_amendment": Area.CONTRACT,
    "voucher": Area.ACCOUNTING,
}

_EVERY_AREA = frozenset(Area)
# Roles that read a whole area, whatever the unit (read-only: reading grants no action).
READS_ALL: dict[str, frozenset[Area]] = {
    "principal": _EVERY_AREA,
    "inspector": _EVERY_AREA,
    "auditor": _EVERY_AREA,
    "finance_reviewer": frozenset({Area.BUDGET, Area.PAYMENT, Area.ACCOUNTING}),
    # 会计: the books, the spending documents they record and the budget lines they reconcile with.
    "accountant": frozenset({Area.BUDGET, Area.PAYMENT, Area.ACCOUNTING}),
    "cashier": frozenset({Area.BUDGET, Area.PAYMENT, Area.ACCOUNTING}),  # 出纳 pays what any unit requested
}


def area_of(document_type: str) -> Area:
    return DOCUMENT_AREAS.get(document_type, Area.OTHER)


@dataclass(frozen=True)
class Scope:
    """What one reader may read in one area: everything, or the documents of `units`, plus (for a named reader)
    the documents they initiated and those on their desk. A scope without a reader (no identity) reads nothing."""

    reader: str | None
    everything: bool = False
    units: frozenset[str] = frozenset()

    def admits_unit(self, unit: str | None) -> bool:
        return self.everything or (unit is not None and unit in self.units)

    def admits(
        self, unit: str | None, *, initiator: str | None = None, on_desk: Callable[[], bool] | bool = False
    ) -> bool:
        """One document of `unit`, initiated by `initiator`; `on_desk` is asked last (it may cost a query)."""
        if self.reader is None:
            return False
        if self.admits_unit(unit) or (initiator is not None and initiator == self.reader):
            return True
        return bool(on_desk() if callable(on_desk) else on_desk)

    def units_within(self, asked: str | None) -> frozenset[str] | None:
        """A report's unit filter, narrowed to this scope: None means every unit (only for `everything`); an
        empty set means none at all (a unit outside the scope reads like a unit with no data)."""
        if asked is not None:
            return frozenset({asked}) if self.admits_unit(asked) else frozenset()
        return None if self.everything else self.units


NOBODY = Scope(reader=None)


def _area(name: Area | str) -> Area:
    """An area, by its name or by a document type's."""
    try:
        return Area(name)
    except ValueError:
        return area_of(name)


def scope_of(viewer: Viewer | None, area: Area | str) -> Scope:
    """The reader's scope in one area (an area name, or a document type's area via `area_of`)."""
    if viewer is None:
        return NOBODY
    area = _area(area)
    if any(area in READS_ALL.get(role, ()) for role in viewer.roles):
        return Scope(viewer.username, everything=True)
    units = set(viewer.units_led)
    if viewer.unit:
        units.add(viewer.unit)
    return Scope(viewer.username, units=frozenset(units))


def visible(
    viewer: Viewer | None,
    area: Area | str,
    unit: str | None,
    *,
    initiator: str | None = None,
    on_desk: Callable[[], bool] | bool = False,
) -> bool:
    """May this viewer read one document of `area` (or of this document type) belonging to `unit`?"""
    return scope_of(viewer, area).admits(unit, initiator=initiator, on_desk=on_desk)
