"""Collective decisions (集体决策, 三重一大): a major matter is decided at a meeting of a deciding body (党工委,
主任办公会), not by one person. The collective-decision step's task is completed by recording that meeting, and
the record must be of a real meeting of that body:
- dated on or after the document's submission (this round's), and not in the future (dates in Asia/Shanghai);
- attended by members of the body only, with the applicant allowed to be present (列席, to present the matter)
  but never counted, even when a member: nobody votes on their own matter;
- with at least the body's quorum of counted members (members and quorum are org's data);
- stating a decision and its minutes (with a reference to the signed minutes, if filed).
Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ic_platform.errors import Conflict, InvalidInput
from services.approval.domain.directory import DecidingBody
from services.approval.domain.model import Decision

DECISION_LABELS = {Decision.APPROVE: "同意", Decision.REJECT: "不同意"}


def _invalid(field: str, message: str, **details: Any) -> InvalidInput:
    return InvalidInput("approval_meeting_invalid", message, {"field": field, **details})


def body_unknown(code: str | None, step_name: str) -> Conflict:
    return Conflict(
        "approval_deciding_body_unknown",
        f"{step_name}的议事决策机构（{code or '未指定'}）尚未登记成员与法定人数，请先在组织机构中登记",
        {"body": code, "step": step_name},
    )


@dataclass(frozen=True)
class Meeting:
    meeting_date: date
    attendees: tuple[str, ...]
    decision: Decision
    minutes: str
    attachment: str | None = None
    body: str = ""  # the deciding body's name, e.g. 党工委会议
    counted: tuple[str, ...] = ()  # the attending members who count towards the quorum
    present_not_counted: tuple[str, ...] = ()  # the applicant, when present (列席)

    @classmethod
    def record(
        cls,
        *,
        meeting_date: date,
        attendees: list[str],
        decision: str,
        minutes: str | None,
        attachment: str | None,
        body: DecidingBody,
        applicant: str,
        submitted_on: date,
        today: date,
    ) -> Meeting:
        """The meeting as recorded, or InvalidInput naming the field that is wrong and the rule it breaks."""
        people = [a.strip() for a in attendees if a and a.strip()]
        if len(set(people)) != len(people):
            raise _invalid("attendees", "出席人员有重复")
        outsiders = [p for p in people if p not in body.members and p != applicant]
        if outsiders:
            raise _invalid(
                "attendees",
                f"出席人员不是{body.name}成员：{'、'.join(outsiders)}",
                not_members=outsiders,
                body=body.code,
            )
        counted = tuple(p for p in people if p in body.members and p != applicant)
        if len(counted) < body.quorum:
            raise _invalid(
                "attendees",
                f"出席的{body.name}成员不足法定人数：应到 {len(body.members)} 人，须至少 {body.quorum} 人出席，"
                f"实到 {len(counted)} 人（申请人列席，不计入）",
                quorum=body.quorum,
                counted=len(counted),
                body=body.code,
            )
        if meeting_date > today:
            raise _invalid("meeting_date", "会议日期不能晚于今天", today=today.isoformat())
        if meeting_date < submitted_on:
            raise _invalid(
                "meeting_date",
                f"会议日期不能早于单据提交日期（{submitted_on.isoformat()}）：须是对本事项的会议",
                submitted_on=submitted_on.isoformat(),
            )
        if decision not in (Decision.APPROVE.value, Decision.REJECT.value):
            raise _invalid("decision", "会议决定只能是 approve（同意）或 reject（不同意）")
        minutes = (minutes or "").strip()
        if not minutes:
            raise _invalid("minutes", "必须填写会议纪要")
        listed_apart = tuple(p for p in people if p == applicant)
        return cls(
            meeting_date,
            tuple(people),
            Decision(decision),
            minutes,
            (attachment or "").strip() or None,
            body.name,
            counted,
            listed_apart,
        )

    @property
    def summary(self) -> str:
        """How the decision reads on the route and in the trail."""
        apart = f"，申请人 {'、'.join(self.present_not_counted)} 列席不计" if self.present_not_counted else ""
        return (
            f"{self.meeting_date.isoformat()} {self.body or '集体决策会议'}（出席成员 {len(self.counted)} 人："
            f"{'、'.join(self.counted)}{apart}）决定：{DECISION_LABELS[self.decision]}。纪要：{self.minutes}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "meeting_date": self.meeting_date.isoformat(),
            "attendees": list(self.attendees),
            "counted": list(self.counted),
            "present_not_counted": list(self.present_not_counted),
            "body": self.body,
            "decision": self.decision.value,
            "minutes": self.minutes,
            "attachment": self.attachment,
        }
