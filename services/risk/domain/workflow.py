"""A risk warning worked as a case (预警处置): its status and who may move it. Pure: no I/O, no frameworks.

    open ──(acknowledged at the decision)──▶ acknowledged
    open | acknowledged ──(inspector dismisses, with a reason)──▶ dismissed
    open | acknowledged ──(inspector confirms: a finding to rectify, due date, responsible unit)──▶ confirmed
    confirmed ──(rectified: closing note; the inspector or the responsible unit's head)──▶ rectified

Dismissed and rectified are final. An acknowledgement heard after a warning was already dismissed or confirmed
(approval's event may come late) is recorded but moves nothing. Each move is an event and a trail entry
(service_layer/warnings_work.py); the rules here only say whether the move is allowed and what it records."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from ic_platform.errors import Conflict, Forbidden, InvalidInput


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"
    RECTIFIED = "rectified"


STATUS_LABELS = {
    Status.OPEN: "待处置",
    Status.ACKNOWLEDGED: "审批时已确认知悉",
    Status.DISMISSED: "已排除",
    Status.CONFIRMED: "已核实，整改中",
    Status.RECTIFIED: "已整改销号",
}

# Who works warnings: discipline inspection (纪检监察) dismisses and confirms; it or the head of the unit made
# responsible closes a rectification. Auditors read, never act (三员分立: audit checks the work, it does not do it).
WORKERS = frozenset({"inspector"})
CLOSERS = frozenset({"inspector"})
UNIT_CLOSER = "unit_head"
MAX_TEXT = 2000


@dataclass(frozen=True)
class Case:
    """What risk keeps of a warning's handling (a warning never worked is `open` with nothing else)."""

    warning_id: int
    status: Status = Status.OPEN
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_comment: str | None = None
    task_id: str | None = None
    dismissed_by: str | None = None
    dismissed_at: datetime | None = None
    dismissal_reason: str | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    due_date: date | None = None
    responsible_unit: str | None = None
    finding: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    closing_note: str | None = None

    @property
    def final(self) -> bool:
        return self.status in (Status.DISMISSED, Status.RECTIFIED)

    def acknowledge(self, by: str, at: datetime, comment: str | None, task_id: str | None) -> tuple[Case, bool]:
        """(the case, whether this is news). The first acknowledgement is kept; an open warning becomes
        acknowledged, one already dismissed or confirmed keeps its status (the decision came before)."""
        if self.acknowledged_by is not None:
            return self, False
        status = Status.ACKNOWLEDGED if self.status is Status.OPEN else self.status
        return (
            replace(
                self,
                status=status,
                acknowledged_by=by,
                acknowledged_at=at,
                acknowledged_comment=comment,
                task_id=task_id,
            ),
            True,
        )

    def dismiss(self, by: str, roles: frozenset[str], at: datetime, reason: str) -> Case:
        _must_work(roles, "dismiss")
        self._must_be(Status.OPEN, Status.ACKNOWLEDGED, action="排除")
        reason = _text(reason, "reason", "排除理由")
        return replace(self, status=Status.DISMISSED, dismissed_by=by, dismissed_at=at, dismissal_reason=reason)

    def confirm(
        self,
        by: str,
        roles: frozenset[str],
        at: datetime,
        today: date,
        due_date: date,
        responsible_unit: str,
        finding: str,
        known_unit: bool,
    ) -> Case:
        _must_work(roles, "confirm")
        self._must_be(Status.OPEN, Status.ACKNOWLEDGED, action="核实")
        finding = _text(finding, "finding", "核实意见与整改要求")
        if due_date < today:
            raise InvalidInput(
                "risk_rectification_due_in_past",
                f"整改期限不能早于今天：期限 {due_date.isoformat()}，今天 {today.isoformat()}",
                {"fields": [{"field": "due_date", "reason": "不能早于今天"}], "today": today.isoformat()},
            )
        if not known_unit:
            raise InvalidInput(
                "risk_unknown_unit",
                f"责任单位不存在：{responsible_unit}",
                {"fields": [{"field": "responsible_unit", "reason": "单位不存在"}]},
            )
        return replace(
            self,
            status=Status.CONFIRMED,
            confirmed_by=by,
            confirmed_at=at,
            due_date=due_date,
            responsible_unit=responsible_unit,
            finding=finding,
        )

    def close(self, by: str, roles: frozenset[str], unit: str | None, at: datetime, note: str) -> Case:
        may = bool(CLOSERS & roles) or (UNIT_CLOSER in roles and unit is not None and unit == self.responsible_unit)
        if not may:
            raise Forbidden(
                "risk_rectification_close_forbidden",
                "整改销号须由纪检监察或责任单位负责人办理"
                + (f"（责任单位 {self.responsible_unit}）" if self.responsible_unit else ""),
                {"responsible_unit": self.responsible_unit, "required_roles": sorted(CLOSERS | {UNIT_CLOSER})},
            )
        self._must_be(Status.CONFIRMED, action="整改销号")
        note = _text(note, "closing_note", "整改说明")
        return replace(self, status=Status.RECTIFIED, closed_by=by, closed_at=at, closing_note=note)

    def closed_on_time(self, closed_on: date) -> bool:
        return self.due_date is not None and closed_on <= self.due_date

    def _must_be(self, *allowed: Status, action: str) -> None:
        if self.status not in allowed:
            raise Conflict(
                "risk_warning_transition",
                f"风险预警 #{self.warning_id} 当前状态为「{STATUS_LABELS[self.status]}」，不能{action}"
                f"（仅「{'、'.join(STATUS_LABELS[s] for s in allowed)}」的预警可以）",
                {"warning_id": self.warning_id, "status": self.status.value, "allowed": [s.value for s in allowed]},
            )


def _must_work(roles: frozenset[str], action: str) -> None:
    if not WORKERS & roles:
        raise Forbidden(
            "risk_warning_work_forbidden",
            "只有纪检监察可以排除或核实风险预警（审计、其他人员只读）",
            {"action": action, "required_roles": sorted(WORKERS)},
        )


def _text(value: str | None, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(
            f"risk_{field}_required",
            f"须填写{label}",
            {"fields": [{"field": field, "reason": f"须填写{label}"}]},
        )
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "invalid_input",
            f"{label}过长：最多 {MAX_TEXT} 字",
            {"fields": [{"field": field, "reason": f"最多 {MAX_TEXT} 字"}]},
        )
    return text
