"""The assessment gate's storage on a real throwaway approval database: the round's opening and risk's
assessment meet on the submission's event id in either order, from any replica at the same moment, and a
redelivered assessment changes nothing."""

from __future__ import annotations

import threading
import uuid

import pytest

from services.approval.domain.assessment import AssessmentState
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork
from tests.integration.support.databases import service_database

pytestmark = pytest.mark.integration
ORG = "xinqiao"
AT = "2026-11-27T08:00:00+00:00"


@pytest.fixture(scope="module")
def engine():
    with service_database("approval", "ic_gate", pool_size=4) as engine:
        yield engine


def document() -> dict[str, str]:
    return {"type": "matter_application", "id": str(uuid.uuid4())}


def state(engine, doc, round_=1):  # noqa: ANN001, ANN201
    with ApprovalUnitOfWork(engine) as uow:
        return uow.assessments.of_round(doc["type"], doc["id"], round_)


def expect(engine, event_id, doc, round_=1) -> None:  # noqa: ANN001
    with ApprovalUnitOfWork(engine) as uow:
        uow.assessments.expect(ORG, event_id, doc, round_)
        uow.commit()


def record(engine, event_id, doc, count=0):  # noqa: ANN001, ANN201
    with ApprovalUnitOfWork(engine) as uow:
        waited = uow.assessments.record(ORG, event_id, doc, AT, count)
        uow.commit()
    return waited


def test_the_round_waits_then_is_assessed(engine):
    doc, event_id = document(), str(uuid.uuid4())
    assert state(engine, doc).state is AssessmentState.NOT_REQUIRED
    expect(engine, event_id, doc)
    assert state(engine, doc).state is AssessmentState.PENDING
    assert record(engine, event_id, doc, 1) >= 0
    assessed = state(engine, doc)
    assert assessed.state is AssessmentState.ASSESSED and assessed.warning_count == 1
    assert record(engine, event_id, doc, 5) is None, "a redelivered assessment changes nothing"
    assert state(engine, doc).warning_count == 1


def test_an_assessment_heard_first_counts_for_the_round_opened_after(engine):
    doc, event_id = document(), str(uuid.uuid4())
    assert record(engine, event_id, doc) == 0.0
    expect(engine, event_id, doc)
    assert state(engine, doc).state is AssessmentState.ASSESSED


def test_rounds_are_assessed_apart(engine):
    doc, first, second = document(), str(uuid.uuid4()), str(uuid.uuid4())
    expect(engine, first, doc, 1)
    record(engine, first, doc)
    expect(engine, second, doc, 2)
    assert state(engine, doc, 1).state is AssessmentState.ASSESSED
    assert state(engine, doc, 2).state is AssessmentState.PENDING
    with ApprovalUnitOfWork(engine) as uow:
        found = uow.assessments.of_rounds([(doc["type"], doc["id"], 1), (doc["type"], doc["id"], 2)])
    assert [a.state for a in found.values()] == [AssessmentState.ASSESSED, AssessmentState.PENDING]


@pytest.mark.parametrize("repeat", range(5))
def test_the_opening_and_the_assessment_at_once_from_two_replicas_both_land(engine, repeat):
    doc, event_id = document(), str(uuid.uuid4())
    start = threading.Barrier(2)
    errors = []

    def run(fn) -> None:  # noqa: ANN001
        try:
            start.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(lambda: expect(engine, event_id, doc),)),
        threading.Thread(target=run, args=(lambda: record(engine, event_id, doc, 2),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assessed = state(engine, doc)
    assert assessed.state is AssessmentState.ASSESSED and assessed.warning_count == 2
