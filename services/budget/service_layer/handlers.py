"""Budget use cases. Each takes a command, a unit of work and the caller's context."""

from __future__ import annotations

from typing import Any

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from services.budget.domain.errors import insufficient_funds, line_not_found, line_of_other_unit
from services.budget.domain.model import BudgetLine, ControlMode, DocumentRef, Move, MoveKind
from services.budget.service_layer import commands
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

PRODUCER = "budget"


def line_view(line: BudgetLine) -> dict[str, Any]:
    return {
        "id": line.id, "fiscal_year": line.fiscal_year, "unit": line.unit,
        "functional_class": line.functional_class, "functional_class_name": line.functional_class_name,
        "economic_class": line.economic_class, "economic_class_name": line.economic_class_name,
        "project": line.project, "expenditure_kind": line.expenditure_kind, "fund_source": line.fund_source,
        "source_kind": line.source_kind, "control_mode": line.control_mode.value,
        "amount": money_str(line.amount), "pre_committed": money_str(line.pre_committed),
        "committed": money_str(line.committed), "actual": money_str(line.actual),
        "available": money_str(line.available), "execution_rate": str(line.execution_rate),
        "closed": line.closed,
    }


def create_line(cmd: commands.CreateLine, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    data = cmd.model_dump()
    data["control_mode"] = ControlMode(data["control_mode"])
    line = BudgetLine(org=ctx.org, **data)
    with uow:
        created = uow.lines.add(line)
        uow.commit()
    return {"created": created, "line": line_view(line)}


def get_line(line_id: str, uow: BudgetUnitOfWork) -> dict[str, Any]:
    with uow:
        line = uow.lines.get(line_id)
    if line is None:
        raise line_not_found(line_id)
    return line_view(line)


def list_lines(cmd: commands.ListLines, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, lines = uow.lines.page(org=ctx.org, fiscal_year=cmd.fiscal_year, unit=cmd.unit, q=cmd.q,
                                      limit=limit, offset=offset)
    return paged([line_view(x) for x in lines], total, cmd.page, limit)


def check_funds(cmd: commands.CheckFunds, uow: BudgetUnitOfWork) -> dict[str, Any]:
    with uow:
        line = uow.lines.get(cmd.budget_line_id)
    if line is None:
        raise line_not_found(cmd.budget_line_id)
    return line.decide(cmd.amount).as_dict()


def reserve(cmd: commands.Reserve, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Pre-commit money for a document. The line's row lock makes concurrent reservations queue up, so
    each sees the balance the previous one left; asking again for the same document step changes nothing."""
    document = DocumentRef(**cmd.document.model_dump())
    with uow:
        line = uow.lines.get(cmd.budget_line_id, for_update=True)
        if line is None:
            raise line_not_found(cmd.budget_line_id)
        if cmd.unit and line.unit != cmd.unit:
            raise line_of_other_unit(line.id, cmd.unit)
        decision = line.decide(cmd.amount)
        # Recording the move first doubles as the replay check (one statement, not two); a refusal below
        # rolls it back with everything else.
        if not uow.moves.add(Move(line.id, document, cmd.step, MoveKind.PRE_COMMIT, cmd.amount, ctx.actor),
                             ctx.correlation_id):
            return {**_replayed(line, uow.moves.find(line.id, document, cmd.step)), "replayed": True}
        if not decision.allowed:
            raise insufficient_funds(decision)
        line.apply(MoveKind.PRE_COMMIT, cmd.amount)
        uow.lines.save_balances(line)
        uow.publish(ctx.event("budget.pre_committed", {
            "budget_line_id": line.id, "document": document.as_dict(), "amount": money_str(cmd.amount),
            "available": money_str(line.available)}, producer=PRODUCER, subject=document.subject))
        uow.commit()
    return {**decision.as_dict(), "available_after": money_str(line.available), "replayed": False}


def release_document(cmd: commands.ReleaseDocument, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    document = DocumentRef(**cmd.document.model_dump())
    with uow:
        released = _release_open_pre_commitments(uow, ctx, document, cmd.reason)
        uow.commit()
    return {"released": [money_str(a) for a in released]}


def on_approval_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """An approved document keeps its pre-commitment, marked approved; a rejected one gives it back."""
    ctx = CallContext.from_envelope(event)
    document = DocumentRef(**event.payload["document"])
    if event.payload["outcome"] == "approved":
        for move in _open_pre_commitments(uow, document):
            line = uow.lines.get(move.budget_line_id, for_update=True)
            if _move(uow, ctx, line, document, "approved", MoveKind.PRE_COMMIT_APPROVED, move.amount):
                uow.publish(ctx.event("budget.pre_commitment_approved", {
                    "budget_line_id": line.id, "document": document.as_dict(),
                    "amount": money_str(move.amount)}, producer=PRODUCER, subject=document.subject))
    else:
        _release_open_pre_commitments(uow, ctx, document, event.payload.get("reason") or "审批未通过")


def _open_pre_commitments(uow: BudgetUnitOfWork, document: DocumentRef) -> list[Move]:
    moves = uow.moves.for_document(document)
    released = {(m.budget_line_id) for m in moves if m.kind is MoveKind.RELEASE}
    return [m for m in moves if m.kind is MoveKind.PRE_COMMIT and m.budget_line_id not in released]


def _release_open_pre_commitments(uow: BudgetUnitOfWork, ctx: CallContext, document: DocumentRef,
                                  reason: str) -> list:
    released = []
    for move in _open_pre_commitments(uow, document):
        line = uow.lines.get(move.budget_line_id, for_update=True)
        if _move(uow, ctx, line, document, "release", MoveKind.RELEASE, move.amount):
            released.append(move.amount)
            uow.publish(ctx.event("budget.released", {
                "budget_line_id": line.id, "document": document.as_dict(), "amount": money_str(move.amount),
                "available": money_str(line.available), "reason": reason}, producer=PRODUCER,
                subject=document.subject))
    return released


def _move(uow: BudgetUnitOfWork, ctx: CallContext, line: BudgetLine, document: DocumentRef, step: str,
          kind: MoveKind, amount) -> bool:  # noqa: ANN001
    """Record one ledger move and apply it to the line's balances; False if the step was done before."""
    if not uow.moves.add(Move(line.id, document, step, kind, amount, ctx.actor), ctx.correlation_id):
        return False
    line.apply(kind, amount)
    uow.lines.save_balances(line)
    return True


def _replayed(line: BudgetLine, move: Move) -> dict[str, Any]:
    return {"allowed": True, "budget_line_id": line.id, "requested": money_str(move.amount),
            "available": money_str(line.available), "rule": "already_recorded", "warning": None,
            "available_after": money_str(line.available)}


EVENT_HANDLERS = {"approval.completed": [on_approval_completed]}
