"""The project projection on a real throwaway risk database (no broker): a whole chain's events build one
project, reachable from any of its documents; a clerk of another unit is not shown it; two projects on one
budget line stay apart; events heard in another order, and the replay command from the stored history, give
the same answer."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import NotFound
from ic_platform.identity import Viewer
from services.risk import replay
from services.risk.adapters.supervision_orm import risk_project_line, risk_project_link, risk_project_node
from services.risk.domain.project import NodeKey
from services.risk.service_layer import authority, handlers, project
from services.risk.service_layer.unit_of_work import RiskUnitOfWork
from tests.integration.support.databases import service_database
from tests.unit.risk.project_samples import ORG, ids, project_events

pytestmark = pytest.mark.integration
INSPECTOR = CallContext(org=ORG, actor="inspector", viewer=Viewer.of("inspector", "jjb", ["inspector"]))
CLERK = CallContext(org=ORG, actor="clerk", viewer=Viewer.of("clerk", "dzb", ["clerk"]))
OTHER_CLERK = CallContext(org=ORG, actor="clerk_czb", viewer=Viewer.of("clerk_czb", "czb", ["clerk"]))


@pytest.fixture(scope="module")
def engine():
    with service_database("risk", "ic_proj") as engine:
        yield engine


def hear(engine, events) -> None:  # noqa: ANN001
    """As the inbox does: the project handler and the dossier's filing, in one transaction per event."""
    for event in events:
        with RiskUnitOfWork(engine) as uow:
            project.on_project_event(event, uow)
            handlers.file_on_dossier(event, uow)
            uow.commit()


def view(engine, type_, id_, ctx=INSPECTOR):  # noqa: ANN001, ANN201
    query = project.ProjectQuery.parse({"document_type": type_, "document_id": id_})
    return project.project_by_document(query, RiskUnitOfWork(engine), ctx)


def clear(engine) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        for table in (risk_project_line, risk_project_link, risk_project_node):
            conn.execute(sa.delete(table))


def test_one_project_from_any_document_the_same_in_any_order_and_after_replay(engine):
    events = project_events("s1") + project_events("s2")
    hear(engine, events)
    i = ids("s1")
    seen = view(engine, "matter_application", i["application"])
    types = [d["type"] for d in seen["documents"]]
    assert types == [
        "matter_application",
        "procurement_application",
        "tender",
        "bid",
        "award",
        "contract",
        "contract_amendment",
        "acceptance",
        "expense_claim",
        "payment_request",
        "voucher",
        "attachment",
    ]
    assert seen["project"]["root"] == {"type": "matter_application", "id": i["application"]}
    assert seen["budget_lines"] == ["2026-DZB-30201-01"] and seen["project"]["hidden"] == 0
    assert all(d["id"].startswith("s1-") or d["type"] == "attachment" for d in seen["documents"]), "s2 apart"
    assert len(seen["links"]) == 13 and len(seen["timeline"]) == 14
    contract = next(d for d in seen["documents"] if d["type"] == "contract")
    assert contract["no"] == "HT-s1" and contract["amount"] == "86000.00" and contract["state"] == "contract.signed"
    [filed] = contract["attachments"]  # the file listed on the document it belongs to, read through its owner
    assert filed == {
        "sha256": "ab" * 32,
        "filename": "验收报告.pdf",
        "media_type": "application/pdf",
        "type_label": "PDF 文档",
        "size": 2048,
        "uploaded_by": "clerk",
        "uploaded_at": next(e["at"] for e in seen["timeline"] if e["type"] == "contract.attachment_added"),
        "href": f"/api/v1/attachments/contract/{i['contract']}/{'ab' * 32}",
    }
    assert [d["type"] for d in seen["documents"] if d["attachments"]] == ["contract"]
    for type_, key in (("contract", "contract"), ("voucher", "voucher"), ("payment_request", "payment")):
        assert view(engine, type_, i[key]) == {
            **seen,
            "project": {**seen["project"], "asked": {"type": type_, "id": i[key]}},
        }

    # The same events heard backwards build the same answer.
    clear(engine)
    hear_projection_only(engine, list(reversed(events)))
    assert view(engine, "matter_application", i["application"]) == seen

    # The replay command rebuilds it from the stored history (the dossier's entries).
    clear(engine)
    summary = replay.replay(engine)
    assert summary["events"] == len(events) and summary["projects"] == 2, json.dumps(summary)
    assert view(engine, "matter_application", i["application"]) == seen


def hear_projection_only(engine, events) -> None:  # noqa: ANN001
    for event in events:
        with RiskUnitOfWork(engine) as uow:
            project.on_project_event(event, uow)
            uow.commit()


def test_scoped_like_its_documents(engine):
    i = ids("s1")
    own = view(engine, "contract", i["contract"], CLERK)
    assert own["project"]["hidden"] == 0, "the clerk's own unit: every document"
    with pytest.raises(NotFound):
        view(engine, "contract", i["contract"], OTHER_CLERK)
    with pytest.raises(NotFound):
        view(engine, "contract", "no-such-contract", INSPECTOR)


def test_the_scorecards_tasks_are_rebuilt_by_the_replay_too(engine):
    from ic_platform.envelope import Envelope
    from services.risk.adapters.supervision_orm import risk_task
    from services.risk.service_layer import warnings_work

    document = {"type": "matter_application", "id": ids("s1")["application"], "no": "SQ-s1"}
    subject = f"matter_application/{document['id']}"
    task = str(uuid.uuid4())
    steps = [
        ("approval.step_assigned", {"step_name": "部门负责人审批", "assignee": "head"}, "2026-03-01T01:00:00+00:00"),
        ("approval.task_overdue", {"step_name": "部门负责人审批", "assignee": "head"}, "2026-03-02T01:00:00+00:00"),
        ("approval.step_decided", {"decision": "approved", "decided_by": "head"}, "2026-03-02T03:00:00+00:00"),
    ]
    events = [
        Envelope(
            type=t,
            payload={"document": document, "task_id": task, "step_no": 1, **extra},
            org=ORG,
            producer="approval",
            subject=subject,
            occurred_at=at,
        )
        for t, extra, at in steps
    ]
    for event in reversed(events):  # heard out of order
        with RiskUnitOfWork(engine) as uow:
            for handler in warnings_work.TASK_HANDLERS[event.type]:
                handler(event, uow)
            handlers.file_on_dossier(event, uow)
            uow.commit()

    def rows():  # noqa: ANN202
        with engine.connect() as conn:
            return [r._asdict() for r in conn.execute(sa.select(risk_task).order_by(risk_task.c.task_id))]

    live = rows()
    [mine] = [r for r in live if r["task_id"] == task]
    assert mine["step_name"] == "部门负责人审批" and mine["decision"] == "approved" and mine["overdue_at"]
    assert (mine["decided_at"] - mine["assigned_at"]).total_seconds() == 26 * 3600
    assert replay.replay(engine)["tasks"] == len(live)
    assert rows() == live


def completed(document: dict, amount: str, approvals: list[dict], at: str) -> Envelope:
    payload = {
        "document": document,
        "outcome": "approved",
        "reason": "均已通过",
        "amount": amount,
        "major_matter": True,
        "major_reasons": [],
        "round": 1,
        "approvals": approvals,
    }
    subject = f"{document['type']}/{document['id']}"
    return Envelope(
        type="approval.completed", payload=payload, org=ORG, producer="approval", subject=subject, occurred_at=at
    )


def test_a_major_contract_carries_out_its_projects_collective_decision(engine):
    """越权审批's project probe on the real projection: a contract of 600,000 approved by the principal alone is
    a major matter decided at the meeting on its matter application; the same contract in a project without a
    meeting is warned."""

    def step(no: int, name: str, capacity: str, by_meeting: bool = False, who: str = "principal") -> dict:
        return {"step_no": no, "step_name": name, "authority": capacity, "decided_by": who, "by_meeting": by_meeting}

    head = step(1, "部门负责人审批", "unit_head", who="head")
    principal = step(2, "主要领导审批", "principal")
    meeting = step(3, "集体决策（党工委会议）", "collective_decision", by_meeting=True)
    events = project_events("s3") + project_events("s4")
    s3, s4 = ids("s3"), ids("s4")
    events.append(
        completed(
            {"type": "matter_application", "id": s3["application"], "no": "SQ-s3"},
            "600000.00",
            [head, meeting],
            "2026-03-01T02:30:00+00:00",
        )
    )
    hear(engine, events)
    for prefix, i in (("s3", s3), ("s4", s4)):
        contract = {"type": "contract", "id": i["contract"], "no": f"HT-{prefix}"}
        event = completed(contract, "600000.00", [head, principal], "2026-03-05T02:00:00+00:00")
        with RiskUnitOfWork(engine) as uow:
            authority.on_approval_completed(event, uow)
            uow.commit()
    with RiskUnitOfWork(engine) as uow:
        found = uow.projects.collective_decision(ORG, NodeKey("contract", s3["contract"]))
        assert uow.projects.collective_decision(ORG, NodeKey("matter_application", s3["application"])) is None
        assert uow.warnings.for_document(ORG, "contract", s3["contract"]) == []
        [warned] = uow.warnings.for_document(ORG, "contract", s4["contract"])
    assert found["document"] == {"type": "matter_application", "id": s3["application"], "no": "SQ-s3"}
    assert found["step_name"] == "集体决策（党工委会议）" and found["decided_by"] == "principal"
    assert warned["rule"] == "approver_above_authority"
    assert warned["evidence"]["breaches"] == ["major_without_collective_decision"]
    shown = view(engine, "matter_application", s3["application"])
    [application] = [d for d in shown["documents"] if d["type"] == "matter_application"]
    assert application["details"]["collective_decision"]["step_name"] == "集体决策（党工委会议）"
    clear(engine)
    replay.replay(engine)
    assert view(engine, "matter_application", s3["application"]) == shown, "the replay remembers the meeting too"
