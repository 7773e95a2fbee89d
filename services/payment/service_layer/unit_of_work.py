from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.payment.adapters.repository import ApplicationRepository


class PaymentUnitOfWork(UnitOfWork):
    def __enter__(self) -> PaymentUnitOfWork:
        super().__enter__()
        self.applications = ApplicationRepository(self.conn)
        return self
