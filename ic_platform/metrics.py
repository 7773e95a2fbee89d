"""Prometheus metrics every service exports under the same names, labelled by service."""

from __future__ import annotations

import logging
import threading
from wsgiref.simple_server import make_server

from prometheus_client import Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer, _get_best_family, _SilentHandler

from ic_platform.config import settings

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

entrypoint_calls = Counter(
    "ic_entrypoint_calls_total",
    "Entrypoint calls by outcome (ok, error, expected_error)",
    ["service", "entrypoint", "outcome"],
)
entrypoint_duration = Histogram(
    "ic_entrypoint_duration_seconds", "Entrypoint duration", ["service", "entrypoint"], buckets=LATENCY_BUCKETS
)
events_published = Counter("ic_events_published_total", "Events confirmed by the broker", ["service", "type"])
events_unroutable = Counter(
    "ic_events_unroutable_total", "Events the broker returned: no queue bound", ["service", "type"]
)
events_consumed = Counter(
    "ic_events_consumed_total", "Events handled, by outcome (applied, duplicate)", ["service", "handler", "outcome"]
)
events_retried = Counter("ic_events_retried_total", "Handler failures scheduled for a retry", ["service", "handler"])
events_dead_lettered = Counter(
    "ic_events_dead_lettered_total", "Events parked after the last retry", ["service", "handler"]
)
events_replayed = Counter("ic_events_replayed_total", "Dead letters sent back for another try", ["service"])
retention_pruned = Counter(
    "ic_retention_pruned_total",
    "Rows deleted by retention (published outbox, done inbox, old idempotency keys)",
    ["service", "table"],
)
outbox_backlog = Gauge("ic_outbox_backlog", "Events committed but not yet confirmed by the broker", ["service"])
outbox_oldest_age = Gauge("ic_outbox_oldest_age_seconds", "Age of the oldest unpublished event", ["service"])
inbox_pending = Gauge("ic_inbox_pending", "Received events waiting for (another) try", ["service"])
inbox_dead = Gauge("ic_inbox_dead", "Dead-lettered events waiting for ops", ["service"])
db_pool_checked_out = Gauge("ic_db_pool_checked_out", "Database connections in use", ["service"])
db_pool_size = Gauge("ic_db_pool_size", "Database pool size", ["service"])
sod_violations = Counter(
    "ic_segregation_of_duties_violations_total", "Actions refused by a segregation-of-duties rule", ["service", "rule"]
)

# Approval cycle time (审批时效): from a step's assignment to its decision, and from submission to completion.
# Approvals take minutes to days, so the buckets run from a minute to two weeks.
APPROVAL_BUCKETS = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 259200, 432000, 604800, 1209600)
approval_step_seconds = Histogram(
    "ic_approval_step_seconds",
    "Approval step time, assignment to decision",
    ["document_type", "step_name", "decision"],
    buckets=APPROVAL_BUCKETS,
)
approval_cycle_seconds = Histogram(
    "ic_approval_cycle_seconds",
    "Approval cycle time, submission to completion",
    ["document_type", "outcome"],
    buckets=APPROVAL_BUCKETS,
)
approval_tasks_overdue = Counter(
    "ic_approval_tasks_overdue_total", "Approval tasks past due: reminded, escalated", ["stage"]
)
risk_warnings_raised = Counter("ic_risk_warnings_raised_total", "Risk warnings raised", ["rule", "severity"])
# The assessment gate (docs/risk-assessment.md): how long a round waited for risk (0 when the assessment was
# there first), and the decisions held meanwhile (409 risk_assessment_pending).
approval_assessment_wait = Histogram(
    "ic_approval_risk_assessment_wait_seconds",
    "Time from a round's opening to risk's assessment reaching approval",
    ["document_type"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800),
)
approval_decisions_held = Counter(
    "ic_approval_decisions_held_total", "Decisions refused while risk's assessment was pending", ["document_type"]
)

http_requests = Counter("ic_http_requests_total", "Gateway requests", ["method", "route", "status"])
http_duration = Histogram(
    "ic_http_request_duration_seconds", "Gateway request duration", ["method", "route"], buckets=LATENCY_BUCKETS
)
rpc_client_calls = Counter(
    "ic_rpc_client_calls_total", "RPC calls made by the gateway", ["service", "method", "outcome"]
)

# ── for the alert rules (deploy/prometheus/): readiness, refusals by rule, the trail's health, overdue tasks ──
service_ready = Gauge("ic_service_ready", "1 while the process takes work; 0 while it starts or stops", ["service"])
refusals = Counter(
    "ic_refusals_total",
    "Expected refusals (DomainError) by code and the rule that decided",
    ["service", "code", "rule"],
)
trail_verified = Gauge("ic_trail_verified", "1 if the last verification found the trail intact, 0 if broken", ["chain"])
trail_verified_at = Gauge(
    "ic_trail_last_verified_timestamp_seconds", "When the trail was last verified (Unix time)", ["chain"]
)
trail_anchor_lag = Gauge(
    "ic_trail_anchor_lag_seconds",
    "How long the trail's head has gone unanchored (0 while the head is anchored)",
    ["chain"],
)
approval_overdue_tasks = Gauge(
    "ic_approval_overdue_tasks", "Pending approval tasks past due (stage=overdue), and of those, escalated", ["stage"]
)
budget_execution_rate = Gauge(
    "ic_budget_execution_rate_percent",
    "执行率: (committed + actual) / amount, per office and fiscal year",
    ["org", "fiscal_year"],
)

_ready: dict[str, bool] = {}


def set_ready(service: str, ready: bool) -> None:
    """What /readyz on the metrics port answers (Kubernetes' readiness probe) and what the alerts watch."""
    _ready[service] = ready
    service_ready.labels(service).set(1 if ready else 0)


def _probe_or_metrics(metrics_app):  # noqa: ANN001, ANN202 - a WSGI app
    """/healthz: the process answers; /readyz: 200 once every service of the process is ready, else 503;
    any other path: the metrics, as prometheus_client serves them."""

    def app(environ, start_response):  # noqa: ANN001, ANN202
        path = environ.get("PATH_INFO", "")
        if path not in ("/healthz", "/readyz"):
            return metrics_app(environ, start_response)
        ok = path == "/healthz" or (bool(_ready) and all(_ready.values()))
        start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"ok\n" if ok else b"not ready\n"]

    return app


def serve(port: int) -> None:
    """Expose /metrics (and the probes); a taken port is logged, not fatal: losing metrics beats losing the
    service."""

    class Server(ThreadingWSGIServer):  # as prometheus_client's start_http_server: the family follows the address
        pass

    try:
        Server.address_family, addr = _get_best_family(settings().metrics_addr, port)
        server = make_server(addr, port, _probe_or_metrics(make_wsgi_app()), Server, handler_class=_SilentHandler)
    except OSError as exc:
        logging.getLogger(__name__).error("metrics port %s unavailable: %s", port, exc)
        return
    threading.Thread(target=server.serve_forever, daemon=True, name="metrics").start()


def sample_pool(service: str, engine) -> None:  # noqa: ANN001 - a SQLAlchemy Engine
    pool = engine.pool
    if hasattr(pool, "checkedout"):
        db_pool_checked_out.labels(service).set(pool.checkedout())
        db_pool_size.labels(service).set(pool.size())
