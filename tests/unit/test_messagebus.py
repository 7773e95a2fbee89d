"""The in-process message bus (ic_platform/messagebus.py): one table per service, checked once; own events
handled in the publishing transaction before commit; no service layer importing itself round in a circle."""

from __future__ import annotations

import ast
import pathlib

import pytest

from ic_platform.config import SERVICES
from ic_platform.envelope import Envelope
from ic_platform.handler_tables import DuplicateHandler
from ic_platform.inbox import handler_name
from ic_platform.messagebus import MessageBus, inbox_name

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Collecting:
    """The part of a unit of work the bus uses, and a log of what its handlers did."""

    def __init__(self):
        self.collected: list[Envelope] = []
        self.log: list[str] = []

    def publish(self, event: Envelope) -> None:
        self.collected.append(event)

    def collect_new_events(self) -> list[Envelope]:
        events, self.collected = self.collected, []
        return events


def event(type_: str) -> Envelope:
    return Envelope(type=type_, org="xinqiao", producer="test", payload={})


def on_done(e, uow):
    uow.log.append(f"on_done:{e.type}")
    uow.publish(event("x.told"))  # a handler may publish in turn


def on_told(e, uow):
    uow.log.append(f"on_told:{e.type}")


def test_own_events_are_handled_in_publishing_order_and_so_are_those_their_handlers_publish():
    bus = MessageBus(own=[{"x.done": [on_done], "x.told": [on_told]}])
    uow = Collecting()
    uow.publish(event("x.done"))
    uow.publish(event("x.other"))
    uow.publish(event("x.done"))
    bus.handle_collected(uow)
    assert uow.log == ["on_done:x.done", "on_done:x.done", "on_told:x.told", "on_told:x.told"]
    assert uow.collect_new_events() == []


def test_a_handler_that_keeps_publishing_what_it_handles_is_stopped_not_looped_forever():
    def echo(e, uow):
        uow.publish(event("x.echo"))

    uow = Collecting()
    uow.publish(event("x.echo"))
    with pytest.raises(RuntimeError, match="handler loop"):
        MessageBus(own=[{"x.echo": [echo]}]).handle_collected(uow)


def test_a_bus_without_own_handlers_forgets_what_was_collected():
    uow = Collecting()
    uow.publish(event("x.done"))
    MessageBus(heard=[{"x.done": [on_done]}]).handle_collected(uow)
    assert uow.log == [] and uow.collect_new_events() == []


def test_a_handler_registered_twice_for_a_type_is_an_error():
    with pytest.raises(DuplicateHandler, match="registered twice for x.done"):
        MessageBus(heard=[{"x.done": [on_done]}, {"x.done": [on_done]}])
    with pytest.raises(DuplicateHandler):
        MessageBus(own=[{"x.done": [on_done, on_done]}])


def test_two_handlers_under_one_inbox_name_are_an_error_as_they_would_share_inbox_rows():
    @inbox_name("test_messagebus.on_done")
    def impostor(e, uow): ...

    with pytest.raises(DuplicateHandler, match="share the inbox name test_messagebus.on_done"):
        MessageBus(heard=[{"x.done": [on_done]}, {"y.done": [impostor]}])
    # one handler heard for two types is one name, one handler: fine
    assert MessageBus(heard=[{"x.done": [on_done], "y.done": [on_done]}]).heard["y.done"] == [on_done]


def test_the_budget_handlers_that_moved_keep_their_inbox_names():
    """Events heard before the move stay heard once: the inbox finds their rows under the same names."""
    from services.budget.service_layer import control_events

    assert [handler_name(h) for h in (control_events.on_completed, control_events.on_returned)] == [
        "handlers.on_budget_document_completed",
        "handlers.on_budget_document_returned",
    ]
    assert handler_name(control_events.on_withdrawn) == "handlers.on_budget_document_withdrawn"


def test_the_budget_hears_each_approval_answer_in_the_order_it_did_before_the_bus():
    from ic_platform import desk
    from services.budget.service_layer import control_events, handlers
    from services.budget.service_layer.bus import BUS

    heard = BUS.heard["approval.completed"]
    assert heard[:2] == [handlers.on_approval_completed, control_events.on_completed]
    # the desk's, heard only for the budget's own document types (ic_platform.desk.desk_handlers)
    assert len(heard) == 3 and heard[2].__wrapped__ is desk.on_route_ended and heard[2].hears is not None
    assert BUS.heard["approval.withdrawn"][:2] == [handlers.on_approval_withdrawn, control_events.on_withdrawn]


def test_approval_tells_people_through_its_bus_not_through_its_unit_of_work():
    from services.approval.service import SERVICE
    from services.approval.service_layer import notifications
    from services.approval.service_layer.bus import BUS

    assert BUS.own == {type_: list(fns) for type_, fns in notifications.NOTIFY.items()}
    assert SERVICE.platform.bus is BUS and SERVICE.platform.event_handlers is BUS.heard


def _imports(package: pathlib.Path, prefix: str) -> dict[str, set[str]]:
    """Each module of a package and the package's modules it imports, at the top or inside a function."""
    modules = {f"{prefix}.{p.stem}": p for p in package.glob("*.py") if p.stem != "__init__"}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module} & modules.keys()
                found |= {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names} & modules.keys()
        graph[name] = found - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep] if dep in path else [node, dep]
            if not state.get(dep) and (found := visit(dep, [*path, dep])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if not state.get(start) and (found := visit(start, [start])):
            return found
    return None


def test_the_cycle_detector_finds_a_deferred_import_cycle(tmp_path):
    (tmp_path / "a.py").write_text("import p.b\n")
    (tmp_path / "b.py").write_text("def f():\n    from p.a import g\n")
    assert _cycle(_imports(tmp_path, "p")) == ["p.a", "p.b", "p.a"]


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_layer_imports_itself_round_in_a_circle(service):
    """Hidden by imports deferred into functions, such cycles decided which module may be imported first."""
    package = ROOT / "services" / service / "service_layer"
    assert _cycle(_imports(package, f"services.{service}.service_layer")) is None


class _Recorder:
    """A stand-in engine, connection and transaction for ic_platform.uow.UnitOfWork, logging what happens."""

    def __init__(self):
        self.log: list[str] = []
        self.is_active = True

    def connect(self):
        return self

    def begin(self):
        return self

    def execute(self, statement, params=None):
        """The outbox insert: every event of the transaction in one statement (type_0, event_id_0, ...)."""
        rows = []
        for i in range(len(params) // 3):
            self.log.append(f"insert:{params[f'type_{i}']}")
            rows.append((i + 1, params[f"event_id_{i}"]))
        return rows

    def commit(self):
        self.log.append("commit")
        self.is_active = False

    def rollback(self):
        self.log.append("rollback")
        self.is_active = False

    def close(self):
        pass


@pytest.fixture
def any_event_type(monkeypatch):
    """The catalogue's check left out: these events are made up for the test."""
    monkeypatch.setattr("ic_platform.uow.catalogue.validate", lambda data: None)
    monkeypatch.setattr("ic_platform.uow.catalogue.with_producer", lambda envelope: envelope)


def test_the_platform_unit_of_work_runs_its_bus_inside_the_transaction_before_committing(any_event_type):
    from ic_platform.uow import UnitOfWork

    db = _Recorder()
    bus = MessageBus(own=[{"x.done": [lambda e, uow: uow.publish(event("x.told"))]}])
    with UnitOfWork(db, bus=bus) as uow:  # type: ignore[arg-type]
        uow.publish(event("x.done"))
        uow.commit()
    assert db.log == ["insert:x.done", "insert:x.told", "commit"]
    assert [e.type for e in uow.published] == ["x.done", "x.told"]


def test_a_failing_own_handler_leaves_the_transaction_uncommitted(any_event_type):
    from ic_platform.uow import UnitOfWork

    def fails(e, uow):
        raise RuntimeError("could not tell")

    db = _Recorder()
    with pytest.raises(RuntimeError), UnitOfWork(db, bus=MessageBus(own=[{"x.done": [fails]}])) as uow:  # type: ignore[arg-type]
        uow.publish(event("x.done"))
        uow.commit()
    assert db.log == ["rollback"]  # the events are written just before the commit: nothing of this one
