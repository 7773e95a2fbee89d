"""deploy/docker-compose.yml: every process of the system on one host, secrets only from the environment."""

from __future__ import annotations

import re

import pytest
import yaml

from ic_platform import broker_users
from ic_platform.config import METRICS_PORT_OFFSETS, SERVICES
from tests.deploy.tools import DEPLOY

COMPOSE = DEPLOY / "docker-compose.yml"
SECRETS = (
    "IC_PG_PASSWORD",
    "IC_RABBITMQ_USER",
    "IC_RABBITMQ_PASSWORD",
    "IC_SIGNING_KEY",
    "IC_VERIFY_KEY",
    "IC_SERVICE_KEY",
    "IC_GRAFANA_ADMIN_PASSWORD",
    *(broker_users.password_variable(p) for p in broker_users.PRINCIPALS),
)
_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation, as far as this file uses it: ${V}, ${V:-default}, ${V:?message}, $$."""

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.groups()
        value = env.get(name)
        if (op == ":?" and not value) or (op == "?" and value is None):
            raise MissingVariable(f"{name}: {arg}")
        if op in (":-", "-") and not value:
            return arg
        return value or ""

    return _VARIABLE.sub(one, text)


def resolved(node: object, env: dict[str, str]) -> object:
    """Like compose: the YAML is parsed first (comments are not interpolated), then every string value."""
    if isinstance(node, dict):
        return {key: resolved(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(value, env) for value in node]
    return interpolate(node, env) if isinstance(node, str) else node


def load(env: dict[str, str]) -> dict:
    return resolved(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")), env)


def full_env() -> dict[str, str]:
    return {name: f"{name.lower().replace('_', '')}x9" for name in SECRETS}


def test_it_runs_the_whole_system_and_its_monitoring():
    services = load(full_env())["services"]
    expected = {"postgres", "rabbitmq", "migrate", *SERVICES, "gateway", "prometheus", "grafana"}
    assert expected <= set(services)
    for name in SERVICES:
        assert services[name]["command"] == ["python", "-m", "ic_platform.runner", name]
        port = 9100 + METRICS_PORT_OFFSETS[name]
        assert f"127.0.0.1:{port}/readyz" in " ".join(services[name]["healthcheck"]["test"]), name
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "./prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]
    assert "./rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro" in services["rabbitmq"]["volumes"]
    assert "rabbitmq_prometheus" in (DEPLOY / "rabbitmq" / "enabled_plugins").read_text()
    for service in services.values():  # every file or folder it mounts from the repository exists
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), source


@pytest.mark.parametrize("missing", SECRETS)
def test_it_refuses_to_start_without_each_secret(missing):
    env = full_env()
    env[missing] = ""
    with pytest.raises(MissingVariable, match=missing):
        load(env)


def test_every_secret_reaches_the_processes_from_the_environment_and_nowhere_else():
    env = full_env()
    services = load(env)["services"]
    app = services["gateway"]["environment"]
    assert app["IC_SIGNING_KEY"] == env["IC_SIGNING_KEY"] and app["IC_VERIFY_KEY"] == env["IC_VERIFY_KEY"]
    assert f"postgres:{env['IC_PG_PASSWORD']}@postgres" in app["IC_PG_URL"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == env["IC_PG_PASSWORD"]
    assert services["rabbitmq"]["environment"]["RABBITMQ_DEFAULT_PASS"] == env["IC_RABBITMQ_PASSWORD"]
    assert services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"] == env["IC_GRAFANA_ADMIN_PASSWORD"]
    # Only the gateway holds the private key; the services verify with the public one.
    for name in SERVICES:
        assert services[name]["environment"]["IC_VERIFY_KEY"] == env["IC_VERIFY_KEY"]
        assert "IC_SIGNING_KEY" not in services[name]["environment"], name
        assert services[name]["environment"]["IC_SERVICE_KEY"] == env["IC_SERVICE_KEY"]
    assert "IC_SERVICE_KEY" not in app
    text = "\n".join(line.split(" #", 1)[0] for line in COMPOSE.read_text(encoding="utf-8").splitlines())
    for secret in SECRETS:
        uses = re.findall(r"\$\{" + secret + r"(\W[^}]*)?\}", text)
        assert uses and all(u.startswith(":?") for u in uses), f"{secret} has a default somewhere: {uses}"
    for known_value in ("guest:guest", "postgres:postgres", "change-me", "demo1234"):
        assert known_value not in text


def test_each_process_is_its_own_broker_user_made_by_the_broker_users_job():
    env = full_env()
    services = load(env)["services"]
    job = services["broker-users"]
    assert job["command"] == ["python", "-m", "ic_platform.broker_users", "provision"]
    assert job["environment"]["IC_RABBITMQ_USER"] == env["IC_RABBITMQ_USER"]
    users = set()
    for principal in broker_users.PRINCIPALS:
        password = env[broker_users.password_variable(principal)]
        assert job["environment"][broker_users.password_variable(principal)] == password
        uri = services[principal]["environment"]["IC_AMQP_URI"]
        user = broker_users.user_name("ic", principal)
        assert uri.startswith(f"amqp://{user}:{password}@rabbitmq:5672/"), principal
        assert services[principal]["depends_on"]["broker-users"]["condition"] == "service_completed_successfully"
        # nobody else's password, and not the administrator's
        others = [env[broker_users.password_variable(p)] for p in broker_users.PRINCIPALS if p != principal]
        assert not any(other in str(services[principal]["environment"]) for other in others), principal
        assert env["IC_RABBITMQ_PASSWORD"] not in str(services[principal]["environment"]), principal
        users.add(user)
    assert len(users) == len(broker_users.PRINCIPALS)


def test_the_broker_users_job_gives_the_permissions_of_broker_users(monkeypatch):
    """The job's HTTP calls, recorded: one user per process, its (configure, write, read) from permissions()."""
    calls = []
    monkeypatch.setattr(broker_users, "_put", lambda api, admin, path, body: calls.append((path, body)))
    passwords = {p: f"pw{p}" for p in broker_users.PRINCIPALS}
    broker_users.provision_http("http://rabbitmq:15672", ("admin", "x"), passwords)
    for principal in broker_users.PRINCIPALS:
        user = broker_users.user_name("ic", principal)
        assert (f"/api/users/{user}", {"password": passwords[principal], "tags": ""}) in calls
        configure, write, read = broker_users.permissions(principal)
        assert (f"/api/permissions/%2F/{user}", {"configure": configure, "write": write, "read": read}) in calls
    assert len(calls) == 2 * len(broker_users.PRINCIPALS)


def test_the_broker_users_job_speaks_the_management_api(monkeypatch):
    """Against a stand-in management API: PUTs with JSON and the administrator's basic auth, from the environment."""
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = []

    class Api(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((self.path, self.headers["Authorization"], self.headers["Content-Type"], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = HTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("IC_RABBITMQ_API", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("IC_RABBITMQ_USER", "admin")
        monkeypatch.setenv("IC_RABBITMQ_PASSWORD", "adminpw")
        for principal in broker_users.PRINCIPALS:
            monkeypatch.setenv(broker_users.password_variable(principal), f"pw{principal}")
        broker_users.main(["provision"])
    finally:
        server.shutdown()
    auth = "Basic " + base64.b64encode(b"admin:adminpw").decode()
    assert {(a, t) for _, a, t, _ in seen} == {(auth, "application/json")}
    assert ("/api/users/ic-risk", auth, "application/json", {"password": "pwrisk", "tags": ""}) in seen
    assert len(seen) == 2 * len(broker_users.PRINCIPALS)
