"""The budget service's transport: RPC entrypoints that parse a command and call a handler."""

from __future__ import annotations

from nameko.rpc import rpc

from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.budget.service_layer import commands, handlers, standards, three_public
from services.budget.service_layer import standards_commands as std_cmd
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork


class BudgetService(PlatformService):
    name = "budget"
    platform = ServicePlatform(BudgetUnitOfWork, handlers.EVENT_HANDLERS)

    @rpc(expected_exceptions=DomainError)
    def check_funds(self, **kwargs):
        return handlers.check_funds(commands.CheckFunds.parse(kwargs), self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def reserve(self, **kwargs):
        return handlers.reserve(commands.Reserve.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def commit(self, **kwargs):
        return handlers.commit(commands.Commit.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def relieve(self, **kwargs):
        return handlers.relieve(commands.Relieve.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def actual(self, **kwargs):
        return handlers.actual(commands.Actual.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def reverse(self, **kwargs):
        return handlers.reverse(commands.Reverse.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def release_document(self, **kwargs):
        return handlers.release_document(commands.ReleaseDocument.parse(kwargs), self.platform.uow(),
                                         self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def create_line(self, **kwargs):
        return handlers.create_line(commands.CreateLine.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def import_template_xlsx(self):
        return handlers.import_template_xlsx()

    @rpc(expected_exceptions=DomainError)
    def import_lines_xlsx(self, content_base64: str, dry_run: bool = False):
        return handlers.import_lines_xlsx(content_base64, bool(dry_run), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_line(self, budget_line_id: str):
        return handlers.get_line(budget_line_id, self.platform.uow())

    @rpc(expected_exceptions=DomainError)
    def list_lines(self, **kwargs):
        return handlers.list_lines(commands.ListLines.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_report(self, **kwargs):
        return handlers.execution_report(commands.ExecutionReport.parse(kwargs), self.platform.uow(),
                                         self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_report_xlsx(self, **kwargs):
        return handlers.execution_report_xlsx(commands.ExecutionReport.parse(kwargs), self.platform.uow(),
                                              self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_trend(self, **kwargs):
        return handlers.execution_trend(commands.ExecutionTrend.parse(kwargs), self.platform.uow(),
                                        self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def line_moves(self, **kwargs):
        return handlers.line_moves(commands.LineMoves.parse(kwargs), self.platform.uow(), self.platform.ctx)

    # ── expenditure standards (支出标准) and 三公经费 caps: services/budget/STANDARDS.md ──

    @rpc(expected_exceptions=DomainError)
    def add_standard_version(self, **kwargs):
        return standards.add_standard_version(std_cmd.AddStandardVersion.parse(kwargs), self.platform.uow(),
                                              self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_standards(self, **kwargs):
        return standards.list_standards(std_cmd.ListStandards.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def check_standard(self, **kwargs):
        return standards.check_standard(std_cmd.CheckStandard.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def set_three_public_cap(self, **kwargs):
        return three_public.set_cap(std_cmd.SetThreePublicCap.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def three_public_report(self, **kwargs):
        return three_public.three_public_report(std_cmd.ThreePublicReport.parse(kwargs), self.platform.uow(),
                                                self.platform.ctx)


SERVICE = BudgetService
