"""Supervision (监督) event types: a risk warning worked as a case (issue 13 §3), and the acknowledgement of
warnings at a decision that approval announces so risk can follow it.

Kept beside `events.py`: `merge_into(SPECS)` adds them. The trail of each document is approval's: approval
hears the risk warning's changes of status (dismissed, confirmed, rectification closed) and appends them to the
document's hash chain; the acknowledgement it records itself, at the decision."""

from __future__ import annotations

from typing import Any

from ic_platform.catalogue.fragments import DOCUMENT, TIMESTAMP, USERNAME, UUID, obj

_DATE = {"type": "string", "format": "date"}
_WARNING_ID = {"type": "integer", "minimum": 1}
_RULE = {"type": "string", "minLength": 1, "description": "规则代码，如 split_purchase"}
_SEVERITY = {"enum": ["low", "medium", "high"]}
_TEXT = {"type": "string", "minLength": 1}
_UNIT = {"type": "string", "minLength": 1, "description": "单位代码"}

SUPERVISION_SPECS: list[dict[str, Any]] = [
    dict(
        type="approval.warnings_acknowledged",
        version=1,
        producer="approval",
        summary="审批人在作出决定时确认了单据上的风险预警（随决定一并记录，已写入审批留痕）",
        payload=obj(
            ["document", "task_id", "step_no", "warning_ids", "acknowledged_by", "comment", "acknowledged_at"],
            document=DOCUMENT,
            task_id=UUID,
            step_no={"type": "integer", "minimum": 1},
            warning_ids={"type": "array", "items": _WARNING_ID, "minItems": 1},
            acknowledged_by=USERNAME,
            acting_for={**USERNAME, "description": "代理：acknowledged_by 代此人审批"},
            comment=_TEXT,
            acknowledged_at=TIMESTAMP,
        ),
    ),
    dict(
        type="risk.warning_acknowledged",
        version=1,
        producer="risk",
        summary="风险预警已在审批决定时由审批人确认（状态：已确认知悉）",
        payload=obj(
            ["warning_id", "document", "rule", "severity", "status", "acknowledged_by", "acknowledged_at", "task_id"],
            warning_id=_WARNING_ID,
            document=DOCUMENT,
            rule=_RULE,
            severity=_SEVERITY,
            status={"enum": ["open", "acknowledged", "dismissed", "confirmed", "rectified"]},
            acknowledged_by=USERNAME,
            acknowledged_at=TIMESTAMP,
            task_id=UUID,
            comment={"type": "string"},
        ),
    ),
    dict(
        type="risk.warning_dismissed",
        version=1,
        producer="risk",
        summary="纪检监察核查后排除风险预警（须注明理由）",
        subscribers=("approval",),
        payload=obj(
            ["warning_id", "document", "rule", "severity", "dismissed_by", "dismissed_at", "reason"],
            warning_id=_WARNING_ID,
            document=DOCUMENT,
            rule=_RULE,
            severity=_SEVERITY,
            dismissed_by=USERNAME,
            dismissed_at=TIMESTAMP,
            reason=_TEXT,
        ),
    ),
    dict(
        type="risk.warning_confirmed",
        version=1,
        producer="risk",
        summary="纪检监察核实风险预警属实，转为整改事项（限期、责任单位）",
        subscribers=("approval",),
        payload=obj(
            [
                "warning_id",
                "document",
                "rule",
                "severity",
                "confirmed_by",
                "confirmed_at",
                "due_date",
                "responsible_unit",
                "finding",
            ],
            warning_id=_WARNING_ID,
            document=DOCUMENT,
            rule=_RULE,
            severity=_SEVERITY,
            confirmed_by=USERNAME,
            confirmed_at=TIMESTAMP,
            due_date={**_DATE, "description": "整改期限"},
            responsible_unit=_UNIT,
            finding={**_TEXT, "description": "核实意见与整改要求"},
        ),
    ),
    dict(
        type="risk.rectification_closed",
        version=1,
        producer="risk",
        summary="整改事项已完成并销号（附整改说明；是否按期）",
        subscribers=("approval",),
        payload=obj(
            [
                "warning_id",
                "document",
                "rule",
                "closed_by",
                "closed_at",
                "closing_note",
                "due_date",
                "responsible_unit",
                "on_time",
            ],
            warning_id=_WARNING_ID,
            document=DOCUMENT,
            rule=_RULE,
            closed_by=USERNAME,
            closed_at=TIMESTAMP,
            closing_note=_TEXT,
            due_date=_DATE,
            responsible_unit=_UNIT,
            on_time={"type": "boolean", "description": "在整改期限内（含当日，按北京时间）完成"},
        ),
    ),
]


def merge_into(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*specs, *SUPERVISION_SPECS]


__all__ = ["SUPERVISION_SPECS", "merge_into"]
