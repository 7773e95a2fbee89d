"""Every setting of the system, in one typed place: each IC_* environment variable is declared once below, with
its type, its default (one that works on a developer machine) and why it exists. Processes read them once, at
start (`settings()`); the service layer hands what the domain needs to it as policies, so no domain module reads
the environment. docs/settings.md is the table of them (`python -m ic_platform.cli settings` writes it)."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Every nameko service of the system, in start-up order. The gateway is not one of them.
# accounting is last: its metrics port (9108) comes after the others' without moving theirs.
SERVICES: tuple[str, ...] = ("org", "budget", "approval", "procurement", "contract", "payment", "risk", "accounting")

# Each service exposes Prometheus metrics on METRICS_PORT_BASE + its index here.
METRICS_PORT_OFFSETS = {name: i + 1 for i, name in enumerate(SERVICES)}

# A comma-separated list in the environment ("a, b"), a tuple here.
Addresses = Annotated[tuple[str, ...], NoDecode]

# Access tokens live 15 minutes at most, whatever is configured: the refresh re-reads roles from org.
MAX_ACCESS_TOKEN_TTL_S = 900


class Settings(BaseSettings):
    """IC_<FIELD NAME> sets each field (IC_AMQP_URI sets amqp_uri). An empty variable counts as unset."""

    model_config = SettingsConfigDict(
        env_prefix="IC_", env_ignore_empty=True, frozen=True, extra="ignore", populate_by_name=True
    )

    # ── where the rest of the system is ──
    # The tenant a call belongs to when it names none: one office per deployment for now.
    default_org: str = "xinqiao"
    # The broker every service and the gateway connect to (each with its own user in production).
    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    # The PostgreSQL server; each service's database on it is <db_prefix>_<service>.
    pg_server_url: str = Field("postgresql+psycopg://postgres@127.0.0.1:5432", alias="IC_PG_URL")
    # Separates the databases of systems sharing one server (each test stack has its own).
    db_prefix: str = "ic"
    # "dev" or "production": production refuses the demo shortcuts and insists on real keys.
    env_name: str = Field("dev", alias="IC_ENV")
    # classic (one node, the tests) or quorum (a RabbitMQ cluster: replicated queues). Fixed when a queue is
    # created, so one setting for every queue of the system.
    queue_type: str = "classic"

    # ── the gateway ──
    # Where the gateway listens: the host itself unless a container or the reverse proxy needs more.
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    # How long a call into a service may take before the caller gives up (a 503, never a hung request).
    rpc_timeout_s: float = 10.0
    # Where the built web and phone clients are served from (the gateway serves them at / and /m/).
    clients_dir: str | None = None
    # How often the notification stream asks approval for news (server-sent events).
    notification_poll_s: float = 2.0
    # An access token's life, capped at 15 minutes whatever is set: its refresh re-reads the roles from org.
    access_token_ttl_s: int = MAX_ACCESS_TOKEN_TTL_S
    # A refresh token's life: a working day without signing in again.
    refresh_token_ttl_s: int = 12 * 3600
    # Failures within signin_lockout_s that lock a username (password guessing against one account).
    signin_max_failures: int = 5
    # How long such a lock lasts, and the window its failures are counted in.
    signin_lockout_s: int = 900
    # Failures one address may have within signin_address_window_s before it waits (429): guessing across accounts.
    signin_address_failures: int = 20
    signin_address_window_s: int = 300
    # Addresses whose X-Forwarded-For is believed (the reverse proxy's); comma-separated addresses or networks.
    trusted_proxies: Addresses = ()
    # Addresses that may read /metrics and /readyz's details (the scraper, operators); comma-separated.
    ops_allow: Addresses = ("127.0.0.1", "::1")
    # make run and the test stacks (IC_DEMO=1): the demo passwords are accepted; refused everywhere else.
    demo: bool = False

    # ── keys (ic_platform/keys.py): files, or the raw key in base64 where secrets arrive as variables ──
    # The gateway's Ed25519 private key (it signs access tokens), a PEM file; no default anywhere.
    signing_key_file: str | None = None
    # The same key raw, in base64, where secrets arrive as variables (compose, Kubernetes).
    signing_key: str | None = None
    # Its public half, with which every service verifies a caller (PEM file).
    verify_key_file: str | None = None
    # The same, raw in base64.
    verify_key: str | None = None
    # The services' own private key, with which they sign their system calls (PEM file); never the gateway's.
    service_key_file: str | None = None
    # The same, raw in base64.
    service_key: str | None = None

    # ── every service process ──
    # The logging level of the service processes (DEBUG when chasing a problem).
    log_level: str = "INFO"
    # The JSON-lines span file: development and the tests read the traces from it.
    trace_file: str | None = None
    # The OTLP/HTTP collector spans go to in production (the standard OTEL_* variables work too).
    otlp_endpoint: str | None = None
    # Prometheus: each service on metrics_port_base + its index (METRICS_PORT_OFFSETS), fixed for the scraper.
    metrics_port_base: int = 9100
    # One process's own metrics port, overriding the above: a replica beside the first one of its service.
    process_metrics_port: int | None = Field(None, alias="IC_METRICS_PORT")
    # Only the host itself by default: a container sets 0.0.0.0 so the scraper can reach it.
    metrics_addr: str = "127.0.0.1"
    # Workers a process runs at once (nameko max_workers); beyond the connection budget they wait for one.
    max_workers: int = 16
    # A process's connection budget is db_pool_size + db_pool_overflow, one pool (docs/architecture.md): the
    # services and the tests together stay under PostgreSQL's 100 connections.
    db_pool_size: int = 3
    db_pool_overflow: int = 2
    # Attempts of a failed event handler before its event is parked as dead (a poison message stops there).
    inbox_max_attempts: int = 5
    # The retries' backoff: doubling from the base, at most the maximum.
    inbox_base_delay_s: float = 0.5
    inbox_max_delay_s: float = 30.0
    # The retry loop's safety-net poll, for retries another replica scheduled before it died.
    inbox_poll_s: float = 5.0
    # Delivered outbox rows are kept this long (a redelivery within it is still found), then deleted.
    retain_outbox_days: float = 7
    # Handled inbox rows are kept this long: a duplicate event arriving within it is recognised.
    retain_inbox_days: float = 30
    # Idempotency keys are kept this long: a client's retry within it gets the first answer.
    retain_idempotency_days: float = 7
    # How often the retention job runs.
    retention_interval_s: float = 3600
    # Test-only fault (off): the probability a consumer crashes between its commit and its ack.
    fault_crash_before_ack: float = 0.0
    # Test-only fault (off): every handler fails its first N attempts (the retry tests).
    fault_fail_first_attempts: int = 0

    # ── budget ──
    # How often the budget gauges are recomputed for Prometheus.
    budget_metrics_tick_s: float = 60.0
    # Which cross-kind transfers a year allows, e.g. "2026:basic>project" (none unless the office says so).
    budget_cross_kind_transfers: str | None = None
    # The usage warning lines, whole percentages, e.g. "80,95" (services/budget/domain/model.py has the default).
    budget_warning_levels: str | None = None
    # How long a budget-control override (超预算特批) stays usable.
    budget_override_ttl_days: int = 30
    # An uploaded budget workbook taking longer than this to parse is refused (a hostile file).
    budget_import_parse_timeout_s: float = 60.0

    # ── approval ──
    # How often overdue tasks are looked for (reminders, escalation).
    approval_deadline_tick_s: float = 60.0
    # The due time, in hours, of a step the table in domain/deadlines.py does not name.
    approval_default_due_hours: float = 24.0
    # One due time, in seconds, for every step: the tests and drills see reminders without waiting a day.
    approval_due_seconds: float | None = None
    # How long past its due time a reminded, still undecided task is escalated (督办).
    approval_escalate_after_s: float = 24 * 3600.0
    # Where the trail's seals are anchored, outside the database (relative: to the repository).
    trail_anchor_dir: str = "var/anchors"
    # How often the anchoring timer looks whether a seal is due.
    trail_anchor_tick_s: float = 5.0
    # A seal is due this long after the last one, or sooner once trail_anchor_every document chains moved.
    trail_anchor_interval_s: float = 60.0
    trail_anchor_every: int = 100
    # How often the running service verifies the whole trail by itself (ic_trail_verified, for the alerts).
    trail_verify_interval_s: float = 3600.0

    # ── risk: the deployment's defaults of the rule book's parameters (before any stored version) ──
    # split_purchase: the approval/procurement limit (yuan) whose parts are looked for.
    risk_split_threshold: Decimal | None = None
    # split_purchase: smaller spends are not counted as parts (yuan).
    risk_split_min_part: Decimal | None = None
    # split_purchase: the window, in calendar days, the parts are added up in.
    risk_split_window_days: int | None = None
    # split_across_lines: the limit (yuan) for parts spread over a unit's lines (the test stacks set it out of reach).
    risk_across_lines_threshold: Decimal | None = None
    # split_across_lines: smaller spends are not counted as parts (yuan).
    risk_across_lines_min_part: Decimal | None = None
    # split_small_parts: the limit (yuan) for many small parts (the test stacks set it out of reach).
    risk_small_parts_threshold: Decimal | None = None
    # OCDS publication: the office's registered OCID prefix and the publisher named in each package.
    ocds_prefix: str = "ocds-ic0000"
    ocds_publisher: str = "街道办事处内部控制管理系统"

    # ── deploy tools (ic_platform/broker_users.py, the compose job that makes each principal's broker user) ──
    # The broker's administrator, who creates the users; no default: the job stops without it.
    rabbitmq_user: str | None = None
    rabbitmq_password: str | None = None
    # The broker's management API, as compose names it.
    rabbitmq_api: str = "http://rabbitmq:15672"

    @field_validator("trusted_proxies", "ops_allow", mode="before")
    @classmethod
    def _addresses(cls, value: object) -> object:
        return tuple(a.strip() for a in value.split(",") if a.strip()) if isinstance(value, str) else value

    @field_validator("access_token_ttl_s")
    @classmethod
    def _capped(cls, value: int) -> int:
        return min(value, MAX_ACCESS_TOKEN_TTL_S)

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}_{service}"

    def database_url(self, service: str) -> str:
        return f"{self.pg_server_url.rstrip('/')}/{self.database_name(service)}"

    def metrics_port(self, service: str) -> int:
        return self.metrics_port_base + METRICS_PORT_OFFSETS[service]

    @functools.cached_property
    def risk_defaults(self) -> dict[str, str]:
        """The rule-book parameter defaults this deployment overrides, by setting name (IC_RISK_*); made once,
        as risk judges every event with them."""
        fields = self.model_dump(include={n for n in type(self).model_fields if n.startswith("risk_")})
        return {f"IC_{name.upper()}": str(v) for name, v in fields.items() if v is not None}

    def with_(self, **changes: object) -> Settings:
        """A copy with some values changed (tests: another database prefix)."""
        return self.model_copy(update=changes)


@functools.cache
def settings() -> Settings:
    """The process's settings, read from the environment once: they do not change while it runs. A process that
    changes its own environment on purpose (the test harness, which makes keys) calls reload_settings()."""
    return Settings()


def reload_settings() -> Settings:
    settings.cache_clear()
    return settings()


DEFAULT_ORG = settings().default_org
