"""One service's message bus, in process (as in *Architecture Patterns with Python*, ch. 8-9).

A service reacts to events in two places, and both are registered here, once per service
(`services/<name>/service_layer/bus.py`), never by one module importing another's handlers:
- **heard** events, published by other services (or by itself) and received through the inbox
  (ic_platform/inbox.py): each handler runs exactly once per event, in the transaction of its inbox row;
- **own** events, which the service's use cases publish: the unit of work collects them (`publish`), and just
  before it commits, the bus runs their handlers in that same transaction (approval tells the person an event
  concerns, in the transaction that publishes it). A handler may publish in turn; the bus goes on until the
  unit of work has collected nothing new.

A handler is `def on_x(event: Envelope, uow) -> None`. Registering a handler twice for one type is an error
(`handler_tables.combine`), and so are two different handlers under one inbox name: the inbox keeps its rows
(done, retried, parked) by that name, so the second would silently take the first one's rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from ic_platform.envelope import Envelope
from ic_platform.handler_tables import DuplicateHandler, Handlers, combine

Handler = Callable[[Envelope, Any], None]
Table = Mapping[str, Sequence[Handler]]
# Safety stop for handlers that keep publishing what they handle (a bug): far above any real cascade.
MAX_ROUNDS = 100


class CollectsEvents(Protocol):
    def collect_new_events(self) -> list[Envelope]: ...


class MessageBus:
    """The tables of one service's event handlers, combined once, checked at import."""

    def __init__(self, *, heard: Iterable[Table] = (), own: Iterable[Table] = ()):
        self.heard: Handlers = combine(*heard)
        self.own: Handlers = combine(*own)
        check_inbox_names(self.heard)

    def handle_collected(self, uow: CollectsEvents) -> None:
        """Run the own-event handlers of everything the unit of work published since last asked, in its
        transaction, in publishing order, until nothing new is published."""
        if not self.own:
            uow.collect_new_events()  # nothing listens: forget them, so they are not handled later
            return
        for _ in range(MAX_ROUNDS):
            events = uow.collect_new_events()
            if not events:
                return
            for event in events:
                for handler in self.own.get(event.type, ()):
                    handler(event, uow)
        raise RuntimeError(f"events still published after {MAX_ROUNDS} rounds of handlers: a handler loop")


def inbox_name(name: str) -> Callable[[Handler], Handler]:
    """Give a handler the inbox name it had before it moved (`module.function`): its stored inbox rows, and so
    exactly-once for events already heard, stay its own."""

    def mark(handler: Handler) -> Handler:
        handler.inbox_name = name  # type: ignore[attr-defined]
        return handler

    return mark


def name_of(handler: Handler) -> str:
    """The name the inbox keeps a handler's rows under: `module.qualname` (the module's last part), or the
    name it kept when it moved (`inbox_name`)."""
    return getattr(handler, "inbox_name", None) or f"{handler.__module__.rsplit('.', 1)[-1]}.{handler.__qualname__}"


def check_inbox_names(table: Table) -> None:
    seen: dict[str, Handler] = {}
    for handlers in table.values():
        for handler in handlers:
            name = name_of(handler)
            if seen.setdefault(name, handler) is not handler:
                raise DuplicateHandler(f"two handlers share the inbox name {name}: {seen[name]!r} and {handler!r}")
