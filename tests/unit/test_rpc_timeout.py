"""A service-to-service call gives up after the timeout with Unavailable instead of holding its worker forever."""

from __future__ import annotations

import time

import eventlet
import pytest

from ic_platform.errors import Conflict, Unavailable
from ic_platform.rpc_timeout import bounded


class Budget:
    def __init__(self, delay: float = 0.0, error: Exception | None = None):
        self.delay, self.error, self.calls = delay, error, []

    def reserve(self, **kwargs):  # noqa: ANN003, ANN201
        self.calls.append(kwargs)
        eventlet.sleep(self.delay)  # a reply that comes late, or never
        if self.error:
            raise self.error
        return {"allowed": True}


def test_an_answer_in_time_passes_through():
    budget = Budget(delay=0.01)
    assert bounded(budget, 1.0).reserve(amount="1.00") == {"allowed": True}
    assert budget.calls == [{"amount": "1.00"}]


def test_no_answer_in_time_is_unavailable():
    started = time.monotonic()
    with pytest.raises(Unavailable) as raised:
        bounded(Budget(delay=30), 0.2).reserve(amount="1.00")
    assert time.monotonic() - started < 5
    assert raised.value.http_status == 503 and raised.value.details["method"] == "reserve"


def test_a_refusal_is_not_touched():
    with pytest.raises(Conflict):
        bounded(Budget(error=Conflict("budget_insufficient", "可用余额不足")), 1.0).reserve(amount="1.00")
