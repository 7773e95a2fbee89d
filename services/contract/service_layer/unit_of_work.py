from __future__ import annotations

from ic_platform.attachments import AttachmentRepository
from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.contract.adapters.execution_sql import ExecutionReports
from services.contract.adapters.repository import AcceptanceRepository, ContractRepository, ProgressRepository

# The documents whose desks contract keeps (ic_platform.desk): approvers read what reached their desk.
DESK_DOCUMENTS = ("contract", "contract_amendment")


class ContractUnitOfWork(UnitOfWork):
    def __enter__(self) -> ContractUnitOfWork:
        super().__enter__()
        self.contracts = ContractRepository(self.conn)
        self.acceptances = AcceptanceRepository(self.conn)
        self.progress = ProgressRepository(self.conn)
        self.desk = Desk(self.conn, DESK_DOCUMENTS)
        self.reports = ExecutionReports(self.conn)
        self.attachments = AttachmentRepository(self.conn)  # an acceptance's record lists its own files
        return self
