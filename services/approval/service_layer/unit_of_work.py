from __future__ import annotations

from contextlib import AbstractContextManager

from ic_platform.uow import UnitOfWork
from services.approval.adapters import trail
from services.approval.adapters.assessment import AssessmentRepository
from services.approval.adapters.delegation import DelegationRepository
from services.approval.adapters.major_matter import MajorMatterRepository
from services.approval.adapters.meeting import MeetingRepository
from services.approval.adapters.queries import ApprovalQueries
from services.approval.adapters.repository import DirectoryRepository, RouteRepository, TaskRepository
from services.approval.adapters.trail import TrailRepository
from services.approval.adapters.watch import WatchRepository


class ApprovalUnitOfWork(UnitOfWork):
    """Every repository of the approval service, on this transaction's connection. The events it publishes
    are handled by the service's bus (service_layer/bus.py) before it commits: the person an event concerns
    is told (通知) in the same transaction, never one without the other."""

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

    def sealing_lock(self) -> AbstractContextManager[bool]:
        """Whether this process may seal and anchor now (one replica at a time; adapters/trail.py)."""
        return trail.sealing_lock(self.engine)

    def before_commit(self) -> None:
        self.trail.flush()  # the trail entries of this transaction's actions, written together

    def trail_snapshot(self) -> AbstractContextManager[TrailRepository]:
        """The trail as of one moment, however long reading takes (adapters/trail.py)."""
        return trail.trail_snapshot(self.engine)
