"""The desk projection (ic_platform/desk.py) on a real database: approval's events build who holds or held a
document, in any order and any number of times; the on-desk predicate reads it (delegates included)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from ic_platform import desk
from ic_platform.db import make_engine
from ic_platform.desk import Desk
from ic_platform.envelope import Envelope
from ic_platform.identity import Viewer

pytestmark = pytest.mark.integration
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def uow(stack) -> Iterator[SimpleNamespace]:
    """The risk database's desk tables, in a transaction rolled back afterwards."""
    engine = make_engine(stack.settings.database_url("risk"), pool_size=1)
    with engine.connect() as conn:
        tx = conn.begin()
        yield SimpleNamespace(desk=Desk(conn, None))
        tx.rollback()
    engine.dispose()


def event(type_: str, minutes: int, **payload) -> Envelope:  # noqa: ANN003
    at = (T0 + timedelta(minutes=minutes)).isoformat()
    return Envelope(type=type_, payload=payload, org="xinqiao", producer="approval", occurred_at=at)


def apply(uow: SimpleNamespace, *events: Envelope) -> None:
    for e in events:
        for handler in desk.DESK_HANDLERS[e.type]:
            handler(e, uow)


def on_desk(uow: SimpleNamespace, who: str, doc: dict) -> bool:
    return uow.desk.holds(Viewer.of(who, "x", ["unit_head"]), doc["type"], doc["id"])


def test_holders_deciders_and_skipped_parallel_tasks_in_any_order(uow):
    doc = {"type": "matter_application", "id": str(uuid.uuid4())}
    first, a, b, c = (str(uuid.uuid4()) for _ in range(4))
    events = [
        event("approval.step_assigned", 0, document=doc, task_id=first, step_no=1, step_name="部门", assignee="head"),
        event(
            "approval.step_decided", 5, document=doc, task_id=first, step_no=1, decision="approved", decided_by="head"
        ),
        event("approval.step_assigned", 5, document=doc, task_id=a, step_no=2, step_name="或签", assignee="fin1"),
        event("approval.step_assigned", 5, document=doc, task_id=b, step_no=2, step_name="或签", assignee="fin2"),
        event("approval.step_decided", 9, document=doc, task_id=a, step_no=2, decision="approved", decided_by="fin1"),
        event("approval.step_assigned", 9, document=doc, task_id=c, step_no=3, step_name="领导", assignee="lead"),
    ]
    apply(uow, *reversed(events))  # the worst order, then again: nothing changes twice
    apply(uow, *events)
    for who in ("head", "fin1", "fin2", "lead"):
        assert on_desk(uow, who, doc), who
    assert not on_desk(uow, "someone_else", doc)
    # fin2's task was skipped when step 3 opened: closed, not open for ever.
    closed = uow.desk.conn.execute(desk.TASK.select().where(desk.TASK.c.task_id == uuid.UUID(b))).one().closed_at
    assert closed == T0 + timedelta(minutes=9)


def test_a_delegate_holds_what_the_principal_held_during_the_delegation_only(uow):
    before, during, after = ({"type": "matter_application", "id": str(uuid.uuid4())} for _ in range(3))
    for doc, opened, closed in ((before, 0, 10), (during, 20, None), (after, 70, None)):
        task = str(uuid.uuid4())
        apply(
            uow,
            event(
                "approval.step_assigned",
                opened,
                document=doc,
                task_id=task,
                step_no=1,
                step_name="s",
                assignee="leader",
            ),
        )
        if closed is not None:
            apply(
                uow,
                event(
                    "approval.step_decided",
                    closed,
                    document=doc,
                    task_id=task,
                    step_no=1,
                    decision="approved",
                    decided_by="leader",
                ),
            )
    grant = {
        "delegation_id": str(uuid.uuid4()),
        "principal": "leader",
        "delegate": "deputy",
        "starts_at": (T0 + timedelta(minutes=15)).isoformat(),
        "ends_at": (T0 + timedelta(days=1)).isoformat(),
        "reason": "外出",
    }
    revoked = {k: grant[k] for k in ("delegation_id", "principal", "delegate")} | {"revoked_by": "leader"}
    apply(uow, event("approval.delegation_revoked", 60, **revoked))  # heard before the grant
    apply(uow, event("approval.delegation_granted", 15, **grant))
    assert [on_desk(uow, "deputy", d) for d in (before, during, after)] == [False, True, False]
