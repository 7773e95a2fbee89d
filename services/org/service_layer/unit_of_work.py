from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.org.adapters.bodies import BodyRepository
from services.org.adapters.repository import OrgRepository
from services.org.adapters.sessions import SessionRepository


class OrgUnitOfWork(UnitOfWork):
    def __enter__(self) -> OrgUnitOfWork:
        super().__enter__()
        self.org = OrgRepository(self.conn)
        self.sessions = SessionRepository(self.conn)
        self.bodies = BodyRepository(self.conn)  # deciding bodies (党工委会议, 主任办公会)
        return self
