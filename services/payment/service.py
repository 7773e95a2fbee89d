"""The payment (支出) service's transport."""

from __future__ import annotations

from nameko.rpc import RpcProxy
from nameko.timer import timer

from ic_platform.attachments import AttachmentRpc
from ic_platform.context import CallContext
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from ic_platform.rpc_timeout import bounded
from services.payment.service_layer import claim_commands, claims, commands, handlers
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork


class PaymentService(AttachmentRpc, PlatformService):
    name = "payment"
    platform = ServicePlatform(PaymentUnitOfWork, handlers.EVENT_HANDLERS)
    budget = RpcProxy("budget")
    # 附件 (ic_platform/attachments.py): each document type payment owns, read under its own data scope.
    attachment_documents = {
        "matter_application": handlers.application_owner,
        "expense_claim": claims.claim_owner,
    }

    @rpc(expected_exceptions=DomainError)
    def submit_matter_application(self, **kwargs):
        return handlers.submit_matter_application(
            commands.SubmitMatterApplication.parse(kwargs), self.platform.uow(), self.platform.ctx, bounded(self.budget)
        )

    @rpc(expected_exceptions=DomainError)
    def resubmit_matter_application(self, **kwargs):
        """Resubmit a returned, withdrawn or refused application (applicant only; money may not change)."""
        return handlers.resubmit_matter_application(
            commands.ResubmitMatterApplication.parse(kwargs), self.platform.uow(), self.platform.ctx, self.budget
        )

    @rpc(expected_exceptions=DomainError)
    def cancel_matter_application(self, **kwargs):
        """作废 (applicant; withdrawn, returned or refused): the budget releases what it still holds."""
        return handlers.cancel_matter_application(
            commands.EndMatterApplication.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def close_matter_application(self, **kwargs):
        """结项 (applicant or finance; approved): the budget releases the unspent remainder."""
        return handlers.close_matter_application(
            commands.EndMatterApplication.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def get_matter_application(self, application_id: str):
        return handlers.get_matter_application(application_id, self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_matter_applications(self, **kwargs):
        return handlers.list_matter_applications(
            commands.ListMatterApplications.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    # ── expense claims (报销) ──
    @rpc(expected_exceptions=DomainError)
    def submit_expense_claim(self, **kwargs):
        return claims.submit_expense_claim(
            claim_commands.SubmitExpenseClaim.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.budget),
        )

    @rpc(expected_exceptions=DomainError)
    def cancel_expense_claim(self, **kwargs):
        """作废 (claimant; returned, withdrawn or refused): its invoices are released."""
        return claims.cancel_expense_claim(
            claim_commands.CancelExpenseClaim.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.budget),
        )

    @rpc(expected_exceptions=DomainError)
    def get_expense_claim(self, **kwargs):
        return claims.get_expense_claim(claim_commands.ClaimId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_expense_claims(self, **kwargs):
        return claims.list_expense_claims(
            claim_commands.ListExpenseClaims.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @timer(interval=15)
    def redrive_reserving(self):
        handlers.redrive_reserving(self.platform.uow(), CallContext(org="-"), bounded(self.budget))
        claims.redrive_reserving(self.platform.uow(), bounded(self.budget))

    @timer(interval=2)
    def settle_approved_claims(self):
        """Approved claims on an application: commit from it, release the rest (claims.settle_approved_claims)."""
        claims.settle_approved_claims(self.platform.uow(), bounded(self.budget))


SERVICE = PaymentService
