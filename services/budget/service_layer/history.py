"""Line history (变更记录): the one way to record a change to a budget line, and reading it back.

Other budget features call `record_change` in the transaction of their change, e.g. an adjustment:
    record_change(uow, line, ChangeKind.AMOUNT_ADJUSTED, ctx.actor, cmd.reason, before, snapshot(line),
                  document=DocumentRef("budget_adjustment", adj.id, adj.no))
`before`/`after` are JSON values (use `domain.lines.snapshot(line)`); a kind not in `ChangeKind` is allowed
(a lower-case code), and needs no migration. Anything but a creation needs a reason."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef
from ic_platform.paging import page_window, paged
from services.budget.domain.errors import line_not_found
from services.budget.domain.lines import ChangeKind, change_kind_name, checked_change
from services.budget.domain.model import BudgetLine
from services.budget.service_layer import scoping
from services.budget.service_layer.line_commands import LineHistory
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


def record_change(
    uow: BudgetUnitOfWork,
    line: BudgetLine,
    kind: ChangeKind | str,
    actor: str | None,
    reason: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    document: DocumentRef | None = None,
    correlation_id: str | None = None,
) -> int:
    """Append one change record for `line` in the current transaction; its id. The time is the database's
    (UTC), so records of one transaction share it and the id orders them."""
    code, text = checked_change(kind, reason)
    return uow.changes.add(line.id, code, actor, text, before, after, document, correlation_id)


def line_history(cmd: LineHistory, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A line's change records, newest first, paged."""
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        line = uow.lines.get(cmd.budget_line_id)
        if line is None or not scoping.line_readable(ctx, line.org, line.unit):
            raise line_not_found(cmd.budget_line_id)
        total, rows = uow.changes.page(line.id, limit=limit, offset=offset)
    items = [
        {
            "id": r.id,
            "kind": r.kind,
            "kind_name": change_kind_name(r.kind),
            "actor": r.actor,
            "at": r.at.astimezone(UTC).isoformat(),
            "reason": r.reason,
            "before": r.before,
            "after": r.after,
            "document": DocumentRef(r.document_type, r.document_id, r.document_no).as_dict()
            if r.document_type
            else None,
        }
        for r in rows
    ]
    return {**paged(items, total, cmd.page, limit), "budget_line_id": line.id}
