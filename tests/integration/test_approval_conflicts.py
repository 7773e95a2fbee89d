"""Incompatible positions (不相容岗位) against a real throwaway approval database, driven by the real handlers:
a submission names its parties; an approver holding a position incompatible with approving is refused, the
rule named and counted; one holding a compatible position decides as usual."""

from __future__ import annotations

import uuid
from dataclasses import asdict

import pytest
import sqlalchemy as sa

from ic_platform import catalogue, metrics
from ic_platform.context import CallContext
from ic_platform.envelope import Envelope
from ic_platform.errors import Forbidden
from services.approval.adapters.orm import approval_task
from services.approval.service_layer import assessment, conflicts, handlers, warnings
from services.approval.service_layer import bus as approval_bus
from tests.integration.support.assessments import assessed_by_risk
from tests.integration.support.databases import service_database
from tests.unit.approval.conftest import UNITS, USERS

pytestmark = pytest.mark.integration
ORG = "xinqiao"


def announced(user) -> dict:
    """A directory user as org announces it (org.user_registered): whether it is active is approval's own."""
    return {k: v for k, v in asdict(user).items() if k != "active"} | {"roles": list(user.roles)}


def _event(type_, payload, actor=None):
    event = Envelope(
        type=type_,
        payload=payload,
        org=ORG,
        producer=type_.split(".")[0],
        actor=actor,
        subject=f"matter_application/{payload['document']['id']}" if "document" in payload else None,
    )
    catalogue.validate(event.as_dict())
    return event


@pytest.fixture(scope="module")
def engine():
    with service_database("approval", "ic_sod") as engine:
        with approval_bus.unit_of_work(engine) as uow:
            for unit in UNITS:
                handlers.on_unit_registered(
                    _event(
                        "org.unit_registered",
                        {
                            "unit": {
                                "code": unit.code,
                                "name": unit.name,
                                "kind": unit.kind,
                                "leader_in_charge": unit.leader_in_charge,
                                "responsible_for": list(unit.responsible_for),
                            }
                        },
                    ),
                    uow,
                )
            for user in USERS:
                handlers.on_user_registered(_event("org.user_registered", {"user": announced(user)}), uow)
            uow.commit()
        yield engine


def submit(engine, parties):
    doc_id = str(uuid.uuid4())
    event = _event(
        "payment.matter_application_submitted",
        {
            "document": {"type": "matter_application", "id": doc_id, "no": f"SQ-2026-{uuid.uuid4().int % 10**6:06d}"},
            "unit": "dzb",
            "applicant": "clerk",
            "budget_line_id": "2026-DZB-30201-01",
            "amount": "8000.00",
            "title": "采购复印机",
            "parties": parties,
        },
        actor="clerk",
    )
    with approval_bus.unit_of_work(engine) as uow:  # as the inbox runs it
        handlers.on_document_submitted(event, uow)
        assessment.on_document_assessed(assessed_by_risk(event), uow)  # risk's assessment, heard at once
        uow.commit()
    with approval_bus.unit_of_work(engine) as uow:
        route = uow.routes.find("matter_application", doc_id)
        return uow.conn.execute(approval_task.select().where(approval_task.c.route_id == route.id)).one()


def decide(engine, task_id, actor="head"):
    ctx = CallContext(org=ORG, actor=actor, correlation_id=str(uuid.uuid4()))
    return handlers.decide(warnings.Decide(task_id=task_id, decision="approve"), approval_bus.unit_of_work(engine), ctx)


def violations(rule):
    return metrics.sod_violations.labels("approval", f"incompatible_roles:{rule}")._value.get()


def test_an_approver_who_registered_the_supplier_may_not_approve_the_payment(engine):
    task = submit(engine, {"supplier_registrar": "head", "purchaser": "clerk"})
    before = violations("payment_approver/supplier_registrar")
    with pytest.raises(Forbidden) as refused:
        decide(engine, str(task.id))
    assert refused.value.code == "sod_incompatible_roles" and "供应商登记" in refused.value.message
    assert refused.value.details["rule"] == "payment_approver/supplier_registrar"
    assert violations("payment_approver/supplier_registrar") == before + 1
    with approval_bus.unit_of_work(engine) as uow:
        assert uow.tasks.get(str(task.id)).status.value == "pending", "the refusal changed nothing"


def test_a_compatible_position_decides_as_usual(engine):
    task = submit(engine, {"purchaser": "head", "acceptor": "clerk"})
    assert decide(engine, str(task.id))["route"]["status"] == "approved"


def test_a_party_name_must_be_a_position_code():
    with pytest.raises(catalogue.InvalidEvent):
        _event(
            "payment.matter_application_submitted",
            {
                "document": {"type": "matter_application", "id": "x"},
                "unit": "dzb",
                "applicant": "clerk",
                "budget_line_id": "L",
                "amount": "1.00",
                "title": "t",
                "parties": {"采购": "head"},
            },
        )


def test_a_resubmission_naming_no_parties_keeps_those_of_the_submission(engine):
    task = submit(engine, {"supplier_registrar": "head"})
    with approval_bus.unit_of_work(engine) as uow:
        document = uow.conn.execute(
            sa.text(
                "SELECT document_type, document_id FROM approval_route WHERE id = "
                "(SELECT route_id FROM approval_task WHERE id = :t)"
            ),
            {"t": task.id},
        ).one()
    resubmitted = _event(
        "payment.matter_application_resubmitted",
        {
            "document": {"type": document.document_type, "id": document.document_id},
            "unit": "dzb",
            "applicant": "clerk",
            "budget_line_id": "2026-DZB-30201-01",
            "amount": "8000.00",
            "title": "采购复印机",
        },
    )
    with approval_bus.unit_of_work(engine) as uow:
        conflicts.record_parties(resubmitted, uow)
        uow.commit()
    with approval_bus.unit_of_work(engine) as uow:
        assert uow.watch.parties(document.document_type, document.document_id) == {"supplier_registrar": "head"}
