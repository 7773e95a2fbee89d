from __future__ import annotations

from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.budget.adapters.register import ChangeRepository, RegisterLineRepository, UnitRepository
from services.budget.adapters.repository import LineRepository, MonthRepository, MoveRepository, ReportRepository

# The budget's own documents, whose desks it keeps (ic_platform.desk).
DESK_DOCUMENTS = ("budget_adjustment", "budget_override", "fiscal_year_reopen")


class BudgetUnitOfWork(UnitOfWork):
    def __enter__(self) -> BudgetUnitOfWork:
        super().__enter__()
        self.lines = LineRepository(self.conn)
        self.moves = MoveRepository(self.conn)
        self.months = MonthRepository(self.conn)
        self.reports = ReportRepository(self.conn)
        self.changes = ChangeRepository(self.conn)
        self.units = UnitRepository(self.conn)
        self.register = RegisterLineRepository(self.conn)
        self.desk = Desk(self.conn, DESK_DOCUMENTS)
        return self
