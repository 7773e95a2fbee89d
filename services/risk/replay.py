"""Rebuild the risk service's project projection (关联查询, docs/supervision.md) from the stored event history:
`python -m services.risk.replay` (database from IC_PG_URL / IC_DB_PREFIX, like the service).

In one transaction: the project tables are emptied, then every stored event of a project type (the dossier's
entries, which keep every event about a document, and any event the inbox holds that the dossier did not file)
is read in the order it happened, its facts (domain/project.py, as the running service's handler takes them)
folded in memory by the same rules the database's upserts follow, and the result written in bulk. The facts are
order-independent, so the rebuilt projection answers what the live one answered. Prints a JSON summary."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("PSYCOPG_IMPL", "binary")

import json  # noqa: E402
import time  # noqa: E402
from types import SimpleNamespace  # noqa: E402
from typing import Any  # noqa: E402

from sqlalchemy.engine import Engine  # noqa: E402

from ic_platform.config import Settings, settings  # noqa: E402
from ic_platform.db import make_engine  # noqa: E402
from ic_platform.envelope import Envelope  # noqa: E402
from services.risk.domain.project import Projection, facts_of  # noqa: E402
from services.risk.service_layer import project, warnings_work  # noqa: E402
from services.risk.service_layer.unit_of_work import RiskUnitOfWork  # noqa: E402

SERVICE = "risk"


def replay(engine: Engine) -> dict[str, Any]:
    started = time.perf_counter()
    events = 0
    with RiskUnitOfWork(engine) as uow:
        uow.projects.lock()
        uow.projects.clear()
        projection = Projection()
        for data in uow.projects.history(project.PROJECT_HANDLED):
            event = Envelope.from_dict(data)
            projection.apply(event.org, facts_of(event))
            events += 1
        uow.projects.load(projection)
        tasks = _replay_tasks(uow)
        counts = uow.projects.counts()
        uow.commit()
    seconds = time.perf_counter() - started
    return {
        "events": events,
        "tasks": tasks,
        **counts,
        "seconds": round(seconds, 3),
        "events_per_second": round(events / seconds, 1) if seconds else None,
    }


def _replay_tasks(uow: RiskUnitOfWork) -> int:
    """The approval tasks the scorecards count (risk_task), from approval's events in the dossier: the same
    handlers, recording into memory (each field set by the event that carries it), written in bulk."""
    fold = SimpleNamespace(tasks=_TaskFold())
    for data in uow.projects.history(tuple(warnings_work.TASK_HANDLERS), with_attachments=False):
        event = Envelope.from_dict(data)
        for handler in warnings_work.TASK_HANDLERS[event.type]:
            handler(event, fold)
    rows = list(fold.tasks.rows.values())
    uow.tasks.replace_all(rows)
    return len(rows)


class _TaskFold:
    """Stands in for `uow.tasks` (adapters/supervision.TaskRepository.record): the same upsert, into a dict."""

    COLUMNS = ("step_no", "step_name", "assignee", "assigned_at", "decided_at", "decision", "overdue_at")

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def record(self, org: str, task_id: str, document: dict, **values: Any) -> None:
        key = str(task_id)
        if key not in self.rows:
            self.rows[key] = {
                "task_id": key,
                "org": org,
                "document_type": document["type"],
                "document_id": document["id"],
                **dict.fromkeys(self.COLUMNS),
            }
        self.rows[key].update({k: v for k, v in values.items() if v is not None})


def main(argv: list[str], cfg: Settings | None = None) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    cfg = cfg or settings()
    engine = make_engine(cfg.database_url(SERVICE), pool_size=2)
    try:
        print(json.dumps(replay(engine), ensure_ascii=False))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
