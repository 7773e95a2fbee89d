"""What the risk service files for an event: which document, under which number, linked to what."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.risk.domain.model import (
    DocumentRef,
    InvalidSubject,
    documents_named,
    dossier_entry,
    parse_subject,
)
from tests.unit.risk.samples import APPLICATION_ID, DOCUMENT, PAYLOADS, SUBJECT, envelope


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("matter_application/abc", DocumentRef("matter_application", "abc")),
        ("contract/2026/007", DocumentRef("contract", "2026/007")),  # ids may hold "/", types never do
        (None, None),
        ("", None),
    ],
)
def test_parse_subject(subject, expected):
    assert parse_subject(subject) == expected


@pytest.mark.parametrize("subject", ["matter_application", "/abc", "matter_application/"])
def test_a_malformed_subject_is_refused(subject):
    with pytest.raises(InvalidSubject):
        parse_subject(subject)


def test_subject_round_trips():
    assert parse_subject(SUBJECT).subject == SUBJECT


def test_an_event_is_filed_under_its_subject_with_the_number_from_its_payload():
    event = envelope("budget.pre_committed", occurred_at="2026-03-02T08:30:00.000001Z")
    entry = dossier_entry(event)
    assert entry.document == DocumentRef("matter_application", APPLICATION_ID, "SQ-2026-000001")
    assert entry.occurred_at == datetime(2026, 3, 2, 8, 30, 0, 1, tzinfo=UTC)
    assert (entry.event_id, entry.type, entry.actor, entry.producer, entry.correlation_id) == (
        event.event_id,
        "budget.pre_committed",
        "clerk",
        "budget",
        event.correlation_id,
    )
    assert entry.summary.startswith("预算指标") and entry.payload == PAYLOADS["budget.pre_committed"]


def test_an_organisation_event_is_not_filed():
    assert dossier_entry(envelope("org.user_registered")) is None


def test_the_number_of_another_document_is_not_taken():
    event = envelope("approval.completed", subject="matter_application/other")
    assert dossier_entry(event).document == DocumentRef("matter_application", "other")


def test_other_documents_named_in_a_payload_are_found():
    plan = {"type": "procurement_plan", "id": "p1", "no": "CG-2026-000003"}
    payload = {
        "document": {"type": "contract", "id": "c1"},
        "procurement_plan": plan,
        "related": [DOCUMENT, plan],
        "unit": {"code": "dzb", "name": "党政办公室", "kind": "office"},
        "route": [{"type": "x", "id": "y", "assignee": "head_dzb"}],
    }
    found = documents_named(payload, DocumentRef("contract", "c1"))
    assert found == [
        DocumentRef("procurement_plan", "p1", "CG-2026-000003"),
        DocumentRef("matter_application", APPLICATION_ID, "SQ-2026-000001"),
    ]


def test_the_filed_document_is_not_linked_to_itself():
    assert documents_named(PAYLOADS["approval.completed"], parse_subject(SUBJECT)) == []
