"""The metrics port also answers Kubernetes' probes: /healthz while the process lives, /readyz once it is ready."""

from __future__ import annotations

from wsgiref.util import setup_testing_defaults

import pytest

from ic_platform import metrics


@pytest.fixture(autouse=True)
def fresh_readiness():
    saved = dict(metrics._ready)
    metrics._ready.clear()
    yield
    metrics._ready.clear()
    metrics._ready.update(saved)


def get(path: str) -> tuple[str, bytes]:
    environ: dict = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    answer: list[str] = []
    body = b"".join(metrics._probe_or_metrics(metrics.make_wsgi_app())(environ, lambda s, h: answer.append(s)))
    return answer[0], body


def test_readyz_answers_503_until_the_service_is_ready_and_again_while_it_stops():
    assert get("/readyz")[0].startswith("503")  # nothing started yet
    metrics.set_ready("budget", False)
    assert get("/readyz")[0].startswith("503")
    assert get("/healthz")[0].startswith("200")  # alive all the same: no restart while starting
    metrics.set_ready("budget", True)
    assert get("/readyz")[0].startswith("200")
    metrics.set_ready("budget", False)  # SIGTERM: taken out before it stops
    assert get("/readyz")[0].startswith("503")


def test_every_other_path_is_the_metrics_and_shows_the_readiness_gauge():
    metrics.set_ready("risk", True)
    status, body = get("/metrics")
    assert status.startswith("200")
    assert b'ic_service_ready{service="risk"} 1.0' in body
