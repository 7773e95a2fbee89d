"""Collective decisions (集体决策, 三重一大): a major matter is decided at a meeting, not by one person. The
collective-decision step's task is completed by recording that meeting: its date, who attended (at least
three members), what it decided, and its minutes (with a reference to the signed minutes, if filed). Pure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ic_platform.errors import InvalidInput
from services.approval.domain.model import Decision

QUORUM = 3  # the fewest attendees a collective decision is taken by
DECISION_LABELS = {Decision.APPROVE: "同意", Decision.REJECT: "不同意"}


def _invalid(field: str, message: str, **details: Any) -> InvalidInput:
    return InvalidInput("approval_meeting_invalid", message, {"field": field, **details})


@dataclass(frozen=True)
class Meeting:
    meeting_date: date
    attendees: tuple[str, ...]
    decision: Decision
    minutes: str
    attachment: str | None = None

    @classmethod
    def record(
        cls,
        *,
        meeting_date: date,
        attendees: list[str],
        decision: str,
        minutes: str | None,
        attachment: str | None,
        is_member: Callable[[str], bool],
        today: date,
    ) -> Meeting:
        """The meeting as recorded, or InvalidInput naming the field that is wrong."""
        people = [a.strip() for a in attendees if a and a.strip()]
        if len(set(people)) != len(people):
            raise _invalid("attendees", "出席人员有重复")
        if len(people) < QUORUM:
            raise _invalid("attendees", f"集体决策出席人员不少于 {QUORUM} 人", quorum=QUORUM)
        unknown = [p for p in people if not is_member(p)]
        if unknown:
            raise _invalid("attendees", f"出席人员不存在：{'、'.join(unknown)}", unknown=unknown)
        if meeting_date > today:
            raise _invalid("meeting_date", "会议日期不能晚于今天")
        if decision not in (Decision.APPROVE.value, Decision.REJECT.value):
            raise _invalid("decision", "会议决定只能是 approve（同意）或 reject（不同意）")
        minutes = (minutes or "").strip()
        if not minutes:
            raise _invalid("minutes", "必须填写会议纪要")
        return cls(meeting_date, tuple(people), Decision(decision), minutes, (attachment or "").strip() or None)

    @property
    def summary(self) -> str:
        """How the decision reads on the route and in the trail."""
        return (
            f"{self.meeting_date.isoformat()} 集体决策会议（出席 {len(self.attendees)} 人："
            f"{'、'.join(self.attendees)}）决定：{DECISION_LABELS[self.decision]}。纪要：{self.minutes}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "meeting_date": self.meeting_date.isoformat(),
            "attendees": list(self.attendees),
            "decision": self.decision.value,
            "minutes": self.minutes,
            "attachment": self.attachment,
        }
