"""Sourcing use cases (采购实施): the intention published, market research concluded, a tender with its bids,
evaluation and award, or a direct award (single source). Each loads the application within the caller's data
scope (404 otherwise), lets the domain decide, stores the result and publishes the recorded events, in one
transaction; the creating ones answer a repeated Idempotency-Key with their first answer."""

from __future__ import annotations

import uuid
from typing import Any

from ic_platform import scope
from ic_platform.context import CallContext
from ic_platform.documents import is_document_id
from ic_platform.errors import NotFound, not_found
from ic_platform.money import money_str
from ic_platform.scope import Area
from services.procurement.domain import award as awards
from services.procurement.domain import intention, market_research
from services.procurement.domain import tender as tenders
from services.procurement.domain.application import ProcurementApplication
from services.procurement.domain.award import Award
from services.procurement.domain.errors import refused
from services.procurement.domain.events import wire
from services.procurement.domain.kinds import METHOD_LABELS
from services.procurement.domain.supplier import Supplier
from services.procurement.service_layer import commands
from services.procurement.service_layer.common import (
    award_extra,
    check_runs,
    load_application,
    once,
    publish,
    today,
)
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork
from services.procurement.service_layer.views import view


def _view(app: ProcurementApplication) -> dict[str, Any]:
    return view(app)


def award_view(award: Award, app: ProcurementApplication | None = None) -> dict[str, Any]:
    body = {
        "id": award.id,
        "application": award.application.as_dict(),
        "unit": award.unit,
        "supplier_id": award.supplier_id,
        "supplier_name": award.supplier_name,
        "credit_code": award.credit_code,
        "amount": money_str(award.amount),
        "budget_amount": money_str(award.budget_amount),
        "method": award.method.value,
        "method_label": METHOD_LABELS[award.method],
        "category": award.category,
        "decided_on": award.decided_on.isoformat(),
        "notice_date": award.notice_date.isoformat(),
        "tender_id": award.tender_id,
        "justification": award.justification,
        "flags": wire(list(award.flags)),
    }
    return {**body, **award_extra(app)} if app is not None else body


def _supplier(uow: ProcurementUnitOfWork, ctx: CallContext, supplier_id: str) -> Supplier:
    found = uow.suppliers.get(ctx.org, supplier_id) if is_document_id(supplier_id) else None
    if found is None:
        raise refused("supplier_unregistered", f"供应商 {supplier_id}", supplier_id=supplier_id)
    return found


def publish_intention(cmd: commands.PublishIntention, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict:
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "公开采购意向")
            intention.publish(app, str(uuid.uuid4()), cmd.published_on, cmd.where, cmd.expected_start)
            uow.applications.save(app)
            publish(uow, ctx, app.events)
            return _view(app)

        result = once(uow, ctx, "procurement.publish_intention", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def conclude_market_research(
    cmd: commands.ConcludeMarketResearch, uow: ProcurementUnitOfWork, ctx: CallContext
) -> dict[str, Any]:
    """三家比价: the quotes kept as evidence, the chosen one becomes the award."""
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "进行市场调查")
            quotes = [
                market_research.Quote(q.supplier_id, q.amount, q.quoted_on, tuple(q.evidence)) for q in cmd.quotes
            ]
            ids = [q.supplier_id for q in quotes if is_document_id(q.supplier_id)]
            found = uow.suppliers.get_many(ctx.org, ids)
            award = market_research.conclude(
                app,
                str(uuid.uuid4()),
                quotes,
                found,
                cmd.chosen_supplier_id,
                cmd.decided_on,
                cmd.notice_date,
                uow.policy.load(ctx.org, today()),
                cmd.justification,
            )
            return _awarded(uow, ctx, app, award, quotes=quotes)

        result = once(uow, ctx, "procurement.market_research", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def _awarded(
    uow: ProcurementUnitOfWork, ctx: CallContext, app: ProcurementApplication, award: Award, quotes: list | None = None
) -> dict[str, Any]:
    uow.applications.save(app)
    if quotes:
        uow.applications.add_quotes(app.id, quotes, award.supplier_id)
    uow.awards.add(ctx.org, award)
    publish(uow, ctx, app.events, app)
    return award_view(award, app)


def award_directly(cmd: commands.AwardDirectly, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Single source (after its negotiation) or an order under a framework agreement."""
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "确定供应商")
            award = awards.decide_directly(
                app,
                str(uuid.uuid4()),
                _supplier(uow, ctx, cmd.supplier_id),
                cmd.amount,
                cmd.decided_on,
                cmd.notice_date,
                cmd.justification,
            )
            return _awarded(uow, ctx, app, award)

        result = once(uow, ctx, "procurement.award_directly", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


# ── tenders ──
def publish_tender(cmd: commands.PublishTender, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        app = load_application(uow, ctx, cmd.application_id, for_update=True)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "发布采购公告")
            tender, flags = tenders.publish(
                app,
                str(uuid.uuid4()),
                cmd.published_at,
                cmd.submission_deadline,
                uow.policy.load(ctx.org, today()),
                cmd.evaluation_method,
            )
            uow.applications.save(app)
            uow.tenders.add(ctx.org, app.id, tender, flags)
            publish(uow, ctx, app.events)
            publish(uow, ctx, tender.events)
            return {**_tender_view(app.id, tender), "flags": wire(flags)}

        result = once(uow, ctx, "procurement.publish_tender", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def _tender_view(app_id: str, tender: tenders.Tender) -> dict[str, Any]:
    from services.procurement.adapters.repository import tender_view

    return tender_view(app_id, tender)


def _tender(
    uow: ProcurementUnitOfWork, ctx: CallContext, tender_id: str
) -> tuple[ProcurementApplication, tenders.Tender]:
    """The tender and its application (locked, in that order everywhere), within the caller's scope."""
    found = uow.tenders.get(tender_id) if is_document_id(tender_id) else None
    if found is None:
        raise not_found("tender", tender_id, "采购项目")
    try:
        app = load_application(uow, ctx, found[0], for_update=True)
    except NotFound:  # the tender of an application the caller may not read does not exist for them either
        raise not_found("tender", tender_id, "采购项目") from None
    return app, uow.tenders.get(tender_id, for_update=True)[1]


def receive_bid(cmd: commands.ReceiveBid, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        app, tender = _tender(uow, ctx, cmd.tender_id)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "登记投标")
            bid = tender.receive_bid(
                app, str(uuid.uuid4()), _supplier(uow, ctx, cmd.supplier_id), cmd.amount, cmd.received_at
            )
            uow.tenders.save(tender)
            publish(uow, ctx, tender.events)
            view = _tender_view(app.id, tender)
            return {**next(b for b in view["bids"] if b["id"] == bid.id), "tender": view}

        result = once(uow, ctx, "procurement.receive_bid", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def disqualify_bid(cmd: commands.DisqualifyBid, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        app, tender = _tender(uow, ctx, cmd.tender_id)
        check_runs(app, ctx, "认定投标无效")
        tender.disqualify(app, cmd.bid_id, cmd.reason)
        uow.tenders.save(tender)
        publish(uow, ctx, tender.events)
        uow.commit()
    return _tender_view(app.id, tender)


def evaluate_tender(cmd: commands.EvaluateTender, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Rank the valid bids, or fail the tender (流标) when too few."""
    with uow:
        app, tender = _tender(uow, ctx, cmd.tender_id)
        check_runs(app, ctx, "组织评审")
        tender.evaluate(app, cmd.evaluated_at, uow.policy.load(ctx.org, today()), cmd.scores)
        uow.tenders.save(tender)
        publish(uow, ctx, tender.events)
        uow.commit()
    return _tender_view(app.id, tender)


def award_tender(cmd: commands.AwardTender, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        app, tender = _tender(uow, ctx, cmd.tender_id)

        def make() -> dict[str, Any]:
            check_runs(app, ctx, "确定中标（成交）供应商")
            bid = tender.bid(cmd.bid_id) if is_document_id(cmd.bid_id) else None
            if bid is None:
                raise refused("bid_unknown", f"投标 {cmd.bid_id}", bid_id=cmd.bid_id)
            award = tender.award(
                app,
                str(uuid.uuid4()),
                bid.id,
                _supplier(uow, ctx, bid.supplier_id),
                cmd.decided_on,
                cmd.notice_date,
                cmd.justification,
            )
            uow.tenders.save(tender)
            publish(uow, ctx, tender.events)
            return _awarded(uow, ctx, app, award)

        result = once(uow, ctx, "procurement.award_tender", cmd.model_dump(mode="json"), make)
        uow.commit()
    return result


def get_award(award_id: str, uow: ProcurementUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """The award as the contract service checks a contract against it (supplier, amount, the money's holder)."""
    with uow:
        found = uow.awards.get(award_id) if is_document_id(award_id) else None
        if found is None or found[0] != ctx.org:
            raise not_found("award", award_id, "中标（成交）结果")
        award = found[1]
        app = uow.applications.get(award.application.id)
        # A service asking for itself (no viewer) reads it; a person reads it within their data scope.
        if ctx.viewer is not None and not scope.visible(
            ctx.viewer, Area.PROCUREMENT, app.unit, initiator=app.applicant
        ):
            raise not_found("award", award_id, "中标（成交）结果")
        return award_view(award, app)
