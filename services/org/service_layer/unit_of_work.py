from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.org.adapters.repository import OrgRepository


class OrgUnitOfWork(UnitOfWork):
    def __enter__(self) -> OrgUnitOfWork:
        super().__enter__()
        self.org = OrgRepository(self.conn)
        return self
