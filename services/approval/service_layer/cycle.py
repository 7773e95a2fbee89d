"""Cycle time (审批时效): how long steps and whole approvals take.

Measured twice: as Prometheus histograms at the moment of each decision (for dashboards and alerts), and as
a report computed from the stored task and route timestamps (for any period, after the fact)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import model_validator

from ic_platform import metrics
from ic_platform.commands import Code, Command, Day
from ic_platform.context import CallContext
from services.approval.domain.model import DecisionResult, Route, RouteStatus
from services.approval.service_layer.unit_of_work import ApprovalUnitOfWork

REPORT_TZ = ZoneInfo("Asia/Shanghai")  # a day is a local working day, as in the budget reports


class CycleReport(Command):
    document_type: Code | None = None
    date_from: Day | None = None  # decided (steps) or completed (routes) on or after this day
    date_to: Day | None = None  # ... up to and including this day

    @model_validator(mode="after")
    def _ordered(self) -> CycleReport:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("起始日期不能晚于截止日期")
        return self


def observe(uow: ApprovalUnitOfWork, route: Route, result: DecisionResult) -> None:
    """Called in the decision's transaction, after the domain accepted it."""
    submitted_at, assigned_at, now = uow.watch.times(route.id, result.task.id)
    document_type = route.document.type
    metrics.approval_step_seconds.labels(
        document_type, route.step(result.task.step_no).name, result.task.status.value
    ).observe((now - assigned_at).total_seconds())
    if result.outcome in (RouteStatus.APPROVED, RouteStatus.REJECTED):
        metrics.approval_cycle_seconds.labels(document_type, result.outcome.value).observe(
            (now - submitted_at).total_seconds()
        )


def report(cmd: CycleReport, uow: ApprovalUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """Per document type and per step: count, mean, p50, p90, max (seconds) and the share done within one day
    (当日办结率); per document type, the same for whole approvals, submission to completion."""
    since = datetime.combine(cmd.date_from, time.min, REPORT_TZ) if cmd.date_from else None
    until = datetime.combine(cmd.date_to + timedelta(days=1), time.min, REPORT_TZ) if cmd.date_to else None
    with uow:
        steps = uow.watch.step_times(ctx.org, cmd.document_type, since, until)
        cycles = uow.watch.cycle_times(ctx.org, cmd.document_type, since, until)
    by_type: dict[str, dict[str, Any]] = {}
    for row in cycles:
        by_type.setdefault(row.document_type, {"document_type": row.document_type, "steps": []})["cycle"] = _stats(row)
    for row in steps:
        entry = by_type.setdefault(row.document_type, {"document_type": row.document_type, "steps": [], "cycle": None})
        entry["steps"].append({"step_name": row.step_name, **_stats(row)})
    for entry in by_type.values():
        entry.setdefault("cycle", None)
    return {
        "document_type": cmd.document_type,
        "date_from": _day(cmd.date_from),
        "date_to": _day(cmd.date_to),
        "unit": "seconds",
        "items": [by_type[k] for k in sorted(by_type)],
    }


def _stats(row: Any) -> dict[str, Any]:
    return {
        "count": row.count,
        "mean_s": _round(row.mean),
        "p50_s": _round(row.p50),
        "p90_s": _round(row.p90),
        "max_s": _round(row.max),
        "within_one_day_rate": _round(row.within_day, 4),
    }


def _round(value: Any, places: int = 1) -> float | None:
    return None if value is None else round(float(value), places)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
