"""The data-scope rule (ic_platform.scope) as approval applies it to a document's route, trail and tasks: the
route's unit and initiator, and the desks (approval's own tasks and delegations, see adapters/queries.py)."""

from __future__ import annotations

from ic_platform import scope
from ic_platform.context import CallContext
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork


def readable(
    uow: ApprovalUnitOfWork, ctx: CallContext, document_type: str, document_id: str, unit: str, initiator: str
) -> bool:
    viewer = ctx.viewer
    return scope.visible(
        viewer,
        scope.area_of(document_type),
        unit,
        initiator=initiator,
        on_desk=lambda: viewer is not None and uow.queries.on_desk(viewer.username, document_type, document_id),
    )
