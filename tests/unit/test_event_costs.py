"""What one event costs the platform: the inbox stores nothing for an event no handler hears, and the relay
publishes what a unit of work handed over without a transaction of its own, marking it later with others."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from ic_platform.desk import with_desk_handlers
from ic_platform.envelope import Envelope
from ic_platform.inbox import Inbox
from ic_platform.outbox import OutboxRelay
from ic_platform.uow import OutboxEvent


def on_completed(event, uow): ...


def _event(type_: str, payload: dict) -> Envelope:
    return Envelope(type=type_, payload=payload, org="xinqiao", producer="approval")


def _inbox() -> Inbox:
    handlers = with_desk_handlers({"approval.completed": [on_completed]}, documents=("contract",))
    return Inbox("contract", engine=None, handlers=handlers, uow_factory=lambda: None)


def test_the_desk_of_a_service_hears_only_its_own_documents():
    inbox = _inbox()
    theirs = _event("approval.step_assigned", {"document": {"type": "matter_application", "id": "1"}})
    ours = _event("approval.step_assigned", {"document": {"type": "contract", "id": "1"}})
    assert inbox.hearing(theirs) == []
    assert inbox.hearing(ours) == ["desk.on_step_assigned"]  # the handler's own name: its rows keep it


def test_an_event_about_no_document_and_handlers_without_a_filter_are_heard_as_before():
    inbox = _inbox()
    granted = _event("approval.delegation_granted", {"delegation_id": "d"})
    assert inbox.hearing(granted) == ["desk.on_delegation_granted"]
    completed = _event("approval.completed", {"document": {"type": "matter_application", "id": "1"}})
    assert inbox.hearing(completed) == ["test_event_costs.on_completed"]


def test_the_consumer_looks_only_at_types_every_handler_of_which_has_a_filter():
    inbox = _inbox()
    assert "approval.step_assigned" in inbox.filtered  # the desk's alone
    assert "approval.completed" not in inbox.filtered  # the service's own handler hears every one


def test_an_event_nobody_hears_is_acked_without_touching_the_database():
    inbox = _inbox()  # engine None, no unit of work: any database work would fail here
    theirs = _event("approval.step_assigned", {"document": {"type": "matter_application", "id": "1"}})
    assert inbox.receive(theirs.as_dict()) == 0


class _Statements:
    """An engine that records what it is asked to execute."""

    def __init__(self) -> None:
        self.executed: list[tuple[str, object]] = []
        self.transactions = 0

    @contextmanager
    def begin(self):  # noqa: ANN201
        self.transactions += 1
        yield self

    def execute(self, statement, params=None):  # noqa: ANN001, ANN201
        self.executed.append((str(statement), params))
        return type("Result", (), {"rowcount": len((params or {}).get("ids", []))})()


def _noop(*_args, **_kwargs) -> None: ...


class _Broker:
    """Confirms every message but the ones named."""

    def __init__(self, refuse: set[str]) -> None:
        self.refuse, self.bodies = refuse, []

    def publish(self, messages):  # noqa: ANN001, ANN201
        self.bodies += [body for _, body, _ in messages]
        return ["UnroutableError" if p.message_id in self.refuse else None for _, _, p in messages]


def _relay(refuse: set[str]) -> tuple[OutboxRelay, _Statements, _Broker]:
    engine, broker = _Statements(), _Broker(refuse)
    relay = OutboxRelay("budget", engine, "amqp://unused", mark_delay_s=60)
    relay._ensure_channel = lambda: None  # no broker connection in a unit test
    relay._confirms = broker
    declaring = {"exchange_declare": _noop, "queue_declare": _noop, "queue_bind": _noop, "queue_unbind": _noop}
    relay._channel = type("Channel", (), declaring)()
    return relay, engine, broker


def _handed(i: int) -> OutboxEvent:
    envelope = _event("budget.pre_committed", {"i": i}).as_dict()
    return OutboxEvent(i, "budget.pre_committed", envelope, body=f'{{"serialised": {i}}}')


def test_handed_events_are_published_without_a_transaction_and_marked_later_in_one_statement():
    relay, engine, broker = _relay(refuse=set())
    for i in (1, 2, 3):
        relay.handoff([_handed(i)])
        assert relay.publish_handed() == (1, 0)
    assert engine.transactions == 0  # three events published, no statement yet
    assert broker.bodies == [b'{"serialised": 1}', b'{"serialised": 2}', b'{"serialised": 3}']  # serialised once

    assert relay.mark_published() == 3
    ((statement, params),) = engine.executed
    assert statement.startswith("UPDATE outbox SET published_at") and params == {"ids": [1, 2, 3]}
    assert relay.mark_published() == 0 and engine.transactions == 1


def test_an_event_the_broker_refused_stays_unpublished_with_its_reason():
    relay, engine, _ = _relay(refuse={"refused"})
    refused = _handed(2)
    refused.envelope["event_id"] = "refused"
    relay.handoff([_handed(1), refused])
    assert relay.publish_handed() == (1, 1)
    ((statement, params),) = engine.executed
    assert statement.startswith("UPDATE outbox SET last_error") and "published_at" not in statement
    engine.executed.clear()
    relay.mark_published()
    assert engine.executed[0][1] == {"ids": [1]}  # the refused row waits for the poll, as before


def test_every_event_schema_compiles_and_a_valid_event_never_reaches_the_slow_validator(monkeypatch):
    from ic_platform import catalogue

    assert [key for key in catalogue.CATALOGUE if catalogue._compiled(*key) is None] == []  # each schema valid
    valid = Envelope(
        type="budget.released",
        org="xinqiao",
        producer="budget",
        subject="matter_application/1",
        payload={
            "budget_line_id": "L1",
            "document": {"type": "matter_application", "id": "1"},
            "amount": "10.00",
            "available": "90.00",
            "reason": "驳回",
        },
    ).as_dict()

    def slow(*_args):  # noqa: ANN202
        raise AssertionError("jsonschema asked about a valid event")

    monkeypatch.setattr(catalogue, "_validator", slow)
    catalogue.validate(valid)
    with pytest.raises(AssertionError):  # a refused one goes to jsonschema, which names what is wrong
        catalogue.validate({**valid, "payload": {**valid["payload"], "amount": "10.5"}})
