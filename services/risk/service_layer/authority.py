"""越权审批 as a use case (domain/authority.py): judged when an approval is granted (`approval.completed`, which
names each approving decision in its capacity), with the authority table in force on that day; a major matter
not decided at a meeting in this round asks its project (关联查询) for an earlier collective decision. One event,
one parameter row and at most one indexed probe of the project: nothing else is read."""

from __future__ import annotations

from datetime import datetime

from ic_platform.envelope import Envelope
from ic_platform.money import parse_money
from services.risk.domain.authority import (
    Approval,
    AuthorityTable,
    approver_above_authority,
    needs_collective_decision,
)
from services.risk.domain.project import NodeKey, node_type
from services.risk.domain.rules import Rule
from services.risk.service_layer import rule_book
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from services.risk.service_layer.warnings import _document, _raise


def on_approval_completed(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    if p.get("outcome") != "approved" or "approvals" not in p or "amount" not in p:
        return  # rejected; or told before approval named who approved (not judged)
    document = _document(p["document"])
    amount, major = parse_money(p["amount"]), bool(p.get("major_matter"))
    approvals = tuple(Approval.of(a) for a in p["approvals"])
    at = datetime.fromisoformat(event.occurred_at)
    table = AuthorityTable.of(rule_book.parameters_in_force(uow, event.org, Rule.APPROVER_ABOVE_AUTHORITY, at))
    project_decision = None
    if needs_collective_decision(amount, major, approvals, table):
        project_decision = uow.projects.collective_decision(event.org, NodeKey(node_type(document.type), document.id))
    draft = approver_above_authority(
        document,
        amount,
        approvals,
        table,
        major_matter=major,
        major_reasons=p.get("major_reasons") or (),
        project_decision=project_decision,
    )
    _raise(uow, event, draft)


EVENT_HANDLERS = {"approval.completed": [on_approval_completed]}
