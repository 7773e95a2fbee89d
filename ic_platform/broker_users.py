"""Each service and the gateway on the broker as its own RabbitMQ user, allowed only its own part of the
topology, derived from `config.SERVICES` and `topology` so that a new service gets its user without anyone
writing it down. IC_BROKER_USERS=1 turns it on for `make run` (scripts/ensure-infra.sh creates the users); the
test stacks always use it.

RabbitMQ checks three regular expressions per user and vhost (configure, write, read):

- gateway: configure, write and read `nameko-rpc` and its reply queues, nothing else;
- service X: configure and write `nameko-rpc`, `rpc-X`, its reply queues, `ic.events` and every `ic.*.events`;
  read the same but, of the event queues, `ic.X.events` only.

So no service, and not the gateway, can consume another's RPC queue or event queue, and the gateway cannot
publish an event. Every relay declares and binds the whole event topology before it publishes (topology.py),
which needs configure and write on every event queue; reading stays with the owner."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ic_platform import topology
from ic_platform.config import SERVICES, Settings

RPC_EXCHANGE = "nameko-rpc"
GATEWAY = "gateway"
PRINCIPALS: tuple[str, ...] = (*SERVICES, GATEWAY)
RIGHTS = ("configure", "write", "read")


def _one_of(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def permissions(principal: str) -> tuple[str, str, str]:
    """(configure, write, read) for a service's or the gateway's user."""
    rpc, events = re.escape(RPC_EXCHANGE), re.escape(topology.EXCHANGE)
    replies = rf"rpc\.reply-{re.escape(principal)}-.+"  # nameko's and ic_platform.rpc_client's reply queues
    if principal == GATEWAY:
        own = _one_of(rpc, replies)
        return own, own, own
    rpc_queue = re.escape(f"rpc-{principal}")
    every_event_queue = re.escape(topology.queue_name("§")).replace("§", "[a-z_]+")
    own_event_queue = re.escape(topology.queue_name(principal))
    shared = _one_of(rpc, rpc_queue, replies, events, every_event_queue)
    return shared, shared, _one_of(rpc, rpc_queue, replies, events, own_event_queue)


def user_name(prefix: str, principal: str) -> str:
    return f"{prefix}-{principal}"


def with_user(uri: str, user: str, password: str) -> str:
    """`uri` (amqp://...) signed in as another user."""
    parts = urlsplit(uri)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def ensure(vhost: str, prefix: str, base_uri: str, passwords: dict[str, str] | None = None) -> dict[str, str]:
    """Create (or update) every principal's user with its permissions on `vhost`; principal → AMQP URI. Known
    passwords are kept; new users get a random one. One `rabbitmqctl import_definitions` for them all: each
    rabbitmqctl call starts an Erlang node (~0.6 s), and a call per user and permission took ~25 s."""
    passwords = {p: (passwords or {}).get(p) or secrets.token_hex(16) for p in PRINCIPALS}
    definitions = {
        "users": [
            {
                "name": user_name(prefix, p),
                "password_hash": _password_hash(passwords[p]),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": [],
            }
            for p in PRINCIPALS
        ],
        "permissions": [
            {"user": user_name(prefix, p), "vhost": vhost, **dict(zip(RIGHTS, permissions(p), strict=True))}
            for p in PRINCIPALS
        ],
    }
    # On standard input, not in a file: the hashes are never on disk, and the broker's node need not read it.
    _run("import_definitions", "--format", "json", input=json.dumps(definitions).encode())
    return {p: with_user(base_uri, user_name(prefix, p), passwords[p]) for p in PRINCIPALS}


def _password_hash(password: str) -> str:
    """RabbitMQ's stored form (rabbit_password_hashing_sha256): base64 of a 4-byte salt and SHA-256(salt + password)."""
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def remove(prefix: str) -> None:
    """Every principal's user deleted in one call (a user that is not there is skipped)."""
    names = ", ".join(f'<<"{_erlang_safe(user_name(prefix, p))}">>' for p in PRINCIPALS)
    _run("eval", f'[rabbit_auth_backend_internal:delete_user(U, <<"cli">>) || U <- [{names}]], ok.', check=False)


def _erlang_safe(name: str) -> str:
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"not a broker user name: {name!r}")
    return name


def _run(*args: str, check: bool = True, input: bytes | None = None) -> subprocess.CompletedProcess:  # noqa: A002
    return subprocess.run(["rabbitmqctl", "-q", *args], check=check, capture_output=True, timeout=60, input=input)


def ensure_stored(store: Path, base_uri: str, prefix: str = "ic") -> dict[str, str]:
    """make run's users on `base_uri`'s vhost, their URIs kept in `store` (JSON, owner-only; var/ is not in git)
    so that the next start reuses the passwords."""
    known = json.loads(store.read_text()) if store.exists() else {}
    vhost = unquote(urlsplit(base_uri).path.lstrip("/")) or "/"
    uris = ensure(vhost, prefix, base_uri, {p: unquote(urlsplit(u).password or "") for p, u in known.items()})
    store.parent.mkdir(parents=True, exist_ok=True)
    store.touch(mode=0o600)
    store.write_text(json.dumps(uris, indent=2))
    return uris


def password_variable(principal: str) -> str:
    """The environment variable that holds a principal's password in deploy/docker-compose.yml."""
    return f"IC_RABBITMQ_PASSWORD_{principal.upper()}"


def provision_http(api: str, admin: tuple[str, str], passwords: dict[str, str], vhost: str = "/") -> None:
    """The same users and permissions through the management API (`api`: http://host:15672), for containers
    that have no rabbitmqctl (the compose job `broker-users`). Idempotent: PUT creates or updates."""
    for principal in PRINCIPALS:
        user = user_name("ic", principal)
        _put(api, admin, f"/api/users/{quote(user, safe='')}", {"password": passwords[principal], "tags": ""})
        configure, write, read = permissions(principal)
        body = {"configure": configure, "write": write, "read": read}
        _put(api, admin, f"/api/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", body)


def _put(api: str, admin: tuple[str, str], path: str, body: dict) -> None:
    import base64
    import urllib.request

    request = urllib.request.Request(api.rstrip("/") + path, data=json.dumps(body).encode(), method="PUT")
    request.add_header("Content-Type", "application/json")
    request.add_header("Authorization", "Basic " + base64.b64encode(":".join(admin).encode()).decode())
    with urllib.request.urlopen(request, timeout=30):
        pass


def _provision_from_env(attempts: int = 60) -> None:
    """compose's job: admin and every principal's password from the environment (no defaults: a missing one
    stops it); the management API may come up a little after the broker answers pings, hence the retries."""
    import os
    import time
    from urllib.error import HTTPError

    # One password a principal (IC_RABBITMQ_PASSWORD_<PRINCIPAL>): named by the principal, so read by name here
    # rather than declared one by one in ic_platform/config.py (docs/settings.md lists them).
    passwords = {p: os.environ[password_variable(p)] for p in PRINCIPALS}
    cfg = Settings()  # read now: the test of this job sets them on the fly
    if not cfg.rabbitmq_user or not cfg.rabbitmq_password:
        raise KeyError("IC_RABBITMQ_USER and IC_RABBITMQ_PASSWORD")
    admin, api = (cfg.rabbitmq_user, cfg.rabbitmq_password), cfg.rabbitmq_api
    for attempt in range(attempts):
        try:
            provision_http(api, admin, passwords)
            break
        except OSError as error:  # URLError and refused connections alike
            if isinstance(error, HTTPError) and error.code < 500:  # a wrong admin password: no use waiting
                raise
            if attempt == attempts - 1:
                raise
            print(f"[broker] management API not ready ({error}); again in 2 s", file=sys.stderr)
            time.sleep(2)
    print(f"[broker] users {', '.join(user_name('ic', p) for p in PRINCIPALS)}")


def main(argv: list[str]) -> None:
    """`python -m ic_platform.broker_users ensure FILE`: the users of IC_AMQP_URI's vhost (see ensure_stored).
    `python -m ic_platform.broker_users provision`: the users through the management API (docker compose)."""
    from ic_platform.config import settings

    if argv == ["provision"]:
        _provision_from_env()
        return
    if len(argv) != 2 or argv[0] != "ensure":
        print(main.__doc__)
        raise SystemExit(2)
    uris = ensure_stored(Path(argv[1]), settings().amqp_uri)
    print(f"[broker] users {', '.join(user_name('ic', p) for p in uris)}")


if __name__ == "__main__":
    main(sys.argv[1:])
