from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from ic_platform.envelope import Envelope
from ic_platform.uow import UnitOfWork
from services.approval.adapters.assessment import AssessmentRepository
from services.approval.adapters.delegation import DelegationRepository
from services.approval.adapters.major_matter import MajorMatterRepository
from services.approval.adapters.meeting import MeetingRepository
from services.approval.adapters.queries import ApprovalQueries
from services.approval.adapters.repository import DirectoryRepository, RouteRepository, TaskRepository
from services.approval.adapters.trail import TrailRepository
from services.approval.adapters.watch import WatchRepository


class ApprovalUnitOfWork(UnitOfWork):
    def __enter__(self) -> ApprovalUnitOfWork:
        super().__enter__()
        self.directory = DirectoryRepository(self.conn)
        self.routes = RouteRepository(self.conn)
        self.tasks = TaskRepository(self.conn)
        self.queries = ApprovalQueries(self.conn)
        self.trail = TrailRepository(self.conn)
        self.delegations = DelegationRepository(self.conn)
        self.meetings = MeetingRepository(self.conn)
        self.major_rules = MajorMatterRepository(self.conn)
        self.watch = WatchRepository(self.conn)  # approval-watch: warnings, due times, notifications
        self.assessments = AssessmentRepository(self.conn)  # risk's assessment of each round (the gate)
        return self

    def commit(self) -> None:
        self.trail.flush()  # the trail entries of this transaction's actions, written together
        super().commit()

    def publish(self, envelope: Envelope) -> None:
        """Published for everyone else; the person it concerns is told (通知) in this same transaction, not
        by hearing our own event back through the broker: no extra round trip, and never one without the other."""
        super().publish(envelope)
        from services.approval.service_layer.notifications import NOTIFY  # it builds on this unit of work

        for tell in NOTIFY.get(envelope.type, ()):
            tell(envelope, self)

    @contextmanager
    def sealing_lock(self) -> Iterator[bool]:
        """Whether this process may seal and anchor now: one replica at a time (a session advisory lock on a
        connection of its own, held until the seal is anchored and announced; a process that dies drops it)."""
        with self.engine.connect() as conn:
            mine = conn.execute(sa.text("SELECT pg_try_advisory_lock(hashtext('approval_trail_seal'))")).scalar()
            conn.commit()
            try:
                yield bool(mine)
            finally:
                if mine:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext('approval_trail_seal'))"))
                    conn.commit()

    @contextmanager
    def trail_snapshot(self) -> Iterator[TrailRepository]:
        """The trail as of one moment (a read-only REPEATABLE READ transaction), however long reading takes."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                conn.execute(sa.text("SET LOCAL TIME ZONE 'UTC'"))  # timestamps arrive in UTC: hashed as they come
                yield TrailRepository(conn)
