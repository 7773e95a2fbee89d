"""The budget service unable to answer (its database down) is no refusal: the application stays `reserving`, so
the client's retry (same Idempotency-Key) or the redrive finishes it; marking it refused would leave a later
pre-commitment on a document that says it holds none."""

from __future__ import annotations

import pytest

from ic_platform.context import CallContext
from ic_platform.errors import Conflict, Unavailable, unavailable
from services.payment.domain.model import Status
from services.payment.service_layer import handlers

from .test_model import application


class Applications:
    def __init__(self, app):  # noqa: ANN001
        self.app, self.saved = app, []

    def get(self, app_id, for_update=False):  # noqa: ANN001, ANN201
        return self.app

    def save_status(self, app, routed=False):  # noqa: ANN001
        self.saved.append(app.status)


class Uow:
    def __init__(self, app):  # noqa: ANN001
        self.applications, self.events, self.commits = Applications(app), [], 0

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc):  # noqa: ANN002, ANN204
        return None

    def commit(self) -> None:
        self.commits += 1

    def publish(self, envelope) -> None:  # noqa: ANN001
        self.events.append(envelope)

    def remember(self, *args) -> None:  # noqa: ANN002
        pass


class Budget:
    def __init__(self, error: Exception):
        self.error = error

    def reserve(self, **kwargs):  # noqa: ANN003, ANN201
        raise self.error


def test_the_budget_unavailable_leaves_the_application_reserving():
    app = application(Status.RESERVING)
    uow = Uow(app)
    with pytest.raises(Unavailable):
        handlers._reserve_and_submit(app, uow, CallContext(org="o", actor="clerk"), Budget(unavailable()))
    assert app.status is Status.RESERVING and uow.applications.saved == [] and uow.commits == 0


def test_a_refusal_still_marks_it_refused():
    app = application(Status.RESERVING)
    uow = Uow(app)
    with pytest.raises(Conflict):
        handlers._reserve_and_submit(
            app, uow, CallContext(org="o", actor="clerk"), Budget(Conflict("budget_insufficient", "可用余额不足"))
        )
    assert app.status is Status.REFUSED and uow.applications.saved == [Status.REFUSED]
