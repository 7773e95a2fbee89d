"""The contract (合同) service's transport: each RPC parses its command and calls a use case."""

from __future__ import annotations

from nameko.rpc import RpcProxy
from nameko.timer import timer

from ic_platform.attachments import AttachmentRpc
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.contract.service_layer import acceptances, changes, commands, handlers, list_export, progress, reports
from services.contract.service_layer.bus import BUS
from services.contract.service_layer.unit_of_work import ContractUnitOfWork


class ContractService(AttachmentRpc, PlatformService):
    name = "contract"
    platform = ServicePlatform(ContractUnitOfWork, bus=BUS)
    # 附件 (ic_platform/attachments.py), read under the document's own data scope.
    attachment_documents = {"contract": handlers.contract_owner, "acceptance": acceptances.acceptance_owner}
    budget = RpcProxy("budget")
    procurement = RpcProxy("procurement")  # the supplier registry: standing on the day, registrar
    payment = RpcProxy("payment")  # matter applications, the basis of contracts that need no procurement

    @rpc(expected_exceptions=DomainError)
    def draft_contract(self, **kwargs):
        cmd = commands.DraftContract.parse(kwargs)
        return handlers.draft_contract(cmd, self.platform.uow(), self.platform.ctx, self.procurement, self.payment)

    @rpc(expected_exceptions=DomainError)
    def submit_contract(self, **kwargs):
        return handlers.submit_contract(commands.ContractId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def sign_contract(self, **kwargs):
        return handlers.sign_contract(
            commands.SignContract.parse(kwargs), self.platform.uow(), self.platform.ctx, self.budget, self.procurement
        )

    @rpc(expected_exceptions=DomainError)
    def cancel_contract(self, **kwargs):
        return handlers.cancel_contract(commands.CancelContract.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def matter_contract(self, **kwargs):
        """The live direct contract a matter application carries (asked by procurement)."""
        cmd = commands.MatterContract.parse(kwargs)
        return handlers.matter_contract(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def get_contract(self, **kwargs):
        return handlers.get_contract(commands.ContractId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_contracts(self, **kwargs):
        return handlers.list_contracts(commands.ListContracts.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_contracts_xlsx(self, **kwargs):
        cmd = commands.ListContracts.parse(kwargs)
        return list_export.contracts_xlsx(cmd, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def propose_amendment(self, **kwargs):
        return changes.propose_amendment(
            commands.ProposeAmendment.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def list_amendments(self, **kwargs):
        return changes.list_amendments(commands.ContractId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def terminate_contract(self, **kwargs):
        return changes.terminate_contract(
            commands.TerminateContract.parse(kwargs), self.platform.uow(), self.platform.ctx, self.budget
        )

    @rpc(expected_exceptions=DomainError)
    def execution_report(self, **kwargs):
        return reports.execution_report(commands.ExecutionReport.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def execution_report_xlsx(self, **kwargs):
        return reports.execution_report_xlsx(
            commands.ExecutionReport.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def contract_execution(self, **kwargs):
        return reports.contract_execution(
            commands.ContractExecution.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def record_acceptance(self, **kwargs):
        return acceptances.record_acceptance(
            commands.RecordAcceptance.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def list_acceptances(self, **kwargs):
        return acceptances.list_acceptances(commands.ContractId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def certify_progress(self, **kwargs):
        return progress.certify_progress(commands.CertifyProgress.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_progress_certificates(self, **kwargs):
        return progress.list_progress_certificates(
            commands.ContractId.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def reserve_payment(self, **kwargs):
        """The payment gate: check a payment against the contract's terms and reserve it, under the lock."""
        return acceptances.reserve_payment(
            commands.ReservePayment.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def check_payment(self, **kwargs):
        """The payment form's dry run: the same rules as reserve_payment, nothing written, no lock."""
        return acceptances.check_payment(commands.CheckPayment.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def settle_payment(self, **kwargs):
        return acceptances.settle_payment(commands.SettlePayment.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def release_payment(self, **kwargs):
        return acceptances.release_payment(
            commands.ReleasePayment.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @timer(interval=3)
    def settle_amendment_budgets(self):
        changes.settle_amendment_budgets(self.platform.uow(), self.budget)


SERVICE = ContractService
