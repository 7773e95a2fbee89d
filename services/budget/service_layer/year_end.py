"""Final accounts, year close and reopening (决算、结账与结转、重新开放).

Closing a year, in one transaction under the year's state row lock and every line's row lock (id order):
every line of the year is marked closed (no consuming move is accepted on it any more: `fiscal_year_closed`);
for each line on which documents still hold money (pre-committed or committed), the next year gets a line
with the same keys, `source_kind` carried_forward, amount = that open money, `carried_from` the old line;
each document's holding moves there under the same document: released/relieved on the old line and
pre-committed/committed on the new one, under the step `carry_forward:<year>:<n>` (n: the how-many-th close
of the year, so closing again after a reopen carries again). Later moves of those documents that still name
the old line land on the new one (service_layer/carried.py).

Reopening is a `fiscal_year_reopen` document approved by the principal. When approved the year's lines accept
postings again. What was carried forward stays carried: the next year's lines and the documents' money on
them are not moved back (payments may already have been made there); the old lines keep only what was not
carried. Closing again carries whatever is open then."""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal
from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Conflict, Forbidden, not_found
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.retry import retry_transaction
from services.budget.adapters import year_end_excel
from services.budget.domain import year_end as ye
from services.budget.domain.model import ZERO, MoveKind
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer import handlers as ledger
from services.budget.service_layer import scoping
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


# ── final accounts (决算) ──
def _final_rows(uow: BudgetUnitOfWork, ctx: CallContext, fiscal_year: int, unit: str | None) -> list[dict]:
    """The year's lines the reader's data scope reads (narrowed to `unit` when asked)."""
    units = scoping.units(ctx, unit)
    lines = [x for x in uow.years.lines(ctx.org, fiscal_year) if units is None or x.unit in units]
    return [
        {
            "budget_line_id": x.id,
            "unit": x.unit,
            "functional_class": x.functional_class,
            "economic_class": x.economic_class,
            "economic_class_name": x.economic_class_name,
            "project": x.project,
            "expenditure_kind": x.expenditure_kind,
            "source_kind": x.source_kind,
            "closed": x.closed,
            "amount": x.amount,
            "actual": x.actual,
        }
        for x in lines
        if not unit or x.unit == unit
    ]


def final_accounts(cmd: cc.FinalAccounts, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Per line: amount, actual, variance (amount − actual), execution rate (actual / amount); totals by unit
    and over all. Read from the line rows (O(lines))."""
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        rows = _final_rows(uow, ctx, cmd.fiscal_year, cmd.unit)
        state = uow.years.state(ctx.org, cmd.fiscal_year)
    return {
        **paged([ye.final_row(r) for r in rows[offset : offset + limit]], len(rows), cmd.page, limit),
        "fiscal_year": cmd.fiscal_year,
        "unit": cmd.unit,
        "by_unit": ye.by_unit(rows),
        "totals": ye.totals(rows),
        "year_status": (state or {}).get("status", "open"),
    }


def final_accounts_xlsx(cmd: cc.FinalAccounts, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        rows = _final_rows(uow, ctx, cmd.fiscal_year, cmd.unit)
    content = year_end_excel.final_accounts_workbook(
        cmd.fiscal_year, [ye.final_row(r) for r in rows], ye.by_unit(rows), ye.totals(rows)
    )
    return {
        "filename": f"预算决算表-{cmd.fiscal_year}.xlsx",
        "rows": len(rows),
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def fiscal_year_status(cmd: cc.FiscalYearOf, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Whether the year is open or closed is the office's, not a unit's: everyone reads it. The close's summary
    (the whole office's figures) only those whose data scope reads every unit's budget."""
    with uow:
        state = uow.years.state(ctx.org, cmd.fiscal_year)
    view = _state_view(cmd.fiscal_year, state)
    if not scoping.of(ctx).everything:
        view["summary"] = None
    return view


# ── close (结账与结转) ──
@retry_transaction
def close_year(cmd: cc.CloseYear, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        years = uow.years
        state = years.lock_state(ctx.org, cmd.fiscal_year)
        if state["status"] == ye.YearStatus.CLOSED:
            raise ye.already_closed(cmd.fiscal_year)
        # The lines' locks first, then the count: a submission that held one of them has committed by now and
        # is counted; one that comes after finds its lines closed.
        lines = years.lines(ctx.org, cmd.fiscal_year, for_update=True)
        if pending := uow.adjustments.open_count(ctx.org, cmd.fiscal_year):
            raise Conflict(
                "fiscal_year_has_open_adjustments",
                f"{cmd.fiscal_year} 年度还有 {pending} 张预算调整单在审批中或已退回未处理，请先处理再结账",
                {"fiscal_year": cmd.fiscal_year, "open_adjustments": pending},
            )
        if not lines:
            raise Conflict(
                "fiscal_year_has_no_lines",
                f"{cmd.fiscal_year} 年度没有预算指标，无需结账",
                {"fiscal_year": cmd.fiscal_year},
            )
        closes = state["closes"] + 1
        step = f"carry_forward:{cmd.fiscal_year}:{closes}"
        carried_lines, carried_documents, carried_total = 0, 0, ZERO
        for line in lines:
            holdings = years.holdings(line.id)
            if not holdings:
                continue
            total = sum((h.open for h in holdings), ZERO)
            successor = _successor(uow, line, total)
            for h in holdings:
                _carry(uow, ctx, line, successor, h, step)
            carried_lines, carried_documents = carried_lines + 1, carried_documents + len(holdings)
            carried_total += total
        closed = years.set_closed(ctx.org, cmd.fiscal_year, True)
        summary = {
            "fiscal_year": cmd.fiscal_year,
            "lines_closed": closed,
            "lines_carried_forward": carried_lines,
            "documents_carried_forward": carried_documents,
            "carried_forward_total": money_str(carried_total),
            "amount_total": money_str(sum((x.amount for x in lines), ZERO)),
            "actual_total": money_str(sum((x.actual for x in lines), ZERO)),
            "reason": cmd.reason,
            "closed_by": ctx.actor or "",
        }
        years.save_state(
            ctx.org,
            cmd.fiscal_year,
            status=ye.YearStatus.CLOSED.value,
            closes=closes,
            reason=cmd.reason,
            closed_by=ctx.actor,
            closed_at=uow.clock.now(),
            summary=summary,
        )
        uow.publish(ctx.event("budget.year_closed", summary, subject=f"fiscal_year/{cmd.fiscal_year}"))
        uow.commit()
    return summary


def _successor(uow: BudgetUnitOfWork, line: Any, total: Decimal) -> Any:
    """Next year's line for `line`'s open money: created, or (closing again after a reopen) topped up."""
    years = uow.years
    successor = years.successor(line.id, for_update=True)
    if successor is not None:
        years.add_amount(successor.id, total)
        successor.amount += total
        return successor
    successor = ye.carried_line(line, total)
    if not uow.lines.add(successor):
        raise Conflict(
            "carried_forward_line_taken",
            f"结转指标编码 {successor.id} 已被占用，无法结转预算指标 {line.id}",
            {"budget_line_id": line.id, "carried_forward_line_id": successor.id},
        )
    return uow.lines.get(successor.id, for_update=True)


def _carry(uow: BudgetUnitOfWork, ctx: CallContext, old: Any, new: Any, h: ye.Holding, step: str) -> None:
    """One document's open money moves from the old line to the new, under the same document."""
    reason = f"{old.fiscal_year} 年度结账，结转至 {new.id}"
    if h.pre_committed > 0:
        ledger._move(uow, ctx, old, h.document, step, MoveKind.RELEASE, h.pre_committed)
        ledger._publish_give_back(uow, ctx, MoveKind.RELEASE, old, h.document, h.pre_committed, reason)
        ledger._move(uow, ctx, new, h.document, step, MoveKind.PRE_COMMIT, h.pre_committed)
        uow.publish(
            ctx.event(
                "budget.pre_committed",
                {
                    "budget_line_id": new.id,
                    "document": h.document.as_dict(),
                    "amount": money_str(h.pre_committed),
                    "available": money_str(new.available),
                },
                subject=h.document.subject,
            )
        )
    if h.committed > 0:
        ledger._move(uow, ctx, old, h.document, step, MoveKind.RELIEVE, h.committed)
        ledger._publish_give_back(uow, ctx, MoveKind.RELIEVE, old, h.document, h.committed, reason)
        ledger._move(uow, ctx, new, h.document, step, MoveKind.COMMIT, h.committed)
        uow.publish(
            ctx.event(
                "budget.committed",
                {
                    "budget_line_id": new.id,
                    "document": h.document.as_dict(),
                    "amount": money_str(h.committed),
                    "available": money_str(new.available),
                    "released": "0.00",
                },
                subject=h.document.subject,
            )
        )


# ── reopen (重新开放): a document through approval ──
REOPEN_SCOPE = "request_reopen"


def request_reopen(cmd: cc.RequestReopen, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    if not ctx.actor:
        raise Forbidden("actor_required", "需要登录用户才能申请重新开放年度")
    request, key = cmd.model_dump(mode="json"), ctx.scoped_key
    with uow:
        if key and (stored := uow.recall(REOPEN_SCOPE, key, request)) is not None:
            return stored
        years = uow.years
        state = years.lock_state(ctx.org, cmd.fiscal_year)
        if state["status"] != ye.YearStatus.CLOSED:
            raise ye.not_closed(cmd.fiscal_year)
        reopen_id = str(uuid.uuid4())
        doc = years.add_reopen(
            {
                "id": reopen_id,
                "no": years.next_reopen_no(cmd.fiscal_year),
                "org": ctx.org,
                "fiscal_year": cmd.fiscal_year,
                "reason": cmd.reason,
                "initiator": ctx.actor,
                "unit": cmd.unit,
                "status": ye.ReopenStatus.SUBMITTED.value,
            }
        )
        document = _reopen_document(doc)
        # What is at stake, as the amount approval shows (and must be > 0): the year's budget, as closed.
        at_stake = (state.get("summary") or {}).get("amount_total", "0.01")
        uow.publish(
            ctx.event(
                "budget.year_reopen_requested",
                {
                    "document": document,
                    "unit": cmd.unit,
                    "applicant": ctx.actor,
                    "amount": at_stake,
                    "title": f"重新开放 {cmd.fiscal_year} 年度预算",
                    "fiscal_year": cmd.fiscal_year,
                    "reason": cmd.reason,
                    **ctx.client(),
                },
                subject=f"{ye.REOPEN_DOCUMENT_TYPE}/{reopen_id}",
            )
        )
        result = _reopen_view(doc)
        if key:
            uow.remember(REOPEN_SCOPE, key, request, result)
        uow.commit()
    return result


def get_reopen(reopen_id: str, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        doc = _get_reopen(uow, reopen_id)
        readable = (
            doc is not None
            and doc["org"] == ctx.org
            and scoping.document_readable(uow, ctx, "fiscal_year_reopen", str(doc["id"]), doc["unit"], doc["initiator"])
        )
    if not readable:
        raise not_found("fiscal_year_reopen", reopen_id, "年度重新开放申请")
    return _reopen_view(doc)


def on_reopen_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    years = uow.years
    doc = _reopen_of(event, uow)
    if doc["status"] != ye.ReopenStatus.SUBMITTED:
        return  # decided before
    ctx = CallContext.from_envelope(event)
    if event.payload["outcome"] != "approved":
        years.save_reopen(str(doc["id"]), ye.ReopenStatus.REJECTED.value, event.payload.get("reason"))
        return
    fiscal_year = doc["fiscal_year"]
    state = years.lock_state(doc["org"], fiscal_year)
    reopened = 0
    if state["status"] == ye.YearStatus.CLOSED:
        years.lines(doc["org"], fiscal_year, for_update=True)  # the lines' locks, in id order, as every move
        reopened = years.set_closed(doc["org"], fiscal_year, False)
        years.save_state(doc["org"], fiscal_year, status=ye.YearStatus.OPEN.value, reopened_at=uow.clock.now())
    years.save_reopen(str(doc["id"]), ye.ReopenStatus.APPROVED.value, None)
    uow.publish(
        ctx.event(
            "budget.year_reopened",
            {"document": _reopen_document(doc), "fiscal_year": fiscal_year, "lines_reopened": reopened},
            subject=f"fiscal_year/{fiscal_year}",
        )
    )


def on_reopen_returned(event: Envelope, uow: BudgetUnitOfWork) -> None:
    doc = _reopen_of(event, uow)
    if doc["status"] == ye.ReopenStatus.SUBMITTED:
        uow.years.save_reopen(str(doc["id"]), ye.ReopenStatus.RETURNED.value, event.payload.get("reason"))


def on_reopen_withdrawn(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """Taken back by its initiator (撤回): it holds nothing, and a new request says it better than a resubmission."""
    doc = _reopen_of(event, uow)
    if doc["status"] in (ye.ReopenStatus.SUBMITTED, ye.ReopenStatus.RETURNED):
        reason = event.payload.get("reason") or "申请人已撤回"
        uow.years.save_reopen(str(doc["id"]), ye.ReopenStatus.WITHDRAWN.value, reason)


def _reopen_of(event: Envelope, uow: BudgetUnitOfWork) -> dict[str, Any]:
    doc = _get_reopen(uow, event.payload["document"]["id"], for_update=True)
    if doc is None:
        raise LookupError(f"fiscal year reopen {event.payload['document']['id']} not found")
    return doc


def _get_reopen(uow: BudgetUnitOfWork, reopen_id: str, for_update: bool = False) -> dict[str, Any] | None:
    try:
        uuid.UUID(reopen_id)
    except ValueError:
        return None
    return uow.years.get_reopen(reopen_id, for_update=for_update)


def _reopen_document(doc: dict[str, Any]) -> dict[str, str]:
    return {"type": ye.REOPEN_DOCUMENT_TYPE, "id": str(doc["id"]), "no": doc["no"]}


def _reopen_view(doc: dict[str, Any]) -> dict[str, Any]:
    status = ye.ReopenStatus(doc["status"])
    return {
        "id": str(doc["id"]),
        "no": doc["no"],
        "fiscal_year": doc["fiscal_year"],
        "reason": doc["reason"],
        "initiator": doc["initiator"],
        "unit": doc["unit"],
        "status": status.value,
        "status_label": ye.REOPEN_STATUS_LABELS[status],
        "status_reason": doc["status_reason"],
        "document": _reopen_document(doc),
    }


def _state_view(fiscal_year: int, state: dict[str, Any] | None) -> dict[str, Any]:
    state = state or {}
    return {
        "fiscal_year": fiscal_year,
        "status": state.get("status", "open"),
        "closes": state.get("closes", 0),
        "reason": state.get("reason"),
        "closed_by": state.get("closed_by"),
        "closed_at": state["closed_at"].isoformat() if state.get("closed_at") else None,
        "reopened_at": state["reopened_at"].isoformat() if state.get("reopened_at") else None,
        "summary": state.get("summary"),
    }
