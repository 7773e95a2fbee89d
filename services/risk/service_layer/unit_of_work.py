from __future__ import annotations

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
from services.risk.adapters.warnings import WarningRepository


class RiskUnitOfWork(UnitOfWork):
    def __enter__(self) -> RiskUnitOfWork:
        super().__enter__()
        self.dossier = DossierRepository(self.conn)
        self.links = LinkRepository(self.conn)
        self.warnings = WarningRepository(self.conn)
        self.assessments = AssessmentRepository(self.conn)
        self.rule_book = RuleBookRepository(self.conn)
        self.chain = ChainRepository(self.conn)
        self.splits = SplitRepository(self.conn)
        self.payments = PaymentFacts(self.conn)
        self.ocds = OcdsRepository(self.conn)
        self.desk = Desk(self.conn, None)  # the risk service shows every kind of document
        # the supervision desk (issue 13 §3, §4): warnings as cases, tasks and units for scorecards, projects
        self.cases = CaseRepository(self.conn)
        self.tasks = TaskRepository(self.conn)
        self.units = UnitRepository(self.conn)
        self.sod_refusals = SodRefusalRepository(self.conn)
        self.projects = ProjectRepository(self.conn)
        return self
