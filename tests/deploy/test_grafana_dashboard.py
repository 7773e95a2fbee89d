"""The Grafana dashboard is valid JSON, provisioned by compose, and every query (and every alert rule) names
metrics that exist."""

from __future__ import annotations

import json

import yaml

from tests.deploy.tools import (
    DEPLOY,
    PROMETHEUS,
    PROMETHEUS_OWN,
    RABBITMQ_QUEUE_METRICS,
    exported_metric_names,
    metric_names,
)

GRAFANA = DEPLOY / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
KNOWN = exported_metric_names() | PROMETHEUS_OWN | RABBITMQ_QUEUE_METRICS


def queries(panel: dict) -> list[str]:
    found = [t["expr"] for t in panel.get("targets", []) if t.get("expr")]
    return found + [q for inner in panel.get("panels", []) for q in queries(inner)]


def test_metric_names_are_read_out_of_promql():
    expr = (
        'histogram_quantile(0.95, sum by (le, route) (rate(ic_http_request_duration_seconds_bucket{route!~"x|y"}'
        '[$__rate_interval]))) / on (route) group_left max(up{app="a"}) > bool 1e3 offset 5m or vector(0)'
    )
    assert metric_names(expr) == {"ic_http_request_duration_seconds_bucket", "up"}


def test_the_dashboard_is_valid_json_with_the_red_and_business_panels():
    assert DASHBOARDS, "no dashboard in deploy/grafana/dashboards"
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        assert dashboard["uid"] and dashboard["title"], path
        panels = dashboard["panels"]
        ids = [p["id"] for p in panels]
        assert len(ids) == len(set(ids)), f"{path.name}: panel ids repeat"
        every = " ".join(q for p in panels for q in queries(p))
        for needed in (
            "ic_http_requests_total",  # gateway rate and errors
            "ic_http_request_duration_seconds_bucket",  # gateway duration
            "ic_entrypoint_calls_total",  # service rate and errors
            "ic_entrypoint_duration_seconds_bucket",  # service duration
            "payment.matter_application_submitted",  # submissions
            "ic_approval_cycle_seconds_count",  # approvals
            "ic_budget_execution_rate_percent",  # budget execution
            "ic_risk_warnings_raised_total",  # warnings
        ):
            assert needed in every, f"{path.name} shows nothing of {needed}"
        for panel in panels:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "prometheus", panel["title"]


def test_every_dashboard_query_names_metrics_that_exist():
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            for expr in queries(panel):
                assert metric_names(expr), f"{panel['title']}: no metric found in {expr}"
                unknown = metric_names(expr) - KNOWN
                assert not unknown, f"{path.name}, panel {panel['title']!r} names unknown metrics {unknown}"


def test_every_alert_rule_names_metrics_that_exist():
    recorded = set()
    for group in yaml.safe_load((PROMETHEUS / "rules" / "ic-alerts.yml").read_text(encoding="utf-8"))["groups"]:
        for rule in group["rules"]:
            unknown = metric_names(rule["expr"]) - KNOWN - recorded
            assert not unknown, f"{rule.get('alert') or rule['record']} names unknown metrics {unknown}"
            if "record" in rule:
                recorded.add(rule["record"])


def test_compose_provisions_the_data_source_and_the_dashboards():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    volumes = compose["services"]["grafana"]["volumes"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in volumes
    assert "./grafana/dashboards:/etc/grafana/dashboards:ro" in volumes
    source = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text(encoding="utf-8"))
    assert source["datasources"][0]["uid"] == "prometheus"
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]
    provider = yaml.safe_load(
        (GRAFANA / "provisioning" / "dashboards" / "internal-control.yml").read_text(encoding="utf-8")
    )
    assert provider["providers"][0]["options"]["path"] == "/etc/grafana/dashboards"
