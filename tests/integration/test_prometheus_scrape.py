"""A real Prometheus (Debian's, as promtool) scrapes the test system: every service, the gateway and RabbitMQ's
plugin; the series the alerts and the dashboard use are there; promtool accepts every process's metrics; and
when a dead letter is parked, ICDeadLetters fires."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
import sqlalchemy as sa
import yaml

from deploy.stack import free_port
from ic_platform.config import SERVICES
from ic_platform.db import make_engine
from ic_platform.rpc_client import RpcClient
from tests.deploy.tools import PROMETHEUS, RABBITMQ_QUEUE_METRICS, prometheus_tools
from tests.integration.conftest import eventually
from tests.integration.identity import rpc_context

pytestmark = pytest.mark.integration
RABBITMQ_PROMETHEUS = "127.0.0.1:15692"  # the shared node's plugin, enabled by scripts/ensure-infra.sh


def fetch(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def config(stack, rules: Path) -> dict:
    services = [{"targets": [f"127.0.0.1:{stack.settings.metrics_port(s)}"], "labels": {"app": s}} for s in SERVICES]
    broker = [{"targets": [RABBITMQ_PROMETHEUS], "labels": {"app": "rabbitmq"}}]
    return {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {
                "job_name": "ic-gateway",
                "static_configs": [
                    {"targets": [f"127.0.0.1:{stack.settings.gateway_port}"], "labels": {"app": "gateway"}}
                ],
            },
            {"job_name": "ic-services", "static_configs": services},
            {"job_name": "rabbitmq", "static_configs": broker},
            # as deploy/prometheus/prometheus.yml, narrowed to this test system's vhost
            {
                "job_name": "rabbitmq-queues",
                "metrics_path": "/metrics/detailed",
                "static_configs": broker,
                "params": {"family": ["queue_coarse_metrics", "queue_consumer_count"], "vhost": [stack.name]},
            },
        ],
    }


@pytest.fixture(scope="module")
def prometheus(stack, tmp_path_factory) -> Iterator[str]:
    """Prometheus on a free port with a temporary database, evaluating the real rules with every `for:` set to
    0s (the expressions are the ones deployed; the test need not wait out their durations)."""
    tools, work = prometheus_tools(), tmp_path_factory.mktemp("prometheus")
    rules = (PROMETHEUS / "rules" / "ic-alerts.yml").read_text(encoding="utf-8")
    (work / "rules.yml").write_text(re.sub(r"(?m)^(\s+for:) .+$", r"\1 0s", rules), encoding="utf-8")
    (work / "prometheus.yml").write_text(yaml.safe_dump(config(stack, work / "rules.yml")), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            str(tools / "prometheus"),
            f"--config.file={work / 'prometheus.yml'}",
            f"--storage.tsdb.path={work / 'db'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(work / "prometheus.log", "w"),  # noqa: SIM115 - the process owns it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: _ready(url), timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(15)
        shutil.rmtree(work, ignore_errors=True)


def _ready(url: str) -> bool:
    try:
        return "Ready" in fetch(url + "/-/ready", timeout=1)
    except OSError:
        return False


def query(url: str, promql: str) -> list[dict]:
    answer = json.loads(fetch(url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})))
    assert answer["status"] == "success", answer
    return answer["data"]["result"]


def firing(url: str, alertname: str) -> list[dict]:
    alerts = json.loads(fetch(url + "/api/v1/alerts"))["data"]["alerts"]
    return [a for a in alerts if a["labels"]["alertname"] == alertname and a["state"] == "firing"]


def test_every_process_exports_metrics_promtool_accepts(stack, prometheus):
    promtool = prometheus_tools() / "promtool"
    outputs = {"gateway": fetch(stack.base_url + "/metrics")}
    outputs |= {s: fetch(f"http://127.0.0.1:{stack.settings.metrics_port(s)}/metrics") for s in SERVICES}
    for process, text in outputs.items():
        checked = subprocess.run([str(promtool), "check", "metrics"], input=text, capture_output=True, text=True)
        assert checked.returncode == 0, f"{process}: {checked.stdout}{checked.stderr}"


def test_prometheus_scrapes_every_target_and_finds_the_series_the_alerts_use(stack, login, prometheus):
    # causes for the business series: a refusal by the budget, a deadline sweep
    refused = login("clerk").post(
        "/api/v1/matter-applications",
        json={"title": "超出指标", "budget_line_id": "2026-DZB-30201-01", "amount": "99999999.00"},
    )
    assert refused.status_code == 409, refused.text
    client = RpcClient(stack.settings.amqp_uri, name="prometheus-test")
    client.start()
    try:
        client.call("approval", "sweep_deadlines_now", {}, context=rpc_context("admin", "dzb", ["admin"]))
    finally:
        client.stop()

    def all_up() -> list[dict] | None:
        up = query(prometheus, "up")
        return up if len(up) == len(SERVICES) + 3 and all(s["value"][1] == "1" for s in up) else None

    eventually(all_up, timeout=30)
    expected = [
        *(f'ic_service_ready{{app="{s}", service="{s}"}} == 1' for s in SERVICES),
        *(f'ic_db_pool_size{{app="{s}"}}' for s in SERVICES),
        'ic_http_requests_total{app="gateway"}',
        'ic_entrypoint_calls_total{app="budget", entrypoint="reserve"}',
        'ic_refusals_total{service="budget", code="budget_insufficient", rule="block_insufficient"}',
        'ic_trail_verified{app="approval"} == 1',
        'ic_trail_last_verified_timestamp_seconds{app="approval"}',
        'ic_trail_anchor_lag_seconds{app="approval"}',
        'ic_approval_overdue_tasks{stage="overdue"}',
        'ic_budget_execution_rate_percent{app="budget", org="xinqiao", fiscal_year="2026"}',
        'ic_outbox_backlog{app="payment"}',
        'ic_inbox_dead{app="risk"}',
        *(f'{name}{{app="rabbitmq", vhost="{stack.name}", queue="ic.risk.events"}}' for name in RABBITMQ_QUEUE_METRICS),
    ]
    left = expected

    def all_found() -> bool:
        nonlocal left
        left = [q for q in left if not query(prometheus, q)]
        return not left

    try:
        eventually(all_found, timeout=20, interval=0.5)
    except AssertionError:
        pytest.fail(f"series missing: {left}")


def test_a_parked_dead_letter_fires_ic_dead_letters(stack, prometheus):
    assert not firing(prometheus, "ICDeadLetters")
    event_id = str(uuid.uuid4())
    connection = pika.BlockingConnection(pika.URLParameters(stack.settings.amqp_uri))
    try:  # an event nobody can read: the risk service parks it as a dead letter at once
        connection.channel().basic_publish(
            "",
            "ic.risk.events",
            json.dumps({"event_id": event_id, "type": "ops.drill"}).encode(),
            pika.BasicProperties(content_type="application/json", delivery_mode=2),
        )
    finally:
        connection.close()
    try:
        [alert] = eventually(lambda: firing(prometheus, "ICDeadLetters"), timeout=30)
        assert alert["labels"]["service"] == "risk" and alert["labels"]["severity"] == "warning"
        assert alert["annotations"]["runbook"].startswith("GET /api/v1/ops/dead-letters/risk")
        assert not firing(prometheus, "ICServiceDown")
    finally:  # the shared test system keeps no dead letter of ours
        engine = make_engine(stack.settings.database_url("risk"), pool_size=1)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM inbox WHERE event_id = :id"), {"id": event_id})
        engine.dispose()
