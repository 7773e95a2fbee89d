"""The procurement (采购) service's transport: each RPC parses its command and calls a use case."""

from __future__ import annotations

from nameko.rpc import RpcProxy
from nameko.timer import timer

from ic_platform.attachments import AttachmentRpc
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.procurement.service_layer import commands, common, handlers, method_change, reports, sourcing, suppliers
from services.procurement.service_layer.bus import BUS
from services.procurement.service_layer.unit_of_work import ProcurementUnitOfWork


class ProcurementService(AttachmentRpc, PlatformService):
    name = "procurement"
    platform = ServicePlatform(ProcurementUnitOfWork, bus=BUS)
    # 附件 (ic_platform/attachments.py), read under the document's own data scope.
    attachment_documents = {"procurement_application": common.application_owner}
    budget = RpcProxy("budget")
    payment = RpcProxy("payment")
    contract = RpcProxy("contract")  # a matter application's direct contract (its money goes by one road)

    # ── applications ──
    @rpc(expected_exceptions=DomainError)
    def submit_application(self, **kwargs):
        cmd = commands.SubmitApplication.parse(kwargs)
        return handlers.submit_application(
            cmd, self.platform.uow(), self.platform.ctx, self.budget, self.payment, self.contract
        )

    @rpc(expected_exceptions=DomainError)
    def resubmit_application(self, **kwargs):
        """A returned or withdrawn application into a new approval round (applicant only)."""
        cmd = commands.ResubmitApplication.parse(kwargs)
        return handlers.resubmit_application(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def request_method_change(self, **kwargs):
        """采购方式变更: through approval; sourcing waits for the decision."""
        cmd = commands.RequestMethodChange.parse(kwargs)
        return method_change.request_method_change(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def preview_method(self, **kwargs):
        return handlers.preview_method(commands.PreviewMethod.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_application(self, application_id: str):
        return handlers.get_application(application_id, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_applications(self, **kwargs):
        cmd = commands.ListApplications.parse(kwargs)
        return handlers.list_applications(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def cancel_application(self, **kwargs):
        cmd = commands.CancelApplication.parse(kwargs)
        return handlers.cancel_application(cmd, self.platform.uow(), self.platform.ctx, self.budget)

    # ── sourcing ──
    @rpc(expected_exceptions=DomainError)
    def publish_intention(self, **kwargs):
        cmd = commands.PublishIntention.parse(kwargs)
        return sourcing.publish_intention(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def conclude_market_research(self, **kwargs):
        cmd = commands.ConcludeMarketResearch.parse(kwargs)
        return sourcing.conclude_market_research(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def publish_tender(self, **kwargs):
        return sourcing.publish_tender(commands.PublishTender.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def receive_bid(self, **kwargs):
        return sourcing.receive_bid(commands.ReceiveBid.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def disqualify_bid(self, **kwargs):
        return sourcing.disqualify_bid(commands.DisqualifyBid.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def evaluate_tender(self, **kwargs):
        return sourcing.evaluate_tender(commands.EvaluateTender.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def award_tender(self, **kwargs):
        return sourcing.award_tender(commands.AwardTender.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def award_directly(self, **kwargs):
        return sourcing.award_directly(commands.AwardDirectly.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_award(self, award_id: str):
        """The award a contract must match (its supplier, at most its amount) and whose money it commits."""
        return sourcing.get_award(award_id, self.platform.uow(), self.platform.ctx)

    # ── suppliers ──
    @rpc(expected_exceptions=DomainError)
    def register_supplier(self, **kwargs):
        cmd = commands.RegisterSupplier.parse(kwargs)
        return suppliers.register_supplier(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_supplier(self, supplier_id: str):
        return suppliers.get_supplier(supplier_id, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def matter_funding(self, **kwargs):
        """The live procurement application a matter application funds (asked by contract)."""
        return handlers.matter_funding(commands.MatterFunding.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def supplier_on(self, **kwargs):
        """The supplier's standing on a day, its registrar and SME status: what a contract checks."""
        return suppliers.supplier_on(commands.SupplierOn.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_suppliers(self, **kwargs):
        return suppliers.list_suppliers(commands.ListSuppliers.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def set_supplier_standing(self, **kwargs):
        cmd = commands.SetSupplierStanding.parse(kwargs)
        return suppliers.set_supplier_standing(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def change_supplier_account(self, **kwargs):
        cmd = commands.ChangeSupplierAccount.parse(kwargs)
        return suppliers.change_supplier_account(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def lift_supplier_standing(self, **kwargs):
        cmd = commands.LiftSupplierStanding.parse(kwargs)
        return suppliers.lift_supplier_standing(cmd, self.platform.uow(), self.platform.ctx)

    # ── reports ──
    @rpc(expected_exceptions=DomainError)
    def supplier_analysis(self, **kwargs):
        cmd = commands.SupplierAnalysis.parse(kwargs)
        return reports.supplier_analysis(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def supplier_analysis_xlsx(self, **kwargs):
        cmd = commands.SupplierAnalysis.parse(kwargs)
        return reports.supplier_analysis_xlsx(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def procurement_report(self, **kwargs):
        cmd = commands.ProcurementReport.parse(kwargs)
        return reports.procurement_report(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def procurement_report_xlsx(self, **kwargs):
        cmd = commands.ProcurementReport.parse(kwargs)
        return reports.procurement_report_xlsx(cmd, self.platform.uow(), self.platform.ctx)

    @timer(interval=15)
    def redrive_reserving(self):
        handlers.redrive_reserving(self.platform.uow(), self.budget)


SERVICE = ProcurementService
