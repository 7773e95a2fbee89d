"""The risk assessment gate (送审风险评估). Pure: no I/O.

Each round of approval is opened by an approval request (a submission or a resubmission). Risk assesses every
approval request it hears and announces it (risk.document_assessed), listing the document's warnings. Until that
announcement for the request that opened the round has arrived, nobody may decide the round's tasks, nor record
its meeting: otherwise an approval given in the seconds before risk has judged passes unwarned. A round opened
before the gate existed has no assessment to wait for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from ic_platform.errors import Conflict

# How long a client may wait before trying again: risk assesses in well under a second when it is running.
RETRY_AFTER_S = 2


class AssessmentState(StrEnum):
    PENDING = "pending"  # the round waits for risk
    ASSESSED = "assessed"
    NOT_REQUIRED = "not_required"  # a round opened before the gate existed


STATE_LABELS = {
    AssessmentState.PENDING: "风险评估中，暂不能审批",
    AssessmentState.ASSESSED: "已完成风险评估",
    AssessmentState.NOT_REQUIRED: "无需等待风险评估（本轮送审早于评估机制上线）",
}


@dataclass(frozen=True)
class Assessment:
    state: AssessmentState
    submission_event_id: str | None = None
    expected_at: datetime | None = None
    assessed_at: datetime | None = None
    warning_count: int | None = None

    @classmethod
    def of(cls, row: Any) -> Assessment:
        """From a stored row (None: no row, a round from before the gate)."""
        if row is None:
            return cls(AssessmentState.NOT_REQUIRED)
        state = AssessmentState.ASSESSED if row.received_at is not None else AssessmentState.PENDING
        return cls(state, str(row.submission_event_id), row.expected_at, row.assessed_at, row.warning_count)

    @property
    def decidable(self) -> bool:
        return self.state is not AssessmentState.PENDING

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.state.value,
            "status_label": STATE_LABELS[self.state],
            "assessed_at": self.assessed_at.isoformat() if self.assessed_at else None,
            "warning_count": self.warning_count,
            "waiting_since": self.expected_at.isoformat() if self.expected_at and not self.decidable else None,
        }


def require_assessed(assessment: Assessment, document: dict[str, Any], round_: int) -> None:
    """Refuses a decision (or a meeting's record) while the round's submission is not yet assessed."""
    if assessment.decidable:
        return
    name = document.get("no") or document.get("id")
    raise Conflict(
        "risk_assessment_pending",
        f"风险评估尚未完成：风险服务正在审查单据 {name} 第 {round_} 轮送审（如是否拆分采购），"
        f"评估完成前不能作出审批决定，以免遗漏风险预警。请 {RETRY_AFTER_S} 秒后重试。",
        {
            "document": document,
            "round": round_,
            "submission_event_id": assessment.submission_event_id,
            "waiting_since": assessment.expected_at.isoformat() if assessment.expected_at else None,
            "retry_after_s": RETRY_AFTER_S,
        },
    )
