"""Risk warnings at the point of decision. Pure: no I/O.

Before approving, an approver must acknowledge, with a comment, every high-severity warning on the document
that they have not acknowledged yet at this task. Lower warnings are shown, not enforced."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ic_platform.errors import Conflict, DomainError, InvalidInput

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
SEVERITY_LABELS = {"low": "低", "medium": "中", "high": "高"}
MUST_ACKNOWLEDGE = "high"


@dataclass(frozen=True)
class RiskWarning:
    id: int
    rule: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity,
            "severity_label": SEVERITY_LABELS.get(self.severity, self.severity),
            "message": self.message,
        }


def max_severity(severities: Iterable[str]) -> str | None:
    return max(severities, key=lambda s: SEVERITY_RANK.get(s, 0), default=None)


def to_acknowledge(
    warnings: list[RiskWarning], acknowledged: set[int], requested: Iterable[int], comment: str
) -> list[RiskWarning]:
    """The warnings this approval acknowledges now; refuses if a high one would stay unacknowledged, if a
    requested id is not one of the document's warnings, or if the acknowledgement has no comment."""
    requested = set(requested)
    known = {w.id: w for w in warnings}
    unknown = sorted(requested - known.keys())
    if unknown:
        raise InvalidInput(
            "risk_warning_unknown",
            f"风险预警不属于该单据：{'、'.join(map(str, unknown))}",
            {"field": "acknowledge_warnings", "warning_ids": unknown},
        )
    missing = [
        w for w in warnings if w.severity == MUST_ACKNOWLEDGE and w.id not in acknowledged and w.id not in requested
    ]
    if missing:
        raise ack_required(missing)
    fresh = [known[i] for i in sorted(requested) if i not in acknowledged]
    if fresh and not comment.strip():
        raise InvalidInput(
            "risk_ack_required",
            "确认风险预警时必须填写审批意见，说明为何仍同意",
            {"field": "comment", "warnings": [w.as_dict() for w in fresh]},
        )
    return fresh


def ack_required(missing: list[RiskWarning]) -> DomainError:
    listed = "；".join(f"[{SEVERITY_LABELS[w.severity]}] {w.message}" for w in missing)
    return Conflict(
        "risk_ack_required",
        f"该单据有未确认的高风险预警，须逐条确认（acknowledge_warnings）并填写意见后方可同意：{listed}",
        {"warnings": [w.as_dict() for w in missing], "field": "acknowledge_warnings"},
    )
