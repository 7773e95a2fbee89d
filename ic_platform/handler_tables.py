"""One table of a service's event handlers, from the tables its modules declare.

A service hears an event type in several modules (risk's rules, the dossier, the desk): each module keeps its own
`EVENT_HANDLERS = {type: [handler, ...]}`, and the service combines them here, once. Combining keeps every
module's handlers of a type, in module order; a `{**a, **b}` merge would keep only the last module's and drop
the others without a word. The same handler registered twice for a type is an error: it would run twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

Handlers = dict[str, list[Callable]]


class DuplicateHandler(ValueError):
    """A handler registered twice for one event type."""


def combine(*tables: Mapping[str, Sequence[Callable]]) -> Handlers:
    combined: Handlers = {}
    for table in tables:
        for type_, handlers in table.items():
            registered = combined.setdefault(type_, [])
            for handler in handlers:
                if handler in registered:
                    name = getattr(handler, "__qualname__", repr(handler))
                    raise DuplicateHandler(f"{name} is registered twice for {type_}")
                registered.append(handler)
    return combined
