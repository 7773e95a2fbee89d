"""Reading and writing matter applications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from ic_platform.desk import visible_clause
from ic_platform.scope import Scope
from services.payment.adapters.orm import matter_application as t
from services.payment.adapters.orm import matter_application_no
from services.payment.domain.model import DOCUMENT_TYPE, MatterApplication, Status

_FIELDS = [c.name for c in t.columns]


def _to_app(row: Any) -> MatterApplication:
    data = {k: getattr(row, k) for k in _FIELDS}
    data["id"], data["status"] = str(data["id"]), Status(data["status"])
    return MatterApplication(**data)


def _add(no: Any = None) -> Any:
    stmt = pg_insert(t).values(no=no) if no is not None else pg_insert(t)
    return stmt.on_conflict_do_nothing(index_elements=["id"]).returning(*t.columns)


# The submission's statements, built once; the values come with each execution.
_ADD = _add()
_ADD_NUMBERED: dict[int, Any] = {}  # per year: the number drawn in the INSERT (see _number)
_GET = sa.select(t).where(t.c.id == sa.bindparam("app_id"))
_GET_LOCKED = _GET.with_for_update()
_SAVE_STATUS = (
    sa.update(t)
    .where(t.c.id == sa.bindparam("app_id"))
    .values(status=sa.bindparam("new_status"), status_reason=sa.bindparam("reason"), updated_at=sa.func.now())
)
_SAVE_STATUS_ROUTED = _SAVE_STATUS.values(routed=True)


class ApplicationRepository:
    def __init__(self, conn: Connection):
        self.conn = conn

    def next_no(self, year: int) -> str:  # as _number draws it in SQL
        return f"SQ-{year}-{self.conn.execute(matter_application_no.next_value()).scalar_one():06d}"

    def add(self, app: MatterApplication, numbered_in: int | None = None) -> MatterApplication:
        """Insert, or return the stored one when the id exists (a retried submission). With `numbered_in`
        (a year) the application's number is drawn in the same statement (SQ-year-sequence)."""
        values = {k: getattr(app, k) for k in _FIELDS if k not in ("created_at", "updated_at")}
        values["status"] = app.status.value
        if numbered_in is not None:
            del values["no"]
            if numbered_in not in _ADD_NUMBERED:
                _ADD_NUMBERED[numbered_in] = _add(_number(numbered_in))
            stmt = _ADD_NUMBERED[numbered_in]
        else:
            stmt = _ADD
        row = self.conn.execute(stmt, values).first()
        return _to_app(row) if row else self.get(app.id)

    def get(self, app_id: str, *, for_update: bool = False) -> MatterApplication | None:
        row = self.conn.execute(_GET_LOCKED if for_update else _GET, {"app_id": app_id}).first()
        return _to_app(row) if row else None

    def save_status(self, app: MatterApplication, *, routed: bool = False) -> None:
        """The status and its reason; `routed` marks it sent into approval in the same statement."""
        values = {"app_id": app.id, "new_status": app.status.value, "reason": app.status_reason}
        self.conn.execute(_SAVE_STATUS_ROUTED if routed else _SAVE_STATUS, values)

    def save_resubmission(self, app: MatterApplication) -> None:
        self.conn.execute(
            sa.update(t)
            .where(t.c.id == app.id)
            .values(
                title=app.title,
                purpose=app.purpose,
                status=app.status.value,
                status_reason=app.status_reason,
                reservation=app.reservation,
                override_id=app.override_id,
                updated_at=sa.func.now(),
            )
        )

    def page(
        self, *, org: str, applicant: str | None, scope: Scope, status: str | None, limit: int, offset: int
    ) -> tuple[int, list[MatterApplication]]:
        readable = visible_clause(
            scope,
            unit=t.c.unit,
            initiator=t.c.applicant,
            document_type=DOCUMENT_TYPE,
            document_id=sa.cast(t.c.id, sa.Text),
        )
        cond = [t.c.org == org, readable]
        if applicant:
            cond.append(t.c.applicant == applicant)
        if status:
            cond.append(t.c.status == status)
        total = self.conn.execute(sa.select(sa.func.count()).select_from(t).where(*cond)).scalar_one()
        rows = self.conn.execute(
            sa.select(t).where(*cond).order_by(t.c.created_at.desc()).limit(limit).offset(offset)
        ).all()
        return total, [_to_app(r) for r in rows]

    def claim_stuck_reserving(self, older_than: timedelta, limit: int = 50) -> list[str]:
        """Applications left `reserving` longer than `older_than`, claimed for one redrive: their clock is reset,
        so another replica's timer leaves them alone for that long, and rows another holds are skipped."""
        stuck = (
            sa.select(t.c.id)
            .where(t.c.status == Status.RESERVING.value, t.c.updated_at < sa.func.now() - older_than)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        rows = self.conn.execute(
            sa.update(t).where(t.c.id.in_(stuck)).values(updated_at=sa.func.now()).returning(t.c.id)
        ).all()
        return [str(r.id) for r in rows]


def _number(year: int) -> sa.ColumnElement[str]:
    """SQ-<year>-<sequence, at least 6 digits, as next_no writes it>, drawn (once) by the statement that
    stores the application."""
    return sa.literal_column(
        f"(SELECT 'SQ-{int(year)}-' || lpad(v::text, greatest(6, length(v::text)), '0') "
        f"FROM nextval('{matter_application_no.name}') AS v)"
    )
