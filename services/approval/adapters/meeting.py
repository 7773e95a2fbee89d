"""Storing collective decisions' meetings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.approval.adapters.orm import approval_meeting, approval_task
from services.approval.domain.meeting import Meeting
from services.approval.domain.model import Task


class MeetingRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, route_id: int, task: Task, meeting: Meeting, recorded_by: str) -> None:
        self.conn.execute(
            sa.insert(approval_meeting).values(
                task_id=uuid.UUID(task.id),
                route_id=route_id,
                round=task.round,
                step_no=task.step_no,
                meeting_date=meeting.meeting_date,
                attendees=list(meeting.attendees),
                decision=meeting.decision.value,
                minutes=meeting.minutes,
                attachment=meeting.attachment,
                recorded_by=recorded_by,
            )
        )

    def of_route(self, route_id: int) -> dict[str, Any]:
        """The route's meetings by task id (as text), rows as stored."""
        rows = self.conn.execute(sa.select(approval_meeting).where(approval_meeting.c.route_id == route_id)).all()
        return {str(r.task_id): r for r in rows}

    def round_started(self, route_id: int, round_: int) -> datetime | None:
        """When a round of the route was submitted: its first task's creation."""
        t = approval_task
        return self.conn.execute(
            sa.select(sa.func.min(t.c.created_at)).where(t.c.route_id == route_id, t.c.round == round_)
        ).scalar()
