from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.accounting.adapters.repository import AccountingRepository


class AccountingUnitOfWork(UnitOfWork):
    def __enter__(self) -> AccountingUnitOfWork:
        super().__enter__()
        self.journal = AccountingRepository(self.conn)
        return self
