from __future__ import annotations

from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.procurement.adapters.repository import (
    ApplicationRepository,
    AwardRepository,
    PolicyRepository,
    ReportRepository,
    SupplierRepository,
    TenderRepository,
)

# The documents whose desks procurement keeps (ic_platform.desk).
DESK_DOCUMENTS = ("procurement_application",)


class ProcurementUnitOfWork(UnitOfWork):
    def __enter__(self) -> ProcurementUnitOfWork:
        super().__enter__()
        self.applications = ApplicationRepository(self.conn)
        self.tenders = TenderRepository(self.conn)
        self.awards = AwardRepository(self.conn)
        self.suppliers = SupplierRepository(self.conn)
        self.policy = PolicyRepository(self.conn)
        self.reports = ReportRepository(self.conn)
        self.desk = Desk(self.conn, DESK_DOCUMENTS)
        return self
