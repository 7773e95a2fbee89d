"""Configuration from the environment, with defaults that work on a developer machine."""

from __future__ import annotations

import os
from dataclasses import dataclass

# The tenant a call belongs to when it names none: one office per deployment for now (IC_DEFAULT_ORG).
DEFAULT_ORG = os.environ.get("IC_DEFAULT_ORG", "xinqiao")

# Every nameko service of the system, in start-up order. The gateway is not one of them.
# accounting is last: its metrics port (9108) comes after the others' without moving theirs.
SERVICES: tuple[str, ...] = ("org", "budget", "approval", "procurement", "contract", "payment", "risk", "accounting")

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
    rpc_timeout_s: float
    trace_file: str | None
    env_name: str
    # The Ed25519 key pair (ic_platform/keys.py): the private half for the gateway only, no default anywhere.
    signing_key_file: str | None = None
    verify_key_file: str | None = None
    # IC_DEMO=1 (make run, the test stacks): the demo passwords are accepted; refused everywhere else.
    demo: bool = False
    access_token_ttl_s: int = 900
    refresh_token_ttl_s: int = 12 * 3600
    # Sign-in: a username is locked for lockout_s after max_failures failures within lockout_s; an address may
    # fail address_failures times within address_window_s, then waits (429).
    signin_max_failures: int = 5
    signin_lockout_s: int = 900
    signin_address_failures: int = 20
    signin_address_window_s: int = 300
    # Addresses whose X-Forwarded-For is believed (the reverse proxy's), and those that may read /metrics and
    # /readyz's details; comma-separated addresses or networks.
    trusted_proxies: tuple[str, ...] = ()
    ops_allow: tuple[str, ...] = ("127.0.0.1", "::1")

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
        rpc_timeout_s=float(env("IC_RPC_TIMEOUT_S", "10")),
        trace_file=env("IC_TRACE_FILE") or None,
        env_name=env("IC_ENV", "dev"),
        signing_key_file=env("IC_SIGNING_KEY_FILE") or None,
        verify_key_file=env("IC_VERIFY_KEY_FILE") or None,
        demo=env("IC_DEMO") == "1",
        # Access tokens live 15 minutes at most, whatever is configured: the refresh re-reads roles from org.
        access_token_ttl_s=min(int(env("IC_ACCESS_TOKEN_TTL_S", "900")), 900),
        refresh_token_ttl_s=int(env("IC_REFRESH_TOKEN_TTL_S", str(12 * 3600))),
        signin_max_failures=int(env("IC_SIGNIN_MAX_FAILURES", "5")),
        signin_lockout_s=int(env("IC_SIGNIN_LOCKOUT_S", "900")),
        signin_address_failures=int(env("IC_SIGNIN_ADDRESS_FAILURES", "20")),
        signin_address_window_s=int(env("IC_SIGNIN_ADDRESS_WINDOW_S", "300")),
        trusted_proxies=_addresses(env("IC_TRUSTED_PROXIES", "")),
        ops_allow=_addresses(env("IC_OPS_ALLOW", "127.0.0.1,::1")),
    )


def _addresses(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split(",") if a.strip())
