"""三公经费 caps: set a cap, the annual report, and the guard every consuming move on a tagged line passes.

The guard is two calls from the ledger's `_consume`: `lock_caps` before the line row is locked (every move of
a category queues on its cap rows first, then on its line: one lock order, so no deadlock between lines of a
category), and `check_caps` once the move's own decision allows it. Consumption is summed after the cap lock
is held, in READ COMMITTED, so it includes every earlier move of the category that committed; moves that give
money back do not take the cap lock, and one still uncommitted only makes the sum too high, never too low."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ic_platform.context import CallContext
from ic_platform.errors import Conflict
from ic_platform.money import money_str
from services.budget.domain import three_public as rules
from services.budget.domain.three_public import ORG_WIDE, Cap, CapDecision, Category
from services.budget.service_layer import scoping
from services.budget.service_layer.standards_commands import SetThreePublicCap, ThreePublicReport
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

# Whether a line is in a 三公 category, by (database, line id): a line's economic class never changes, so
# moves on the other lines (nearly all of them) cost no extra statement after the first.
_TAGGED: dict[tuple[str, str], bool] = {}
_TAGGED_MAX = 100_000


def lock_caps(uow: BudgetUnitOfWork, line_id: str) -> list[Cap]:
    repo = uow.caps
    key = (str(uow.engine.url), line_id)
    tagged = _TAGGED.get(key)
    if tagged is None:
        economic_class = repo.economic_class(line_id)
        if economic_class is None:
            return []  # an unknown line: the ledger refuses it next
        tagged = rules.category_of(economic_class) is not None
        if len(_TAGGED) >= _TAGGED_MAX:
            _TAGGED.clear()
        _TAGGED[key] = tagged
    return repo.lock_caps_of_line(line_id) if tagged else []


def check_caps(uow: BudgetUnitOfWork, caps: list[Cap], asked: Decimal) -> None:
    """Refuse (409) when the new consumption would take a category past any cap it counts against."""
    if not caps or asked <= 0:
        return
    repo = uow.caps
    for cap in caps:
        decision = CapDecision(cap, repo.consumed(cap.org, cap.fiscal_year, cap.category, cap.unit), asked)
        if not decision.allowed:
            raise Conflict("three_public_cap_exceeded", decision.message, decision.as_dict())


def set_cap(cmd: SetThreePublicCap, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Set (or change) a year's cap. A cap below what is already consumed is accepted: it stops new
    consumption, and the report shows the overrun."""
    cap = Cap(
        org=ctx.org,
        fiscal_year=cmd.fiscal_year,
        category=Category(cmd.category),
        unit=cmd.unit or ORG_WIDE,
        amount=cmd.amount.quantize(Decimal("0.01")),
    )
    with uow:
        repo = uow.caps
        repo.put(cap, ctx.actor)
        consumed = repo.consumed(cap.org, cap.fiscal_year, cap.category, cap.unit)
        uow.commit()
    return {"fiscal_year": cap.fiscal_year, "unit": cmd.unit, **rules.report_row(cap.category, cap.amount, consumed)}


def three_public_report(cmd: ThreePublicReport, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Per category: the cap, the consumption (pre-committed + committed + actual over its lines), what is
    left and the rate; a category without a cap shows its consumption only."""
    reader = scoping.of(ctx)
    asked = cmd.unit
    if asked is None and not reader.everything:
        # The office-wide figures are for those who read every unit; anyone else gets their own unit's.
        asked = ctx.viewer.unit if ctx.viewer else None
    if (asked is None and not reader.everything) or (asked is not None and not reader.admits_unit(asked)):
        caps, consumed = {}, dict.fromkeys(Category, Decimal("0.00"))  # as for a unit with no data
    else:
        with uow:
            repo = uow.caps
            caps = repo.caps(ctx.org, cmd.fiscal_year, asked or ORG_WIDE)
            consumed = repo.consumed_by_category(ctx.org, cmd.fiscal_year, asked or ORG_WIDE)
    items = [rules.report_row(c, caps[c].amount if c in caps else None, consumed[c]) for c in Category]
    total_cap = sum((caps[c].amount for c in caps), Decimal("0.00"))
    total_consumed = sum(consumed.values(), Decimal("0.00"))
    return {
        "fiscal_year": cmd.fiscal_year,
        "unit": asked,
        "items": items,
        "totals": {
            "cap": money_str(total_cap),
            "consumed": money_str(total_consumed),
            "rate": rules.rate(total_consumed, total_cap) if len(caps) == len(Category) else None,
        },
    }
