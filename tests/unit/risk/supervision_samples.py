"""Sample payloads of the supervision events (issue 13 §3), valid against the catalogue."""

from __future__ import annotations

from typing import Any

_DOCUMENT = {"type": "matter_application", "id": "5b0f3c1e-8a51-4d3e-9a43-2f7c7f2d1a10", "no": "SQ-2026-000001"}
_TASK = "0c7b1a52-3f0e-4c8e-b1a4-9d0d2e6c4b21"

SUPERVISION_PAYLOADS: dict[str, dict[str, Any]] = {
    "approval.warnings_acknowledged": {
        "document": _DOCUMENT,
        "task_id": _TASK,
        "step_no": 1,
        "warning_ids": [7],
        "acknowledged_by": "head",
        "comment": "已核实三批分属不同楼层",
        "acknowledged_at": "2026-11-20T02:00:00+00:00",
    },
    "risk.warning_acknowledged": {
        "warning_id": 7,
        "document": _DOCUMENT,
        "rule": "split_purchase",
        "severity": "high",
        "status": "acknowledged",
        "acknowledged_by": "head",
        "acknowledged_at": "2026-11-20T02:00:00+00:00",
        "task_id": _TASK,
        "comment": "已核实三批分属不同楼层",
    },
    "risk.warning_dismissed": {
        "warning_id": 7,
        "document": _DOCUMENT,
        "rule": "split_purchase",
        "severity": "high",
        "dismissed_by": "inspector",
        "dismissed_at": "2026-11-21T02:00:00+00:00",
        "reason": "三批为不同楼层的独立需求，经核查不属拆分",
    },
    "risk.warning_confirmed": {
        "warning_id": 7,
        "document": _DOCUMENT,
        "rule": "split_purchase",
        "severity": "high",
        "confirmed_by": "inspector",
        "confirmed_at": "2026-11-21T02:00:00+00:00",
        "due_date": "2026-12-31",
        "responsible_unit": "dzb",
        "finding": "同一需求分三批申请，规避采购限额",
    },
    "risk.rectification_closed": {
        "warning_id": 7,
        "document": _DOCUMENT,
        "rule": "split_purchase",
        "closed_by": "inspector",
        "closed_at": "2026-12-10T02:00:00+00:00",
        "closing_note": "已合并为一项采购并按规定方式重新采购",
        "due_date": "2026-12-31",
        "responsible_unit": "dzb",
        "on_time": True,
    },
}
