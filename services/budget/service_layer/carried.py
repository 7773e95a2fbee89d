"""The hook that lets postings against carried-forward documents land on next year's line (结转).

When a year closes, what a document still held on a line moves to the line's successor (`carried_from`).
A later commit or payment for that document (or settling it, as `from_document`) still names the old line,
which is closed; here it is sent to the successor instead, provided the document holds money there. Anything
else on a closed line stays refused (`fiscal_year_closed`). Does not import the ledger's handlers."""

from __future__ import annotations

from services.budget.domain.model import BudgetLine, DocumentRef, Held
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


def redirect(uow: BudgetUnitOfWork, line: BudgetLine, document: DocumentRef, source: DocumentRef | None) -> BudgetLine:
    """`line` itself, or its successor (locked; its id sorts after the old one's) when `line` is closed and
    the document the move settles holds open money on the successor."""
    if not line.closed:
        return line
    successor = uow.years.successor(line.id, for_update=True)
    if successor is None:
        return line
    for holder in ([source] if source is not None else []) + [document]:
        held = Held.from_sums(uow.moves.held(successor.id, holder))
        if held.pre_committed > 0 or held.committed > 0:
            return successor
    return line
