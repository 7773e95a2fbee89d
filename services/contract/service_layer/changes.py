"""Amendments (变更/补充协议) and termination (解除/终止) of signed contracts, and the budget moves they owe.

An amendment is checked (10 % of the original amount for all supplementary increases, 政府采购法 第49条) and
sent to approval; approval's decision applies it (handlers.on_approval_completed). The budget move an
approved amendment owes (commit an increase, relieve a decrease) cannot be made inside the event handler, so
the amendment is marked `pending` in the same transaction and `settle_amendment_budgets` (a timer) makes the
move, idempotent on the amendment's step, and marks it done. Termination relieves the commitment beyond the
settlement in the request itself, before it is recorded (the budget's relieve is idempotent on the step)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from ic_platform.context import CallContext
from ic_platform.documents import is_document_id
from ic_platform.errors import DomainError
from ic_platform.money import money_str
from services.contract.domain import amendments as amending
from services.contract.domain.amendments import TerminationKind
from services.contract.domain.contract import AwardFacts
from services.contract.domain.errors import invalid
from services.contract.service_layer import commands
from services.contract.service_layer.handlers import (
    POLICY,
    Budget,
    _readable_contract,
    document_id,
    milestones_in,
    today,
    view,
)
from services.contract.service_layer.publishing import publish_events
from services.contract.service_layer.unit_of_work import ContractUnitOfWork

AMEND_SCOPE = "propose_amendment"
ZERO = Decimal("0.00")


def amendment_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "document": {"type": amending.DOCUMENT_TYPE, "id": str(row["id"]), "no": row["no"]},
        "id": str(row["id"]),
        "no": row["no"],
        "contract_id": str(row["contract_id"]),
        "proposer": row["proposer"],
        "reason": row["reason"],
        "requested_on": row["requested_on"].isoformat(),
        "previous_amount": money_str(row["previous_amount"]),
        "amount": money_str(row["amount"]),
        "delta": money_str(row["amount"] - row["previous_amount"]),
        "end_date": row["end_date"].isoformat(),
        "scope": row["scope"],
        "status": row["status"],
        "decided_on": row["decided_on"].isoformat() if row["decided_on"] else None,
        "budget_state": row["budget_state"],
    }


def propose_amendment(cmd: commands.ProposeAmendment, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Propose a change of amount, term or scope to a signed contract; it applies once approved."""
    request = cmd.model_dump(mode="json")
    key = f"{ctx.actor}:{ctx.idempotency_key}" if ctx.idempotency_key else None
    with uow:
        if key and (stored := uow.recall(AMEND_SCOPE, key, request)) is not None:
            return stored
        c = _readable_contract(cmd.contract_id, uow, ctx, for_update=True)
        c.check_drafter(ctx.actor, "提出合同变更")
        new_award = _new_award(uow, ctx, cmd.new_award_id) if cmd.new_award_id else None
        amendment = amending.propose(
            c,
            document_id(ctx, ctx.idempotency_key and f"amend:{ctx.idempotency_key}"),
            uow.contracts.next_amendment_no(today().year),
            cmd.reason,
            today(),
            POLICY,
            paid=_owed(uow, c.id),  # paid and reserved in the payment ledger
            amount=cmd.amount,
            end_date=cmd.end_date,
            scope=cmd.scope,
            milestones=milestones_in(cmd.milestones) if cmd.milestones else None,
            new_award=new_award,
            new_award_taken_by=uow.contracts.holding_basis(new_award) if new_award else None,
        )
        uow.contracts.add_amendment(amendment, ctx.actor or "")
        publish_events(uow, ctx, c, amendment)
        result = next(amendment_view(r) for r in uow.contracts.amendment_rows(c.id) if str(r["id"]) == amendment.id)
        if key:
            uow.remember(AMEND_SCOPE, key, request, result)
        uow.commit()
    return result


def _new_award(uow: ContractUnitOfWork, ctx: CallContext, award_id: str) -> AwardFacts:
    """The award heard from procurement that an increase beyond the 10 % stands on (422 naming the field if
    never heard, or another org's)."""
    found = uow.contracts.awards.get(ctx.org, award_id) if is_document_id(award_id) else None
    if found is None:
        raise invalid("contract_basis_missing", "new_award_id", f"未收到中标（成交）结果 {award_id}")
    return found[0]


def list_amendments(cmd: commands.ContractId, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        rows = uow.contracts.amendment_rows(c.id)
    return {"items": [amendment_view(r) for r in rows], "total": len(rows), "page": 1, "page_size": len(rows)}


def terminate_contract(
    cmd: commands.TerminateContract, uow: ContractUnitOfWork, ctx: CallContext, budget: Budget
) -> dict[str, Any]:
    """解除/终止: the commitment beyond the settlement (by default what was paid) goes back to the line."""
    kind = TerminationKind(cmd.kind)
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        paid = _owed(uow, c.id)
    c.check_drafter(ctx.actor, "解除（终止）合同")
    relieve = amending.terminate(copy.deepcopy(c), kind, cmd.terminated_on, cmd.reason, paid, cmd.settlement_amount)
    if relieve > 0:
        budget.relieve(
            budget_line_id=c.basis.budget_line_id,
            amount=money_str(relieve),
            document=c.document.as_dict(),
            step="terminate",
            reason=f"合同 {c.no} 解除（终止），解除剩余占用",
        )
    with uow:
        c = uow.contracts.get(c.id, for_update=True)
        paid = _owed(uow, c.id)  # again under the lock the payment ledger takes
        amending.terminate(c, kind, cmd.terminated_on, cmd.reason, paid, cmd.settlement_amount)
        uow.contracts.save(c)
        publish_events(uow, ctx, c)
        uow.commit()
    return view(c)


def _owed(uow: ContractUnitOfWork, contract_id: str) -> Decimal:
    """Paid, and reserved by payment requests still in approval (the payment ledger): the settlement covers both."""
    rows = uow.acceptances.payments(contract_id)
    return sum((r["amount"] for r in rows if r["status"] in ("paid", "reserved")), ZERO)


def _taken_over(row: dict[str, Any]) -> dict[str, Any]:
    """An increase a new procurement covers is committed from that procurement's pre-commitment, the rest of it
    released, as a signing does; otherwise the line's available money is committed (within the 10 %)."""
    if not row.get("cover_holder"):
        return {}
    return {"from_document": row["cover_holder"], "release_rest": f"合同变更 {row['no']} 已生效，释放新采购预占差额"}


def settle_amendment_budgets(uow: ContractUnitOfWork, budget: Budget) -> int:
    """Make the budget moves approved amendments owe; a refusal (no money left) is kept on the amendment."""
    with uow:
        owing = [str(r["id"]) for r in uow.contracts.amendments_owing_budget()]
    done = 0
    for amendment_id in owing:
        with uow:
            rows = uow.contracts.amendments_owing_budget(limit=1, only=amendment_id)
            if not rows:
                continue  # another replica has it, or it is done
            row = rows[0]
            delta = row["amount"] - row["previous_amount"]
            document = {"type": "contract", "id": str(row["contract_id"]), "no": row["contract_no"]}
            line = row["budget_line_id"]
            try:
                if delta > 0:
                    budget.commit(
                        budget_line_id=line,
                        amount=money_str(delta),
                        document=document,
                        step=f"amend-{row['no']}",
                        unit=row["unit"],
                        **_taken_over(row),
                    )
                else:
                    budget.relieve(
                        budget_line_id=line,
                        amount=money_str(-delta),
                        document=document,
                        step=f"amend-{row['no']}",
                        reason=f"合同变更 {row['no']} 减少金额",
                    )
                uow.contracts.set_budget_state(amendment_id, "done")
                done += 1
            except DomainError as refusal:
                uow.contracts.set_budget_state(amendment_id, "failed", refusal.message)
            uow.commit()
    return done
