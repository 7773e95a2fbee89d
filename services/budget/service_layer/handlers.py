"""Budget use cases. Each takes a command, a unit of work and the caller's context."""

from __future__ import annotations

import functools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ic_platform.config import settings
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.money import money_str
from ic_platform.paging import page_window, paged
from ic_platform.retry import retry_transaction
from services.budget.domain.adjustments import BUDGET_DOCUMENT_TYPES
from services.budget.domain.errors import (
    exceeds_document_balance,
    insufficient_funds,
    line_not_found,
    line_of_other_unit,
    step_reused,
)
from services.budget.domain.lines import ChangeKind, class_setting, snapshot
from services.budget.domain.model import (
    BudgetLine,
    ControlMode,
    DocumentRef,
    Held,
    Move,
    MoveKind,
    Settlement,
    consumption_rate,
    crossed_levels,
    parse_warning_levels,
    settle,
)
from services.budget.service_layer import carried, commands, overrides, scoping, three_public
from services.budget.service_layer.history import record_change
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


def line_view(line: BudgetLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "fiscal_year": line.fiscal_year,
        "unit": line.unit,
        "functional_class": line.functional_class,
        "functional_class_name": line.functional_class_name,
        "economic_class": line.economic_class,
        "economic_class_name": line.economic_class_name,
        "project": line.project,
        "expenditure_kind": line.expenditure_kind,
        "fund_source": line.fund_source,
        "source_kind": line.source_kind,
        "control_mode": line.control_mode.value,
        "amount": money_str(line.amount),
        "pre_committed": money_str(line.pre_committed),
        "committed": money_str(line.committed),
        "actual": money_str(line.actual),
        "available": money_str(line.available),
        "execution_rate": str(line.execution_rate),
        "closed": line.closed,
        "parent_id": line.parent_id,
        "tolerance": money_str(line.tolerance),
        "tolerance_rate": None if line.tolerance_rate is None else str(line.tolerance_rate),
        "overrun_allowance": money_str(line.overrun_allowance),
        "carried_from": line.carried_from,
    }


def new_line(cmd: commands.CreateLine, ctx: CallContext, uow: BudgetUnitOfWork) -> BudgetLine:
    """A line as the command says; a line naming no control mode takes its economic class's setting for the
    year (控制方式 by class), or block."""
    data = cmd.model_dump(exclude={"reason"})
    line = BudgetLine(org=ctx.org, **{**data, "control_mode": ControlMode(data["control_mode"] or "block")})
    if cmd.control_mode is None:
        policy = class_setting(uow.register.policies(ctx.org, cmd.fiscal_year), cmd.economic_class)
        if policy is not None:
            line = replace(
                line, control_mode=policy.mode, tolerance=policy.tolerance, tolerance_rate=policy.tolerance_rate
            )
    return line


def create_line(cmd: commands.CreateLine, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        line = new_line(cmd, ctx, uow)
        created = uow.lines.add(line)
        if created:
            record_change(
                uow,
                line,
                ChangeKind.CREATED,
                ctx.actor,
                cmd.reason or "新建",
                None,
                snapshot(line),
                correlation_id=ctx.correlation_id,
            )
        uow.commit()
    return {"created": created, "line": line_view(line)}


def get_line(line_id: str, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """One line, if the caller's data scope reads its unit; otherwise 404, as if it did not exist."""
    with uow:
        line = uow.lines.get(line_id)
    if line is None or not scoping.line_readable(ctx, line.org, line.unit):
        raise line_not_found(line_id)
    return line_view(line)


def list_lines(cmd: commands.ListLines, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        total, lines = uow.lines.page(
            org=ctx.org,
            fiscal_year=cmd.fiscal_year,
            units=scoping.units(ctx, cmd.unit),
            q=cmd.q,
            limit=limit,
            offset=offset,
        )
    return paged([line_view(x) for x in lines], total, cmd.page, limit)


def check_funds(cmd: commands.CheckFunds, uow: BudgetUnitOfWork) -> dict[str, Any]:
    with uow:
        line = uow.lines.get(cmd.budget_line_id)
        if line is None:
            raise line_not_found(cmd.budget_line_id)
        covered = Decimal("0.00")
        if cmd.from_document is not None:
            held = Held.from_sums(uow.moves.held(line.id, _doc(cmd.from_document)))
            covered = settle(MoveKind.ACTUAL, cmd.amount, held).covered
        decision = line.decide(cmd.amount, covered=covered)
        if not decision.allowed and cmd.override_id:  # 超预算审批, previewed: service_layer/overrides.py
            decision = overrides.preview(
                uow, line, decision, _doc(cmd.document) if cmd.document else None, cmd.override_id
            )
    return {**decision.as_dict(), "fiscal_year": line.fiscal_year, "economic_class": line.economic_class}


# ── the commitment ledger ──
# Every move locks its line's row first (so moves on one line queue up and each sees the balance the previous
# one left), records itself (the unique (line, document, step) key doubles as the replay check: one statement,
# not two) and only then decides; a refusal rolls the whole transaction back, the recorded move with it.
# Use cases that take several lines lock them in id order, so two of them never deadlock each other.
# Transient serialization failures and deadlocks re-run the whole use case (ic_platform.retry).


@retry_transaction
def reserve(cmd: commands.Reserve, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Pre-commit (预占) money for a document, e.g. a submitted matter application."""
    return _consume(
        uow,
        ctx,
        MoveKind.PRE_COMMIT,
        cmd.budget_line_id,
        cmd.amount,
        _doc(cmd.document),
        cmd.step,
        unit=cmd.unit,
        override_id=cmd.override_id,
    )


@retry_transaction
def commit(cmd: commands.Commit, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Commit (合同占用) money for a document, e.g. a signed contract; with `from_document`, the source's
    pre-commitment on the line is released into it first (see model.settle)."""
    return _consume(
        uow,
        ctx,
        MoveKind.COMMIT,
        cmd.budget_line_id,
        cmd.amount,
        _doc(cmd.document),
        cmd.step,
        source=_doc(cmd.from_document) if cmd.from_document else None,
        unit=cmd.unit,
        release_rest=cmd.release_rest,
    )


@retry_transaction
def actual(cmd: commands.Actual, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Record money paid (实际支出); with `from_document`, the commitment (then pre-commitment) the payment
    settles is relieved into it first."""
    return _consume(
        uow,
        ctx,
        MoveKind.ACTUAL,
        cmd.budget_line_id,
        cmd.amount,
        _doc(cmd.document),
        cmd.step,
        source=_doc(cmd.from_document) if cmd.from_document else None,
        unit=cmd.unit,
    )


@retry_transaction
def relieve(cmd: commands.Relieve, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Give back part or all of a document's commitment (a contract reduced or terminated)."""
    return _give_back(
        uow, ctx, MoveKind.RELIEVE, cmd.budget_line_id, cmd.amount, _doc(cmd.document), cmd.step, cmd.reason
    )


@retry_transaction
def reverse(cmd: commands.Reverse, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Undo part or all of a document's actual (a payment returned); the money goes back to available."""
    return _give_back(
        uow, ctx, MoveKind.REVERSAL, cmd.budget_line_id, cmd.amount, _doc(cmd.document), cmd.step, cmd.reason
    )


@retry_transaction
def release_document(cmd: commands.ReleaseDocument, uow: BudgetUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Release whatever a document still holds pre-committed, on every line. Idempotent on the step: a
    document that reserves again after a release names a new step to release that too."""
    document = _doc(cmd.document)
    with uow:
        released = _release_open_pre_commitments(uow, ctx, document, cmd.reason, cmd.step)
        uow.commit()
    return {"released": [money_str(a) for a in released]}


def on_approval_completed(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """An approved document keeps its pre-commitment, marked approved; a rejected one gives it back."""
    ctx = CallContext.from_envelope(event)
    document = DocumentRef(**event.payload["document"])
    if document.type in BUDGET_DOCUMENT_TYPES:
        return  # the budget's own documents: service_layer/control_events.py (registered in bus.py)
    if event.payload["outcome"] == "approved":
        for line, held in _locked_holdings(uow, document):
            if held.pre_committed > 0 and _move(
                uow, ctx, line, document, "approved", MoveKind.PRE_COMMIT_APPROVED, held.pre_committed
            ):
                uow.publish(
                    ctx.event(
                        "budget.pre_commitment_approved",
                        {
                            "budget_line_id": line.id,
                            "document": document.as_dict(),
                            "amount": money_str(held.pre_committed),
                        },
                        subject=document.subject,
                    )
                )
    else:
        _release_open_pre_commitments(uow, ctx, document, event.payload.get("reason") or "审批未通过")


def on_approval_withdrawn(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """A spending document withdrawn from approval (撤回) holds nothing meanwhile: one reservation's worth is
    released on each line, under a step named by the round, so a redelivery does nothing. One reservation, not
    everything held: a resubmission may already have reserved again for the next round (its owner does not
    wait for this event), and that reservation must stay."""
    document = DocumentRef(**event.payload["document"])
    if document.type in BUDGET_DOCUMENT_TYPES:
        return  # the budget's own documents: service_layer/control_events.py (registered in bus.py)
    ctx = CallContext.from_envelope(event)
    step = f"withdrawn:{event.payload['round']}"
    reason = event.payload.get("reason") or "申请人撤回"
    moves = uow.moves.for_document(document)
    for line, held in _locked_holdings(uow, document):
        reserved = [m.amount for m in moves if m.budget_line_id == line.id and m.kind is MoveKind.PRE_COMMIT]
        amount = min(held.pre_committed, reserved[0] if reserved else Decimal(0))
        if amount > 0 and _move(uow, ctx, line, document, step, MoveKind.RELEASE, amount):
            _publish_give_back(uow, ctx, MoveKind.RELEASE, line, document, amount, reason)


def on_spending_ended(event: Envelope, uow: BudgetUnitOfWork) -> None:
    """A matter application cancelled (作废) or closed (结项): whatever it still holds pre-committed, on every
    line, goes back to available (for a closed one, the unspent remainder)."""
    ctx = CallContext.from_envelope(event)
    document = DocumentRef(**event.payload["document"])
    step = "cancelled" if event.type.endswith("_cancelled") else "closed"
    reason = f"{'作废' if step == 'cancelled' else '结项'}：{event.payload['reason']}"
    _release_open_pre_commitments(uow, ctx, document, reason, step)


def _doc(document: commands.Document) -> DocumentRef:
    return DocumentRef(**document.model_dump())


def _locked_line(uow: BudgetUnitOfWork, line_id: str, unit: str | None = None) -> BudgetLine:
    line = uow.lines.get(line_id, for_update=True)
    if line is None:
        raise line_not_found(line_id)
    if unit and line.unit != unit:
        raise line_of_other_unit(line.id, unit)
    return line


def _locked_holdings(uow: BudgetUnitOfWork, document: DocumentRef) -> list[tuple[BudgetLine, Held]]:
    """Each line the document has moves on, locked in id order, with what the document holds on it."""
    out = []
    for line_id in uow.moves.lines_of(document):
        line = _locked_line(uow, line_id)
        out.append((line, Held.from_sums(uow.moves.held(line.id, document))))
    return out


def _consume(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    kind: MoveKind,
    line_id: str,
    amount: Decimal,
    document: DocumentRef,
    step: str,
    *,
    source: DocumentRef | None = None,
    unit: str | None = None,
    override_id: str | None = None,
    release_rest: str | None = None,
) -> dict[str, Any]:
    with uow:
        caps = three_public.lock_caps(uow, line_id)  # 三公经费 caps before the line: one lock order
        line = _locked_line(uow, line_id, unit)
        line = carried.redirect(uow, line, document, source)  # 结转: service_layer/carried.py
        consumed_before = line.consumed
        if not uow.moves.add(Move(line.id, document, step, kind, amount, ctx.actor), ctx.correlation_id):
            return _replayed(uow, line, document, step, kind)
        # The source's moves, read once under the line's lock: what it holds here decides the settlement and,
        # with the moves recorded below, what it still holds for the rest released; no statement reads them
        # again. This line's balances are written once, after every move on it (`recorded`), not per move:
        # the line's lock is what every other move on the line waits for.
        source_moves = uow.moves.for_document(source) if source is not None else []
        recorded: list[Move] = [Move(line.id, document, step, kind, amount)]
        settlement = Settlement()
        if source is not None:
            settlement = settle(kind, amount, _held_in(source_moves, line.id))
        decision = line.decide(amount, covered=settlement.covered)
        if not decision.allowed and override_id:  # 超预算审批: service_layer/overrides.py
            decision = overrides.apply(uow, ctx, line, decision, document, step, override_id)
        if not decision.allowed:
            raise insufficient_funds(decision, document, line.fiscal_year)
        three_public.check_caps(uow, caps, amount - settlement.covered)
        taken = f"{document.no or document.id}"
        if settlement.relieved:
            relieve_step = _source_step(MoveKind.RELIEVE, document, step)
            _move(uow, ctx, line, source, relieve_step, MoveKind.RELIEVE, settlement.relieved, recorded)
            _publish_give_back(
                uow, ctx, MoveKind.RELIEVE, line, source, settlement.relieved, f"由 {taken} 实际支出核销"
            )
        if settlement.released:
            release_step = _source_step(MoveKind.RELEASE, document, step)
            _move(uow, ctx, line, source, release_step, MoveKind.RELEASE, settlement.released, recorded)
            _publish_give_back(
                uow,
                ctx,
                MoveKind.RELEASE,
                line,
                source,
                settlement.released,
                f"转入 {taken} 的{'承诺' if kind is MoveKind.COMMIT else '实际支出'}",
            )
        line.apply(kind, amount)
        payload = {
            "budget_line_id": line.id,
            "document": document.as_dict(),
            "amount": money_str(amount),
            "available": money_str(line.available),
        }
        if kind is MoveKind.COMMIT:
            payload["released"] = money_str(settlement.released)
        elif kind is MoveKind.ACTUAL:
            payload.update(relieved=money_str(settlement.relieved), released=money_str(settlement.released))
        if source is not None:
            payload["from_document"] = source.as_dict()
        uow.publish(ctx.event(CONSUMED_EVENT[kind], payload, subject=document.subject))
        _warn_on_thresholds(uow, ctx, line, consumed_before)
        rest = []
        if release_rest and source is not None:
            rest_step = _source_step(MoveKind.RELEASE, document, f"{step}-rest")
            rest = _release_rest(uow, ctx, line, source, source_moves, recorded, release_rest, rest_step)
        _write_balances(uow, line, recorded)
        uow.commit()
    return {
        "released_rest": [money_str(a) for a in rest],
        **decision.as_dict(),
        "available_after": money_str(line.available),
        "replayed": False,
        # The spending's category: the submitting service passes it on to approval (三重一大 by category).
        "economic_class": line.economic_class,
        "relieved_from_source": money_str(settlement.relieved),
        "released_from_source": money_str(settlement.released),
    }


def _held_in(moves: list[Move], line_id: str) -> Held:
    """What a document holds on a line, from its moves there."""
    sums: dict[MoveKind, Decimal] = {}
    for m in moves:
        if m.budget_line_id == line_id:
            sums[m.kind] = sums.get(m.kind, Decimal("0.00")) + m.amount
    return Held.from_sums(sums)


def _write_balances(uow: BudgetUnitOfWork, line: BudgetLine, recorded: list[Move]) -> None:
    """The line's balances and its month row after every move recorded on it: one write each."""
    uow.lines.save_balances(line)
    uow.months.add_moves(line.id, [(m.kind, m.amount) for m in recorded])


def _release_rest(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    line: BudgetLine,
    source: DocumentRef,
    source_moves: list[Move],
    recorded: list[Move],
    reason: str,
    step: str,
) -> list[Decimal]:
    """`_release_open_pre_commitments` of the source, after a move took its share on `line` (locked, the
    source's moves read under its lock, the moves since in `recorded`). The source's other lines, if any, are
    locked and read in id order, as there."""
    moves = source_moves + [m for m in recorded if (m.document.type, m.document.id) == (source.type, source.id)]
    if any(m.step == step for m in moves):
        return []  # this document's step was done before: a replay, even if it holds money again now
    released = []
    for line_id in sorted({m.budget_line_id for m in moves}):
        if line_id == line.id:
            held = _held_in(moves, line.id)
            if held.pre_committed > 0 and _move(
                uow, ctx, line, source, step, MoveKind.RELEASE, held.pre_committed, recorded
            ):
                released.append(held.pre_committed)
                _publish_give_back(uow, ctx, MoveKind.RELEASE, line, source, held.pre_committed, reason)
            continue
        other = _locked_line(uow, line_id)
        held = Held.from_sums(uow.moves.held(other.id, source))
        if held.pre_committed > 0 and _move(uow, ctx, other, source, step, MoveKind.RELEASE, held.pre_committed):
            released.append(held.pre_committed)
            _publish_give_back(uow, ctx, MoveKind.RELEASE, other, source, held.pre_committed, reason)
    return released


def _give_back(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    kind: MoveKind,
    line_id: str,
    amount: Decimal,
    document: DocumentRef,
    step: str,
    reason: str,
) -> dict[str, Any]:
    with uow:
        line = _locked_line(uow, line_id)
        held = Held.from_sums(uow.moves.held(line.id, document))  # before this move is recorded
        if not uow.moves.add(Move(line.id, document, step, kind, amount, ctx.actor), ctx.correlation_id):
            return _replayed(uow, line, document, step, kind)
        holding = {
            MoveKind.RELEASE: held.pre_committed,
            MoveKind.RELIEVE: held.committed,
            MoveKind.REVERSAL: held.paid,
        }[kind]
        if amount > holding:
            raise exceeds_document_balance(kind, line.id, document, amount, holding)
        _apply(uow, line, kind, amount)
        _publish_give_back(uow, ctx, kind, line, document, amount, reason)
        uow.commit()
    return {
        "allowed": True,
        "budget_line_id": line.id,
        "document": document.as_dict(),
        "amount": money_str(amount),
        "held_before": money_str(holding),
        "available_after": money_str(line.available),
        "replayed": False,
    }


CONSUMED_EVENT = {
    MoveKind.PRE_COMMIT: "budget.pre_committed",
    MoveKind.COMMIT: "budget.committed",
    MoveKind.ACTUAL: "budget.actualized",
}
GIVEN_BACK_EVENT = {
    MoveKind.RELEASE: "budget.released",
    MoveKind.RELIEVE: "budget.relieved",
    MoveKind.REVERSAL: "budget.reversed",
}


def _publish_give_back(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    kind: MoveKind,
    line: BudgetLine,
    document: DocumentRef,
    amount: Decimal,
    reason: str,
) -> None:
    uow.publish(
        ctx.event(
            GIVEN_BACK_EVENT[kind],
            {
                "budget_line_id": line.id,
                "document": document.as_dict(),
                "amount": money_str(amount),
                "available": money_str(line.available),
                "reason": reason,
            },
            subject=document.subject,
        )
    )


def _source_step(kind: MoveKind, document: DocumentRef, step: str) -> str:
    """The step under which a move takes over a source document's money: named after the move that took it,
    so it is recorded once with that move and never collides with the source's own steps."""
    return f"{kind.value}:{document.type}/{document.id}/{step}"


def _release_open_pre_commitments(
    uow: BudgetUnitOfWork, ctx: CallContext, document: DocumentRef, reason: str, step: str = "release"
) -> list:
    released = []
    holdings = _locked_holdings(uow, document)
    if any(m.step == step for m in uow.moves.for_document(document)):
        return released  # this document's step was done before: a replay, even if it holds money again now
    for line, held in holdings:
        if held.pre_committed > 0 and _move(uow, ctx, line, document, step, MoveKind.RELEASE, held.pre_committed):
            released.append(held.pre_committed)
            _publish_give_back(uow, ctx, MoveKind.RELEASE, line, document, held.pre_committed, reason)
    return released


def _move(
    uow: BudgetUnitOfWork,
    ctx: CallContext,
    line: BudgetLine,
    document: DocumentRef,
    step: str,
    kind: MoveKind,
    amount: Decimal,
    recorded: list[Move] | None = None,
) -> bool:
    """Record one ledger move and apply it to the line's balances; False if the step was done before. With
    `recorded` (a use case making several moves on one locked line), the balances change in memory and the move
    joins `recorded`, for `_write_balances` to write once after the last."""
    move = Move(line.id, document, step, kind, amount, ctx.actor)
    if not uow.moves.add(move, ctx.correlation_id):
        return False
    if recorded is None:
        _apply(uow, line, kind, amount)
    else:
        line.apply(kind, amount)
        recorded.append(move)
    return True


def _apply(uow: BudgetUnitOfWork, line: BudgetLine, kind: MoveKind, amount: Decimal) -> None:
    """The one place a recorded move changes balances: the line's stages and the line's month row (the
    execution report's projection), in the move's own transaction."""
    line.apply(kind, amount)
    uow.lines.save_balances(line)
    uow.months.add(line.id, kind, amount)


def _warn_on_thresholds(uow: BudgetUnitOfWork, ctx: CallContext, line: BudgetLine, consumed_before: Decimal) -> None:
    """Early warning (预警): one event per configured level that this move's consumption crossed upward."""
    for level in crossed_levels(line.amount, consumed_before, line.consumed, warning_levels()):
        uow.publish(
            ctx.event(
                "budget.threshold_crossed",
                {
                    "budget_line_id": line.id,
                    "level": level,
                    "consumed": money_str(line.consumed),
                    "amount": money_str(line.amount),
                    "rate": str(consumption_rate(line.consumed, line.amount)),
                },
                subject=f"budget_line/{line.id}",
            )
        )


def warning_levels() -> tuple[int, ...]:
    return _parsed_levels(settings().budget_warning_levels)


@functools.cache
def _parsed_levels(text: str | None) -> tuple[int, ...]:
    return parse_warning_levels(text)


def _replayed(
    uow: BudgetUnitOfWork, line: BudgetLine, document: DocumentRef, step: str, kind: MoveKind
) -> dict[str, Any]:
    """The answer to a step asked again: what was recorded, and the balance now. The same step may not be
    reused for a different kind of move."""
    move = uow.moves.find(line.id, document, step)
    if move.kind is not kind:
        raise step_reused(line.id, document, step, move.kind, kind)
    return {
        "allowed": True,
        "budget_line_id": line.id,
        "requested": money_str(move.amount),
        "available": money_str(line.available),
        "covered": "0.00",
        "rule": "already_recorded",
        "warning": None,
        "available_after": money_str(line.available),
        "replayed": True,
        "released_rest": [],  # released with the move the first time, if asked: nothing more now
        "economic_class": line.economic_class,
    }
