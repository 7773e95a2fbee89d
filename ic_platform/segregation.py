"""A segregation-of-duties refusal, published after the fact (catalogue/control_events.py).

The refused request's transaction is rolled back with everything it wrote, so the refusal itself is stored in a
unit of work of its own, after the worker: one outbox row, `<service>.segregation_refused`. Recording it must
never change the caller's answer, so a failure here is logged, not raised."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ic_platform.catalogue import control_events
from ic_platform.context import CallContext
from ic_platform.errors import DomainError, sod_rule
from ic_platform.uow import UnitOfWork

log = logging.getLogger(__name__)


def refusal_payload(method: str, ctx: CallContext, exc: DomainError) -> dict[str, Any]:
    details = exc.details if isinstance(exc.details, dict) else {}
    pair = details.get("rule")
    payload: dict[str, Any] = {
        "person": ctx.actor or details.get("actor") or "unknown",
        "unit": ctx.viewer.unit if ctx.viewer else None,
        "rule": f"{sod_rule(exc)}:{pair}" if pair else sod_rule(exc),
        "code": exc.code,
        "entrypoint": method,
        "message": exc.message,
    }
    document = details.get("document")
    if isinstance(document, dict) and document.get("type") and document.get("id"):
        payload["document"] = {k: document[k] for k in ("type", "id", "no") if document.get(k)}
    return payload


def record_refusal(
    new_uow: Callable[[], UnitOfWork], service: str, method: str, context_data: dict[str, Any], exc: DomainError
) -> None:
    if service not in control_events.SOD_PRODUCERS:
        log.warning("%s refused on segregation of duties but publishes no %s", service, "segregation_refused")
        return
    try:
        ctx = CallContext.from_context_data(context_data)
        with new_uow() as uow:
            uow.publish(ctx.event(control_events.event_type(service), refusal_payload(method, ctx, exc)))
            uow.commit()
    except Exception:  # noqa: BLE001 - the refusal was answered already; its record is best effort, and logged
        log.exception("could not record the segregation-of-duties refusal of %s.%s", service, method)
