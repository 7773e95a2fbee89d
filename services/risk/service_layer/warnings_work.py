"""Warnings as work (预警处置, issue 13 §3): the status of each warning, moved by approval's acknowledgement at
the decision and by discipline inspection (dismiss, confirm as a finding to rectify, close the rectification);
the supervision list of warnings (paged, filtered on the server, in the reader's data scope).

Each move commits with its event (`risk.warning_acknowledged|dismissed|confirmed`, `risk.rectification_closed`)
through the outbox. Approval hears the last three and appends them to the document's hash-chained trail; the
acknowledgement is already in that trail (approval wrote `risk_acknowledged` with the decision)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from ic_platform import scope
from ic_platform.catalogue import control_events
from ic_platform.commands import Code, Command, Day, PageNumber, PageSize
from ic_platform.context import CallContext
from ic_platform.documents import DocumentRef
from ic_platform.envelope import Envelope
from ic_platform.errors import InvalidInput, not_found
from ic_platform.paging import page_window, paged
from services.risk.adapters.supervision import readable_warnings
from services.risk.domain.rules import RULE_LABELS, SEVERITY_LABELS, Rule, Severity
from services.risk.domain.workflow import STATUS_LABELS, Case, Status
from services.risk.service_layer.handlers import readable_document
from services.risk.service_layer.unit_of_work import RiskUnitOfWork

PRODUCER = "risk"
LOCAL = ZoneInfo("Asia/Shanghai")
LongText = Annotated[str, Field(max_length=2000)]


# ── commands ──
class ListWarnings(Command):
    unit: Code | None = None
    severity: Literal["low", "medium", "high"] | None = None
    rule: Code | None = None
    status: Literal["open", "acknowledged", "dismissed", "confirmed", "rectified"] | None = None
    document_type: Code | None = None
    date_from: Day | None = None
    date_to: Day | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


class WarningQuery(Command):
    warning_id: Code  # a warning's number; anything else is answered like a warning that does not exist


class Dismiss(Command):
    warning_id: Code
    reason: LongText


class Confirm(Command):
    warning_id: Code
    due_date: Day
    responsible_unit: Code
    finding: LongText


class CloseRectification(Command):
    warning_id: Code
    closing_note: LongText


# ── events heard ──
def on_warnings_acknowledged(event: Envelope, uow: RiskUnitOfWork) -> None:
    """approval.warnings_acknowledged: the approver acknowledged these warnings with their decision."""
    p = event.payload
    at = datetime.fromisoformat(p["acknowledged_at"])
    for warning_id in p["warning_ids"]:
        row = uow.cases.warning(event.org, warning_id, lock=True)
        if row is None:
            continue  # not a warning of this office (approval only lists risk's own)
        case, news = uow.cases.case(warning_id).acknowledge(p["acknowledged_by"], at, p.get("comment"), p["task_id"])
        if not news:
            continue
        uow.cases.save(event.org, case)
        payload = {
            **_about(row),
            "status": case.status.value,
            "acknowledged_by": case.acknowledged_by,
            "acknowledged_at": at.isoformat(),
            "task_id": p["task_id"],
        }
        if case.acknowledged_comment:
            payload["comment"] = case.acknowledged_comment
        _publish(uow, CallContext.from_envelope(event), "risk.warning_acknowledged", payload, row)


def on_unit_registered(event: Envelope, uow: RiskUnitOfWork) -> None:
    unit = event.payload["unit"]
    uow.units.register(event.org, unit["code"], unit["name"], unit.get("kind"))


def on_segregation_refused(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.sod_refusals.record(
        event.event_id, event.org, p.get("unit"), p["person"], p["rule"], event.producer, _when(event)
    )


def on_step_assigned(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.tasks.record(
        event.org,
        p["task_id"],
        p["document"],
        step_no=p["step_no"],
        step_name=p.get("step_name"),
        assignee=p["assignee"],
        assigned_at=_when(event),
    )


def on_step_decided(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.tasks.record(
        event.org, p["task_id"], p["document"], step_no=p["step_no"], decided_at=_when(event), decision=p["decision"]
    )


def on_returned(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.tasks.record(
        event.org, p["task_id"], p["document"], step_no=p["step_no"], decided_at=_when(event), decision="returned"
    )


def on_task_reassigned(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.tasks.record(
        event.org, p["task_id"], p["document"], step_no=p["step_no"], decided_at=_when(event), decision="reassigned"
    )


def on_task_overdue(event: Envelope, uow: RiskUnitOfWork) -> None:
    p = event.payload
    uow.tasks.record(event.org, p["task_id"], p["document"], step_no=p["step_no"], overdue_at=_when(event))


# ── inspection's actions ──
def dismiss(cmd: Dismiss, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        row = _readable_warning(uow, ctx, cmd.warning_id, lock=True)
        now = datetime.now(UTC)
        case = uow.cases.case(row.id).dismiss(ctx.actor, _roles(ctx), now, cmd.reason)
        uow.cases.save(ctx.org, case)
        payload = {
            **_about(row),
            "dismissed_by": ctx.actor,
            "dismissed_at": now.isoformat(),
            "reason": case.dismissal_reason,
        }
        _publish(uow, ctx, "risk.warning_dismissed", payload, row)
        uow.commit()
    return warning_view(row, case)


def confirm(cmd: Confirm, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        row = _readable_warning(uow, ctx, cmd.warning_id, lock=True)
        now = datetime.now(UTC)
        case = uow.cases.case(row.id).confirm(
            ctx.actor,
            _roles(ctx),
            now,
            today(),
            cmd.due_date,
            cmd.responsible_unit,
            cmd.finding,
            known_unit=cmd.responsible_unit == row.unit or uow.units.known(ctx.org, cmd.responsible_unit),
        )
        uow.cases.save(ctx.org, case)
        payload = {
            **_about(row),
            "confirmed_by": ctx.actor,
            "confirmed_at": now.isoformat(),
            "due_date": case.due_date.isoformat(),
            "responsible_unit": case.responsible_unit,
            "finding": case.finding,
        }
        _publish(uow, ctx, "risk.warning_confirmed", payload, row)
        uow.commit()
    return warning_view(row, case)


def close_rectification(cmd: CloseRectification, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        row = _readable_warning(uow, ctx, cmd.warning_id, lock=True)
        now = datetime.now(UTC)
        unit = ctx.viewer.unit if ctx.viewer else None
        case = uow.cases.case(row.id).close(ctx.actor, _roles(ctx), unit, now, cmd.closing_note)
        payload = {
            "warning_id": row.id,
            "document": _document(row).as_dict(),
            "rule": row.rule,
            "closed_by": ctx.actor,
            "closed_at": now.isoformat(),
            "closing_note": case.closing_note,
            "due_date": case.due_date.isoformat(),
            "responsible_unit": case.responsible_unit,
            "on_time": case.closed_on_time(local_day(now)),
        }
        uow.cases.save(ctx.org, case)
        _publish(uow, ctx, "risk.rectification_closed", payload, row)
        uow.commit()
    return warning_view(row, case)


# ── reads ──
def list_warnings(cmd: ListWarnings, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    """风险预警台账: every warning the reader may see (its document is in their data scope), newest first."""
    if cmd.date_from and cmd.date_to and cmd.date_from > cmd.date_to:
        raise InvalidInput(
            "invalid_input",
            "起始日期不能晚于截止日期",
            {"fields": [{"field": "date_from", "reason": "不能晚于截止日期"}]},
        )
    filters = {
        "unit": cmd.unit,
        "severity": cmd.severity,
        "rule": cmd.rule,
        "status": cmd.status,
        "document_type": cmd.document_type,
        "start": day_start(cmd.date_from) if cmd.date_from else None,
        "end": day_start(cmd.date_to + timedelta(days=1)) if cmd.date_to else None,
    }
    limit, offset = page_window(cmd.page, cmd.page_size)
    with uow:
        rows, total = uow.cases.page(ctx.org, readable_warnings(_scopes(ctx)), filters, limit, offset)
        names = uow.units.names(ctx.org)
    items = [warning_view(r, _case_of(r), names) for r in rows]
    return paged(items, total, cmd.page, limit)


def get_warning(cmd: WarningQuery, uow: RiskUnitOfWork, ctx: CallContext) -> dict[str, Any]:
    with uow:
        row = _readable_warning(uow, ctx, cmd.warning_id)
        case = uow.cases.case(row.id)
        names = uow.units.names(ctx.org)
    return warning_view(row, case, names)


def warning_view(row: Any, case: Case, names: dict[str, str] | None = None) -> dict[str, Any]:
    document = _document(row)
    names = names or {}
    unit = getattr(row, "unit", None)
    view = {
        "id": row.id,
        "document": document.as_dict(),
        "unit": unit,
        "unit_name": names.get(unit, unit) if unit else None,
        "rule": row.rule,
        "rule_label": _rule_label(row.rule),
        "severity": row.severity,
        "severity_label": SEVERITY_LABELS.get(Severity(row.severity), row.severity),
        "message": row.message,
        "evidence": row.evidence,
        "raised_at": row.raised_at.isoformat(),
        "status": case.status.value,
        "status_label": STATUS_LABELS[case.status],
        "dossier": f"/api/v1/dossiers/{document.type}/{document.id}",
        "project": f"/api/v1/risk/projects/by-document/{document.type}/{document.id}",
        "acknowledged": _stamp(case.acknowledged_by, case.acknowledged_at, comment=case.acknowledged_comment),
        "dismissed": _stamp(case.dismissed_by, case.dismissed_at, reason=case.dismissal_reason),
        "confirmed": _stamp(
            case.confirmed_by,
            case.confirmed_at,
            finding=case.finding,
            due_date=case.due_date.isoformat() if case.due_date else None,
            responsible_unit=case.responsible_unit,
            responsible_unit_name=names.get(case.responsible_unit, case.responsible_unit),
        ),
        "rectification": _stamp(
            case.closed_by,
            case.closed_at,
            closing_note=case.closing_note,
            on_time=case.closed_on_time(local_day(case.closed_at)) if case.closed_at else None,
        ),
    }
    if case.status is Status.CONFIRMED and case.due_date is not None:
        view["overdue"] = today() > case.due_date
    return view


# ── helpers ──
def _readable_warning(uow: RiskUnitOfWork, ctx: CallContext, warning_id: str, lock: bool = False) -> Any:
    number = int(warning_id) if warning_id.isascii() and warning_id.isdigit() and len(warning_id) < 19 else None
    row = uow.cases.warning(ctx.org, number, lock=lock) if number else None
    if row is None or not readable_document(uow, ctx, _document(row)):
        raise not_found("risk_warning", warning_id, "风险预警")
    return row


def _scopes(ctx: CallContext) -> dict[scope.Area, scope.Scope]:
    return {area: scope.scope_of(ctx.viewer, area) for area in scope.Area}


def _roles(ctx: CallContext) -> frozenset[str]:
    return frozenset(ctx.viewer.roles) if ctx.viewer else frozenset()


def _case_of(row: Any) -> Case:
    from dataclasses import fields

    values = {f.name: getattr(row, f.name) for f in fields(Case) if f.name not in ("warning_id", "status")}
    return Case(row.id, status=Status(row.status), **values)


def _document(row: Any) -> DocumentRef:
    return DocumentRef(row.document_type, row.document_id, row.document_no)


def _about(row: Any) -> dict[str, Any]:
    return {"warning_id": row.id, "document": _document(row).as_dict(), "rule": row.rule, "severity": row.severity}


def _publish(uow: RiskUnitOfWork, ctx: CallContext, type_: str, payload: dict[str, Any], row: Any) -> None:
    uow.publish(ctx.event(type_, payload, producer=PRODUCER, subject=_document(row).subject))


def _rule_label(rule: str) -> str:
    try:
        return RULE_LABELS[Rule(rule)]
    except (ValueError, KeyError):
        return rule


def _stamp(by: str | None, at: datetime | None, **extra: Any) -> dict[str, Any] | None:
    if by is None:
        return None
    return {"by": by, "at": at.isoformat() if at else None, **extra}


def _when(event: Envelope) -> datetime:
    moment = datetime.fromisoformat(event.occurred_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def today() -> date:
    return datetime.now(LOCAL).date()


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL)


# The approval tasks the scorecards count (the replay command rebuilds them with these same handlers).
TASK_HANDLERS = {
    "approval.step_assigned": [on_step_assigned],
    "approval.step_decided": [on_step_decided],
    "approval.returned": [on_returned],
    "approval.task_reassigned": [on_task_reassigned],
    "approval.task_overdue": [on_task_overdue],
}
EVENT_HANDLERS = {
    **{control_events.event_type(s): [on_segregation_refused] for s in control_events.SOD_PRODUCERS},
    "approval.warnings_acknowledged": [on_warnings_acknowledged],
    "org.unit_registered": [on_unit_registered],
    **TASK_HANDLERS,
}
