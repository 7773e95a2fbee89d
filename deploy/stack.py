"""The whole system as processes on one machine: every nameko service and the gateway under one supervisor.
`make run` uses it with the default settings; the integration tests use it with a throwaway vhost, throwaway
databases and free ports, so they never touch the demo data."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ic_platform import broker_users, green, keys
from ic_platform.config import SERVICES, Settings, reload_settings
from ic_platform.identity import IDENTITY_KEY, Viewer, sign_identity
from ic_platform.supervisor import ProcessSpec, Supervisor

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def process_specs(
    env: dict[str, str],
    *,
    service_env: dict[str, dict[str, str]] | None = None,
    restart: bool = True,
    replicas: dict[str, int] | None = None,
) -> list[ProcessSpec]:
    """Every service (N replicas of those named in `replicas`, see `replica_names`) and the gateway."""
    cfg = settings_from(env)
    specs = []
    # Only the gateway holds its private key: a service can verify what the gateway signed, never sign it; and
    # only the services hold theirs (system calls).
    service_base = {k: v for k, v in env.items() if k not in (keys.SIGNING_KEY_SETTING, keys.SIGNING_KEY_ENV)}
    gateway_env = {k: v for k, v in env.items() if k not in (keys.SERVICE_KEY_SETTING, keys.SERVICE_KEY_ENV)}
    for s in SERVICES:
        for r, name in enumerate(replica_names(s, (replicas or {}).get(s, 1))):
            own = {**service_base, **(service_env or {}).get(s, {})}
            if r:  # each replica its own metrics port: the next block of ten above the service's own
                own["IC_METRICS_PORT"] = str(cfg.metrics_port(s) + 10 * r)
            specs.append(
                ProcessSpec(
                    name=name, argv=[PYTHON, "-m", "ic_platform.runner", s], cwd=str(ROOT), restart=restart, env=own
                )
            )
    specs.append(
        ProcessSpec(
            name="gateway",
            cwd=str(ROOT),
            env={**gateway_env, **(service_env or {}).get(broker_users.GATEWAY, {})},
            restart=restart,
            argv=[
                PYTHON,
                "-m",
                "uvicorn",
                "gateway.app:app",
                "--host",
                cfg.gateway_host,
                "--port",
                str(cfg.gateway_port),
                "--no-access-log",
                "--no-server-header",
                "--timeout-graceful-shutdown",
                "3",
            ],
        )
    )
    return specs


def replica_names(service: str, count: int) -> list[str]:
    """The supervisor's names for a service's replicas: `payment`, then `payment#2`, `payment#3`, ..."""
    return [service] + [f"{service}#{i}" for i in range(2, count + 1)]


def parse_replicas(text: str | None) -> dict[str, int]:
    """IC_REPLICAS, e.g. "payment=2,approval=2": how many processes of each service `make run` starts."""
    replicas = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, count = part.partition("=")
        if name not in SERVICES or not count.isdigit() or int(count) < 1:
            raise ValueError(f"IC_REPLICAS: expected service=count (services: {', '.join(SERVICES)}), got {part!r}")
        replicas[name] = int(count)
    return replicas


def settings_from(env: dict[str, str]) -> Settings:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(green.PSYCOPG_ENV)  # every service process: the C driver, cooperative under eventlet
    return env


def test_keys() -> Path:
    """The keys of every throwaway stack this process starts, made once and put in this process's environment, so
    that the tests' own direct RPC calls (tests/integration/identity.py) sign as the stack's gateway would, and
    processes a test starts beside a stack inherit them. Thrown away when the process ends."""
    if not os.environ.get(keys.SIGNING_KEY_SETTING):
        folder = tempfile.mkdtemp(prefix="ic-test-keys-")
        atexit.register(shutil.rmtree, folder, True)
        signing, verify = keys.generate(folder)
        os.environ[keys.SIGNING_KEY_SETTING], os.environ[keys.VERIFY_KEY_SETTING] = str(signing), str(verify)
        os.environ[keys.SERVICE_KEY_SETTING] = str(keys.service_file(folder))
        reload_settings()  # this process signs with them too
    return Path(os.environ[keys.SIGNING_KEY_SETTING]).parent


class SignedContext(dict):
    """Context data for a direct RPC (tests, bench) whose identity the test keys sign as the gateway would, afresh
    each time it is read (`dict(ctx)`, `{**ctx}`, `ctx[...]`): an assertion is good for a minute only."""

    def __init__(self, data: dict[str, Any], viewer: Viewer):
        super().__init__(data)
        self.viewer = viewer

    def _fresh(self) -> dict[str, Any]:
        return {**dict(super().items()), IDENTITY_KEY: sign_identity(self.viewer, super().get("org"))}

    def __iter__(self) -> Iterator[str]:
        return iter(self._fresh())

    def __getitem__(self, key: str) -> Any:
        return self._fresh()[key]

    def __contains__(self, key: object) -> bool:
        return key == IDENTITY_KEY or super().__contains__(key)

    def __len__(self) -> int:
        return len(self._fresh())

    def keys(self):  # noqa: ANN201
        return self._fresh().keys()

    def items(self):  # noqa: ANN201
        return self._fresh().items()

    def values(self):  # noqa: ANN201
        return self._fresh().values()

    def get(self, key: str, default: Any = None) -> Any:
        return self._fresh().get(key, default)

    def copy(self) -> dict[str, Any]:
        return self._fresh()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 90.0) -> None:
    deadline, last = time.monotonic() + timeout, "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # noqa: BLE001 - anything but 200 means "not yet"
            last = str(exc)
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s: {last}")


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@dataclass
class ThrowawayStack:
    """A private copy of the system: its own vhost, databases and ports. Used by the integration tests."""

    name: str = field(default_factory=lambda: f"ic_t{uuid.uuid4().hex[:8]}")
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    log_dir: str | None = None
    replicas: dict[str, int] = field(default_factory=dict)
    # Each service and the gateway as its own RabbitMQ user (ic_platform/broker_users.py); IC_BROKER_USERS=0: guest.
    broker_users: bool = field(default_factory=lambda: os.environ.get("IC_BROKER_USERS", "1") == "1")

    def __post_init__(self) -> None:
        test_keys()
        self.env = base_env()
        self.env.update(
            {
                # The demo passwords are accepted here as in make run.
                "IC_DEMO": "1",
                # The tests' own requests come from 127.0.0.1, which plays the reverse proxy; a test that
                # connects from another loopback address (127.0.0.2) is a client reaching the gateway directly.
                "IC_TRUSTED_PROXIES": "127.0.0.1",
                "IC_DB_PREFIX": self.name,
                "IC_AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{self.name}",
                "IC_GATEWAY_PORT": str(free_port()),
                "IC_METRICS_PORT_BASE": str(20000 + (uuid.uuid4().int % 400) * 10),
                "IC_INBOX_BASE_DELAY_S": self.env.get("IC_INBOX_BASE_DELAY_S", "0.2"),
                "IC_LOG_LEVEL": "WARNING",
                "IC_MAX_WORKERS": self.env.get("IC_MAX_WORKERS", "8"),
                # A test copy's connection budget: at most 3 per service process (docs/architecture.md,
                # "Connection budget"), so `make run`, this copy and one more beside it fit in 100.
                "IC_DB_POOL_SIZE": self.env.get("IC_TEST_DB_POOL_SIZE", "2"),
                "IC_DB_POOL_OVERFLOW": self.env.get("IC_TEST_DB_POOL_OVERFLOW", "1"),
            }
        )
        self.settings = settings_from(self.env)
        self.supervisor: Supervisor | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"

    def create(self) -> None:
        from deploy.seed.load import seed
        from ic_platform.db import migrate

        rabbitmqctl("add_vhost", self.name)
        rabbitmqctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        if self.broker_users:  # the tests' own clients stay guest (stack.settings.amqp_uri)
            uris = broker_users.ensure(self.name, self.name, self.settings.amqp_uri)
            for principal, uri in uris.items():
                self.service_env.setdefault(principal, {})["IC_AMQP_URI"] = uri
        for service in SERVICES:
            migrate(service, self.settings)
        seed(self.settings)

    @property
    def trace_file(self) -> str | None:
        return os.path.join(self.log_dir, "traces.jsonl") if self.log_dir else None

    def start(self, stream=None) -> None:  # noqa: ANN001
        if self.trace_file:
            self.env["IC_TRACE_FILE"] = self.trace_file
        if self.log_dir:  # a throwaway chain's anchors are thrown away with it
            self.env["IC_TRAIL_ANCHOR_DIR"] = os.path.join(self.log_dir, "anchors")
        specs = process_specs(self.env, service_env=self.service_env, replicas=self.replicas)
        self.supervisor = Supervisor(specs, log_stream=stream or sys.stderr, log_dir=self.log_dir)
        self.supervisor.start()
        wait_ready(self.base_url + "/readyz")

    def add_replica(self, service: str) -> str:
        """Start one more replica of a running service; its supervisor name."""
        count = sum(1 for n in self.supervisor.names() if n.split("#")[0] == service)
        replicas = {**self.replicas, service: count + 1}
        spec = next(
            s
            for s in process_specs(self.env, service_env=self.service_env, replicas=replicas)
            if s.name == replica_names(service, count + 1)[-1]
        )
        self.supervisor.add(spec)
        self.replicas = replicas
        return spec.name

    def destroy(self) -> None:
        from ic_platform.db import drop_database

        if self.supervisor:
            self.supervisor.stop()
        for service in SERVICES:
            drop_database(self.settings.database_url(service))
        try:
            rabbitmqctl("delete_vhost", self.name)
        except subprocess.CalledProcessError:
            pass
        if self.broker_users:
            broker_users.remove(self.name)
