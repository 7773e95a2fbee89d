"""Fill the budget service's unit cache from the org service, once: for a budget database that existed before
the cache did (org announces a unit only when it changes, so such a database would never hear of the units it
already has). Asks org's `list_units` over RPC, page by page, and upserts every unit as announced now.

    python -m services.budget.units sync [org]      # org defaults to IC_DEFAULT_ORG
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, Protocol

from ic_platform.config import DEFAULT_ORG, Settings, settings
from ic_platform.db import make_engine
from ic_platform.identity import IDENTITY_KEY, sign_service
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

PAGE_SIZE = 200


class Rpc(Protocol):
    def call(
        self,
        service: str,
        method: str,
        kwargs: dict | None = None,
        *,
        timeout: float | None = None,
        context: dict | None = None,
    ) -> Any: ...


def sync_units(rpc: Rpc, uow: BudgetUnitOfWork, org: str) -> int:
    """Every unit the org service has for `org`, into the cache; how many. One transaction."""
    # A command-line tool acts on the budget service's own account: a system call (ic_platform/identity.py).
    context = {"org": org, "actor": "system", IDENTITY_KEY: sign_service("budget")}
    units, page = [], 1
    while True:
        answer = rpc.call("org", "list_units", {"page": page, "page_size": PAGE_SIZE}, context=context)
        units.extend(answer["items"])
        if not answer["items"] or len(units) >= answer["total"]:
            break
        page += 1
    now = datetime.now(UTC)
    with uow:
        for unit in units:
            uow.units.upsert(org, unit["code"], unit["name"], unit["kind"], now)
        uow.commit()
    return len(units)


def sync(org: str = DEFAULT_ORG, cfg: Settings | None = None) -> int:
    from ic_platform.rpc_client import RpcClient

    cfg = cfg or settings()
    client = RpcClient(cfg.amqp_uri, name="budget-unit-sync")
    engine = make_engine(cfg.database_url("budget"), pool_size=1)
    client.start()
    try:
        return sync_units(client, BudgetUnitOfWork(engine), org)
    finally:
        client.stop()
        engine.dispose()


def main(argv: list[str]) -> None:
    if not argv or argv[0] != "sync":
        print(__doc__)
        raise SystemExit(2)
    org = argv[1] if len(argv) > 1 else DEFAULT_ORG
    print(json.dumps({"org": org, "units": sync(org)}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
