from __future__ import annotations

from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.budget.adapters.control import AdjustmentRepository, DatabaseClock, OverrideRepository, YearRepository
from services.budget.adapters.register import ChangeRepository, RegisterLineRepository, UnitRepository
from services.budget.adapters.repository import LineRepository, MonthRepository, MoveRepository, ReportRepository
from services.budget.adapters.standards_repository import CapRepository, StandardRepository

# The budget's own documents, whose desks it keeps (ic_platform.desk).
DESK_DOCUMENTS = ("budget_adjustment", "budget_override", "fiscal_year_reopen")


class BudgetUnitOfWork(UnitOfWork):
    """Every repository of the budget service, on this transaction's connection: the service layer reaches
    the database only through these attributes (a fake unit of work in tests/unit provides the same names)."""

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
        self.adjustments = AdjustmentRepository(self.conn)  # 预算调整
        self.overrides = OverrideRepository(self.conn)  # 超预算审批
        self.years = YearRepository(self.conn)  # fiscal-year states, closes, reopenings, carried lines
        self.standards = StandardRepository(self.conn)  # 支出标准
        self.caps = CapRepository(self.conn)  # 三公经费 caps
        self.clock = DatabaseClock(self.conn)  # the database's clock (override expiry, year close stamps)
        return self
