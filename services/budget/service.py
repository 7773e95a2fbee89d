"""The budget service's transport: RPC entrypoints that parse a command and call a handler."""

from __future__ import annotations

from nameko.rpc import RpcProxy
from nameko.timer import timer

from ic_platform.config import settings
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError, NotFound
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.budget.service_layer import (
    adjustments,
    commands,
    handlers,
    history,
    importing,
    line_commands,
    overrides,
    register,
    reports,
    standards,
    three_public,
    year_end,
)
from services.budget.service_layer import control_commands as cc
from services.budget.service_layer import standards_commands as std_cmd
from services.budget.service_layer.bus import BUS
from services.budget.service_layer.unit_of_work import BudgetUnitOfWork

# How often the execution rate per office and year is sampled for the dashboard (ic_budget_execution_rate_percent).
METRICS_TICK_S = settings().budget_metrics_tick_s


class BudgetService(PlatformService):
    payment = RpcProxy("payment")  # an over-budget override names an existing spending document (payment's)
    name = "budget"
    platform = ServicePlatform(BudgetUnitOfWork, bus=BUS)

    @timer(interval=METRICS_TICK_S, eager=True)
    def sample_execution(self):
        reports.sample_execution(self.platform.uow())

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
        return handlers.release_document(commands.ReleaseDocument.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def create_line(self, **kwargs):
        return handlers.create_line(commands.CreateLine.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def import_template_xlsx(self):
        return importing.import_template_xlsx()

    @rpc(expected_exceptions=DomainError)
    def import_lines_xlsx(self, content_base64: str, dry_run: bool = False):
        return importing.import_lines_xlsx(content_base64, bool(dry_run), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_line(self, budget_line_id: str):
        return handlers.get_line(budget_line_id, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_lines(self, **kwargs):
        return handlers.list_lines(commands.ListLines.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_report(self, **kwargs):
        return reports.execution_report(commands.ExecutionReport.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def actuals(self, **kwargs):
        return reports.actuals(commands.Actuals.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_report_xlsx(self, **kwargs):
        return reports.execution_report_xlsx(
            commands.ExecutionReport.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def execution_trend(self, **kwargs):
        return reports.execution_trend(commands.ExecutionTrend.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def line_moves(self, **kwargs):
        return reports.line_moves(commands.LineMoves.parse(kwargs), self.platform.uow(), self.platform.ctx)

    # ── the line register: history, decomposition, control settings, export ──
    @rpc(expected_exceptions=DomainError)
    def line_history(self, **kwargs):
        return history.line_history(line_commands.LineHistory.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def decompose_line(self, **kwargs):
        return register.decompose_line(
            line_commands.DecomposeLine.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def set_control(self, **kwargs):
        return register.set_control(line_commands.SetControl.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def export_lines_xlsx(self, **kwargs):
        return register.export_lines_xlsx(
            line_commands.ExportLines.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    # ── budget control documents: adjustments, overrides, final accounts, year close ──
    @rpc(expected_exceptions=DomainError)
    def submit_adjustment(self, **kwargs):
        return adjustments.submit_adjustment(cc.SubmitAdjustment.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def resubmit_adjustment(self, **kwargs):
        return adjustments.resubmit_adjustment(
            cc.ResubmitAdjustment.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def get_adjustment(self, **kwargs):
        return adjustments.get_adjustment(cc.AdjustmentId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_adjustments(self, **kwargs):
        return adjustments.list_adjustments(cc.ListAdjustments.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def request_override(self, **kwargs):
        return overrides.request_override(
            cc.RequestOverride.parse(kwargs), self.platform.uow(), self.platform.ctx, self._spending_document
        )

    def _spending_document(self, document_type: str, document_id: str) -> dict | None:
        """The spending document as its owner shows it to the caller (their data scope); None when there is none
        or the caller may not read it. Only matter applications have an owning service yet."""
        if document_type != "matter_application":
            return None
        try:
            return self.payment.get_matter_application(application_id=document_id)
        except NotFound:
            return None

    @rpc(expected_exceptions=DomainError)
    def get_override(self, **kwargs):
        return overrides.get_override(cc.OverrideId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def final_accounts(self, **kwargs):
        return year_end.final_accounts(cc.FinalAccounts.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def final_accounts_xlsx(self, **kwargs):
        return year_end.final_accounts_xlsx(cc.FinalAccounts.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def fiscal_year_status(self, **kwargs):
        return year_end.fiscal_year_status(cc.FiscalYearOf.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def close_year(self, **kwargs):
        return year_end.close_year(cc.CloseYear.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def request_reopen(self, **kwargs):
        return year_end.request_reopen(cc.RequestReopen.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_reopen(self, reopen_id: str):
        return year_end.get_reopen(reopen_id, self.platform.uow(), self.platform.ctx)

    # ── expenditure standards (支出标准) and 三公经费 caps: services/budget/STANDARDS.md ──

    @rpc(expected_exceptions=DomainError)
    def add_standard_version(self, **kwargs):
        return standards.add_standard_version(
            std_cmd.AddStandardVersion.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

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
        return three_public.three_public_report(
            std_cmd.ThreePublicReport.parse(kwargs), self.platform.uow(), self.platform.ctx
        )


SERVICE = BudgetService
