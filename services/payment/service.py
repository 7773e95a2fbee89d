"""The payment (支出) service's transport."""

from __future__ import annotations

from nameko.exceptions import deserialize_to_instance
from nameko.rpc import RpcProxy
from nameko.timer import timer

from ic_platform.attachments import AttachmentRpc
from ic_platform.context import CallContext
from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from ic_platform.rpc_timeout import bounded
from services.contract.domain.errors import ContractForbidden, ContractInputInvalid, ContractRefused
from services.payment.service_layer import (
    claim_commands,
    claims,
    commands,
    handlers,
    list_export,
    payment_check,
    payment_commands,
    payments,
)
from services.payment.service_layer.bus import BUS
from services.payment.service_layer.unit_of_work import PaymentUnitOfWork

# The contract service's refusals (the terms, acceptance, the contract amount) reach the payment gate as the
# same DomainErrors, so a refusal after the contract's reservation can give it back and the caller sees the rule.
for _cls in (ContractRefused, ContractInputInvalid, ContractForbidden):
    deserialize_to_instance(_cls)


class PaymentService(AttachmentRpc, PlatformService):
    name = "payment"
    platform = ServicePlatform(PaymentUnitOfWork, bus=BUS)
    budget = RpcProxy("budget")
    # 附件 (ic_platform/attachments.py): each document type payment owns, read under its own data scope.
    attachment_documents = {
        "matter_application": handlers.application_owner,
        "expense_claim": claims.claim_owner,
        "payment_request": payments.payment_owner,
    }
    contract = RpcProxy("contract")
    procurement = RpcProxy("procurement")
    org = RpcProxy("org")  # the units' names, for the workbooks (payment keeps only their codes)

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
            bounded(self.contract),
            bounded(self.procurement),
        )

    # ── payment requests (付款申请) and execution (支付) ──
    @rpc(expected_exceptions=DomainError)
    def submit_payment(self, **kwargs):
        """The payment gate before approval: every check, the contract's reservation under its lock."""
        return payments.submit_payment(
            payment_commands.SubmitPayment.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.contract),
            bounded(self.procurement),
            bounded(self.budget),
        )

    @rpc(expected_exceptions=DomainError)
    def check_payment(self, **kwargs):
        """The gate as a dry run for the payment form: every check, every refusal listed, nothing written."""
        return payment_check.check_payment(
            payment_commands.CheckPayment.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.contract),
            bounded(self.procurement),
            bounded(self.budget),
        )

    @rpc(expected_exceptions=DomainError)
    def resubmit_expense_claim(self, **kwargs):
        """A returned claim, corrected by its claimant, into a new round (standards and invoices again)."""
        return claims.resubmit_expense_claim(
            claim_commands.ResubmitExpenseClaim.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.budget),
        )

    @rpc(expected_exceptions=DomainError)
    def resubmit_payment(self, **kwargs):
        """A returned request, corrected by its requester, through the whole gate again into a new round."""
        return payments.resubmit_payment(
            payment_commands.ResubmitPayment.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.contract),
            bounded(self.procurement),
            bounded(self.budget),
            reads=self.platform.uow(),
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
    def execute_payment(self, **kwargs):
        """支付 (cashier, not an approver): every check again, then budget actual and the contract settled."""
        return payments.execute_payment(
            payment_commands.ExecutePayment.parse(kwargs),
            self.platform.uow(),
            self.platform.ctx,
            bounded(self.contract),
            bounded(self.procurement),
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

    @rpc(expected_exceptions=DomainError)
    def get_payment(self, **kwargs):
        return payments.get_payment(payment_commands.PaymentId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_payments(self, **kwargs):
        return payments.list_payments(
            payment_commands.ListPayments.parse(kwargs), self.platform.uow(), self.platform.ctx
        )

    @rpc(expected_exceptions=DomainError)
    def list_payments_xlsx(self, **kwargs):
        cmd = payment_commands.ListPayments.parse(kwargs)
        return list_export.payments_xlsx(cmd, self.platform.uow(), self.platform.ctx, bounded(self.org))

    @timer(interval=3)
    def release_payment_reservations(self):
        payments.release_reservations(self.platform.uow(), bounded(self.contract))

    @timer(interval=15)
    def redrive_reserving(self):
        handlers.redrive_reserving(self.platform.uow(), CallContext(org="-"), bounded(self.budget))
        claims.redrive_reserving(self.platform.uow(), bounded(self.budget))

    @timer(interval=2)
    def settle_approved_claims(self):
        """Approved claims on an application: commit from it, release the rest (claims.settle_approved_claims)."""
        claims.settle_approved_claims(self.platform.uow(), bounded(self.budget))


SERVICE = PaymentService
