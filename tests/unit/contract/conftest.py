"""Shared by contract's service-layer tests: a fake unit of work that has heard of one award."""

from __future__ import annotations

import pytest

from services.contract.service_layer import handlers
from tests.unit.contract.fakes import FakeUnitOfWork
from tests.unit.contract.test_service_layer import award_event  # the award its other helpers build on


@pytest.fixture
def uow() -> FakeUnitOfWork:
    u = FakeUnitOfWork()
    with u:
        handlers.on_award_decided(award_event(), u)
        u.commit()
    return u
