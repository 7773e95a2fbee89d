"""`make run`: migrate, seed the demo organisation, start every service and the gateway, print where to log in.
Ctrl-C stops everything. Running it again is safe: migrations and seeding change nothing twice, and if the
system is already up it says so instead of starting a second copy."""

from __future__ import annotations

import sys
import urllib.request

from deploy.seed import demo_org
from deploy.stack import ROOT, base_env, parse_replicas, process_specs, settings_from, wait_ready
from ic_platform import broker_users, keys
from ic_platform.config import SERVICES
from ic_platform.supervisor import Supervisor


def already_running(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def banner(url: str) -> str:
    rows = "\n".join(f"    {u:<10} {role}（{unit}）" for u, role, unit in demo_org.demo_logins())
    return f"""
==================================================================
  内部控制管理系统 is running ({demo_org.ORG_NAME}, {demo_org.FISCAL_YEAR} 年度)
  Web client (office PC)   : {url}/
  Mobile client (phone)    : {url}/m/
  API and interactive docs : {url}/docs   {url}/redoc
  Readiness / metrics      : {url}/readyz   {url}/metrics
  Demo logins (password: {demo_org.DEMO_PASSWORD}):
{rows}
  Sign in: POST {url}/api/v1/auth/login {{"username": "clerk", "password": "{demo_org.DEMO_PASSWORD}"}}
  Ctrl-C stops everything.
==================================================================
"""


def local_env() -> dict[str, str]:
    """make run's settings: a signing key of this checkout (generated on first start into var/keys, reused
    after), and the demo, whose passwords are accepted here only."""
    env = base_env()
    if not env.get(keys.SIGNING_KEY_SETTING):
        signing, verify = keys.ensure(ROOT / "var" / "keys")
        env[keys.SIGNING_KEY_SETTING], env[keys.VERIFY_KEY_SETTING] = str(signing), str(verify)
        env[keys.SERVICE_KEY_SETTING] = str(keys.service_file(signing.parent))
    env.setdefault("IC_DEMO", "1")
    return env


def broker_env(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """IC_BROKER_USERS=1: each service and the gateway on the broker as its own user (ic_platform/broker_users.py;
    scripts/ensure-infra.sh made them, or they are made here), otherwise everyone as IC_AMQP_URI's user."""
    if env.get("IC_BROKER_USERS") != "1":
        return {}
    uris = broker_users.ensure_stored(ROOT / "var" / "broker-users.json", settings_from(env).amqp_uri)
    return {principal: {"IC_AMQP_URI": uri} for principal, uri in uris.items()}


def living_office(url: str) -> None:
    """The demo office's first payments, through the API (deploy/seed/activity.py); once."""
    from deploy.seed import activity

    try:
        if activity.run(url):
            print("[run] demo activity: two contracts accepted and paid, a travel claim reimbursed", flush=True)
    except Exception as exc:  # noqa: BLE001 - the system runs on without the demo's payments
        print(f"[run] demo activity skipped: {exc}", file=sys.stderr, flush=True)


def main() -> int:
    from deploy.seed.load import seed
    from ic_platform.cli import declare_topology
    from ic_platform.db import migrate

    env = local_env()
    cfg = settings_from(env)
    url = f"http://{cfg.gateway_host}:{cfg.gateway_port}"
    if already_running(url):
        print(f"[run] already running at {url}/docs — nothing to do.")
        print(banner(url))
        return 0
    for service in SERVICES:
        migrate(service, cfg)
        print(f"[run] database {cfg.database_name(service)} migrated")
    counts = seed(cfg)
    print(f"[run] demo organisation seeded: {counts}")
    declare_topology()
    replicas = parse_replicas(env.get("IC_REPLICAS"))  # e.g. IC_REPLICAS=payment=2,approval=2
    supervisor = Supervisor(process_specs(env, replicas=replicas, service_env=broker_env(env)), log_dir="var/log")
    supervisor.start()
    try:
        wait_ready(url + "/readyz", timeout=120)
        print(banner(url), flush=True)
        living_office(url)
    except TimeoutError as exc:
        print(f"[run] {exc}; see the logs above and var/log/", file=sys.stderr)
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main())
