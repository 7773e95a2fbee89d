"""Progress certificates (进度确认) of contracts paid by progress (按进度).

A certificate is checked by the domain (`domain/progress.py`: a signed contract, a percentage that never goes
down, a date between the signing (or the previous certificate) and today, the certifier not the drafter by the
conflict matrix) and stored with `contract.progress_certified` in one transaction, under the contract row's
lock: two certificates of one contract queue on it, so the second sees the first. The milestones it reaches are
met from its day (`contract_milestone.met_on`), and the payment gate (`acceptances.reserve_payment`) counts the
certificates when it computes the contract's execution, so an on_progress milestone is payable only once
certified."""

from __future__ import annotations

import uuid
from typing import Any

from ic_platform.context import CallContext
from ic_platform.documents import derived_id
from ic_platform.errors import Forbidden
from ic_platform.money import money_str
from services.contract.domain import progress as progressing
from services.contract.service_layer import commands
from services.contract.service_layer.handlers import _readable_contract, today
from services.contract.service_layer.unit_of_work import ContractUnitOfWork

CERTIFY_SCOPE = "certify_progress"
# Ids derived from (certifier, idempotency key): a retried request finds the certificate it recorded before.
_ID_NAMESPACE = uuid.UUID("5d2e8c47-3b1f-4e6a-9c0d-7f4a2b8e1c63")


def certify_progress(cmd: commands.CertifyProgress, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Record a progress certificate: the certifier is the caller, never the contract's drafter."""
    if ctx.actor is None:
        raise Forbidden("forbidden", "无权确认履行进度")
    request = cmd.model_dump(mode="json")
    key = ctx.scoped_key
    with uow:
        if key and (stored := uow.recall(CERTIFY_SCOPE, key, request)) is not None:
            return stored
        c = _readable_contract(cmd.contract_id, uow, ctx, for_update=True)
        certificate = progressing.certify(
            c,
            derived_id(_ID_NAMESPACE, key),
            percent=cmd.percent,
            certified_on=cmd.certified_on,
            certifier=ctx.actor,
            remarks=cmd.remarks,
            earlier=uow.progress.of(c.id),
            today=today(),
        )
        uow.progress.add(certificate)
        uow.progress.mark_met(c)
        met = [m for m in c.milestones if m.no in certificate.milestones_met]
        uow.publish(
            ctx.event(
                "contract.progress_certified",
                {
                    "certificate_id": certificate.id,
                    "contract_id": c.id,
                    "contract_no": c.no,
                    "unit": c.unit,
                    "percent": progressing.percent_str(certificate.percent),
                    "previous_percent": (
                        progressing.percent_str(certificate.previous_percent)
                        if certificate.previous_percent is not None
                        else None
                    ),
                    "certified_on": certificate.certified_on.isoformat(),
                    "certifier": certificate.certifier,
                    "remarks": certificate.remarks,
                    "milestones_met": [{"no": m.no, "name": m.name, "amount": money_str(m.amount)} for m in met],
                    "supplier_id": c.supplier.id,
                    "budget_line_id": c.basis.budget_line_id,
                },
                subject=c.document.subject,
            )
        )
        result = {**certificate.as_dict(), "contract": c.document.as_dict()}
        if key:
            uow.remember(CERTIFY_SCOPE, key, request, result)
        uow.commit()
    return result


def list_progress_certificates(cmd: commands.ContractId, uow: ContractUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """A contract's certificates, the earliest first, and the progress in force (the latest's percentage)."""
    with uow:
        c = _readable_contract(cmd.contract_id, uow, ctx)
        certificates = uow.progress.of(c.id)
    current = progressing.latest(certificates)
    return {
        "contract": c.document.as_dict(),
        "items": [p.as_dict() for p in certificates],
        "total": len(certificates),
        "percent": progressing.percent_str(current.percent) if current else None,
    }
