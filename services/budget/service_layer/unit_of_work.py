from __future__ import annotations

from ic_platform.uow import UnitOfWork
from services.budget.adapters.repository import LineRepository, MoveRepository


class BudgetUnitOfWork(UnitOfWork):
    def __enter__(self) -> BudgetUnitOfWork:
        super().__enter__()
        self.lines = LineRepository(self.conn)
        self.moves = MoveRepository(self.conn)
        return self
