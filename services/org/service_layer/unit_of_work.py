from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.org.adapters.repository import OrgRepository
from services.org.adapters.sessions import SessionRepository


class OrgUnitOfWork(UnitOfWork):
    def __enter__(self) -> OrgUnitOfWork:
        super().__enter__()
        self.org = OrgRepository(self.conn)
        self.sessions = SessionRepository(self.conn)
        return self
