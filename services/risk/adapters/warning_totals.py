"""Warnings counted by rule (预警按规则统计, issue 14's dashboard) in one grouped query: per rule, how many were
raised in a period and where each stands (open, acknowledged, dismissed, confirmed, rectified), filtered by
the reader's data scope exactly as the warnings ledger is (supervision.readable_warnings)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.risk.adapters.orm import risk_warning
from services.risk.adapters.supervision import WARNING_UNIT, _warnings_with_owner
from services.risk.adapters.supervision_orm import risk_warning_case
from services.risk.domain.workflow import Status

W, C = risk_warning.c, risk_warning_case.c
STATUS = sa.func.coalesce(C.status, Status.OPEN.value)


class WarningTotals:
    def __init__(self, conn: Connection):
        self.conn = conn

    def per_rule(
        self, org: str, readable: sa.ColumnElement[bool], start: datetime, end: datetime, unit: str | None
    ) -> list[Any]:
        return per_rule(self.conn, org, readable, start, end, unit)


def per_rule(
    conn: Connection, org: str, readable: sa.ColumnElement[bool], start: datetime, end: datetime, unit: str | None
) -> list[Any]:
    """(rule, severity, status, count, units) rows; severity is kept apart since a rule's may change by version."""
    where = [W.org == org, readable, W.raised_at >= start, W.raised_at < end]
    if unit:
        where.append(WARNING_UNIT == unit)
    base = _warnings_with_owner().outerjoin(risk_warning_case, C.warning_id == W.id)
    return conn.execute(
        sa.select(
            W.rule,
            W.severity,
            STATUS.label("status"),
            sa.func.count().label("count"),
            sa.func.array_agg(sa.distinct(WARNING_UNIT)).label("units"),
        )
        .select_from(base)
        .where(*where)
        .group_by(W.rule, W.severity, STATUS)
    ).all()
