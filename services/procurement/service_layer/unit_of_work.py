from __future__ import annotations

from ic_platform.uow import UnitOfWork


class ProcurementUnitOfWork(UnitOfWork):
    """Repositories join here (built on `self.conn` in `__enter__`) with the service's first tables."""
