from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.approval.adapters.queries import ApprovalQueries
from services.approval.adapters.repository import DirectoryRepository, RouteRepository, TaskRepository


class ApprovalUnitOfWork(UnitOfWork):
    def __enter__(self) -> ApprovalUnitOfWork:
        super().__enter__()
        self.directory = DirectoryRepository(self.conn)
        self.routes = RouteRepository(self.conn)
        self.tasks = TaskRepository(self.conn)
        self.queries = ApprovalQueries(self.conn)
        return self
