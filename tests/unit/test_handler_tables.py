"""Combining a service's event-handler tables: every module's handlers kept, none twice."""

from __future__ import annotations

import pytest

from ic_platform.handler_tables import DuplicateHandler, combine


def a(event, uow): ...


def b(event, uow): ...


def test_two_modules_hearing_one_type_both_run_in_module_order():
    assert combine({"x.done": [a]}, {"x.done": [b], "y.done": [a]}) == {"x.done": [a, b], "y.done": [a]}


def test_a_handler_registered_twice_for_a_type_is_an_error_not_a_second_run():
    with pytest.raises(DuplicateHandler, match="registered twice for x.done"):
        combine({"x.done": [a]}, {"x.done": [a]})


def test_every_service_table_combines_without_a_duplicate():
    from ic_platform.config import SERVICES

    for service in SERVICES:
        module = __import__(f"services.{service}.service", fromlist=["SERVICE"])
        platform = module.SERVICE.platform
        table = getattr(platform, "event_handlers", None) or getattr(platform, "handlers", None) or {}
        for type_, handlers in table.items():
            assert len(handlers) == len(set(handlers)), (service, type_)
