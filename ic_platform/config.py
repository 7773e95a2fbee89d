"""Configuration from the environment, with defaults that work on a developer machine."""

from __future__ import annotations

import os
from dataclasses import dataclass

# The tenant a call belongs to when it names none: one office per deployment for now (IC_DEFAULT_ORG).
DEFAULT_ORG = os.environ.get("IC_DEFAULT_ORG", "xinqiao")

# Every nameko service of the system, in start-up order. The gateway is not one of them.
SERVICES: tuple[str, ...] = ("org", "budget", "approval", "procurement", "contract", "payment", "risk")

# Each service exposes Prometheus metrics on METRICS_PORT_BASE + its index here.
METRICS_PORT_OFFSETS = {name: i + 1 for i, name in enumerate(SERVICES)}


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    pg_server_url: str
    db_prefix: str
    metrics_port_base: int
    gateway_host: str
    gateway_port: int
    jwt_secret: str
    rpc_timeout_s: float
    trace_file: str | None
    env_name: str

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}_{service}"

    def database_url(self, service: str) -> str:
        return f"{self.pg_server_url.rstrip('/')}/{self.database_name(service)}"

    def metrics_port(self, service: str) -> int:
        return self.metrics_port_base + METRICS_PORT_OFFSETS[service]


def settings() -> Settings:
    env = os.environ.get
    return Settings(
        amqp_uri=env("IC_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/%2F"),
        pg_server_url=env("IC_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432"),
        db_prefix=env("IC_DB_PREFIX", "ic"),
        metrics_port_base=int(env("IC_METRICS_PORT_BASE", "9100")),
        gateway_host=env("IC_GATEWAY_HOST", "127.0.0.1"),
        gateway_port=int(env("IC_GATEWAY_PORT", "8000")),
        # A development default only; production sets IC_JWT_SECRET.
        jwt_secret=env("IC_JWT_SECRET", "dev-only-secret-change-me-0123456789abcdef"),
        rpc_timeout_s=float(env("IC_RPC_TIMEOUT_S", "10")),
        trace_file=env("IC_TRACE_FILE") or None,
        env_name=env("IC_ENV", "dev"),
    )
