from __future__ import annotations

from functools import cached_property

from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.risk.adapters.assessment import AssessmentRepository
from services.risk.adapters.chain import ChainRepository
from services.risk.adapters.ocds import OcdsRepository
from services.risk.adapters.payments import PaymentFacts
from services.risk.adapters.repository import DossierRepository, LinkRepository
from services.risk.adapters.rule_book import RuleBookRepository
from services.risk.adapters.splitting import SplitRepository
from services.risk.adapters.supervision import (
    CaseRepository,
    ProjectRepository,
    SodRefusalRepository,
    TaskRepository,
    UnitRepository,
)
from services.risk.adapters.warning_totals import WarningTotals
from services.risk.adapters.warnings import WarningRepository


def _on_connection(repository: type):  # noqa: ANN202 - a cached_property of the repository's type
    """A repository on this unit of work's connection, made when first used: most events use two or three of
    the fifteen, and making all of them for every event heard was measurable."""
    return cached_property(lambda self: repository(self.conn))


class RiskUnitOfWork(UnitOfWork):
    dossier = _on_connection(DossierRepository)
    links = _on_connection(LinkRepository)
    warnings = _on_connection(WarningRepository)
    assessments = _on_connection(AssessmentRepository)
    rule_book = _on_connection(RuleBookRepository)
    chain = _on_connection(ChainRepository)
    splits = _on_connection(SplitRepository)
    payments = _on_connection(PaymentFacts)
    ocds = _on_connection(OcdsRepository)
    desk = cached_property(lambda self: Desk(self.conn, None))  # the risk service shows every kind of document
    # the supervision desk (issue 13 §3, §4): warnings as cases, tasks and units for scorecards, projects
    cases = _on_connection(CaseRepository)
    tasks = _on_connection(TaskRepository)
    units = _on_connection(UnitRepository)
    sod_refusals = _on_connection(SodRefusalRepository)
    projects = _on_connection(ProjectRepository)
    warning_totals = _on_connection(WarningTotals)  # the dashboard's warnings by rule

    def __enter__(self) -> RiskUnitOfWork:
        super().__enter__()
        for name in _REPOSITORIES:  # a unit of work entered again has a new connection: new repositories
            self.__dict__.pop(name, None)
        return self


_REPOSITORIES = [name for name, value in vars(RiskUnitOfWork).items() if isinstance(value, cached_property)]
