"""The data-scope rule (ic_platform.scope) as the budget service applies it: budget lines and their reports by
unit; adjustments, overrides and reopen requests like any document (unit, initiator, desk)."""

from __future__ import annotations

from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.scope import Area, Scope
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


def of(ctx: CallContext) -> Scope:
    return scope.scope_of(ctx.viewer, Area.BUDGET)


def line_readable(ctx: CallContext, org: str, unit: str) -> bool:
    return org == ctx.org and of(ctx).admits_unit(unit)


def units(ctx: CallContext, asked: str | None) -> frozenset[str] | None:
    """A list's or report's units: None for every unit, else the asked one (or the reader's) within scope."""
    return of(ctx).units_within(asked)


def document_readable(
    uow: BudgetUnitOfWork, ctx: CallContext, document_type: str, document_id: str, unit: str, initiator: str
) -> bool:
    return of(ctx).admits(
        unit, initiator=initiator, on_desk=lambda: uow.desk.holds(ctx.viewer, document_type, document_id)
    )
