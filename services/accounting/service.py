"""The accounting (会计核算) service's transport: each RPC parses its command and calls a use case; it hears
acceptances and executed payments and posts their vouchers."""

from __future__ import annotations

from nameko.rpc import RpcProxy

from ic_platform.entrypoints import rpc
from ic_platform.errors import DomainError
from ic_platform.nameko_platform import PlatformService, ServicePlatform
from services.accounting.service_layer import commands, posting, reports
from services.accounting.service_layer.bus import BUS
from services.accounting.service_layer.unit_of_work import AccountingUnitOfWork


class AccountingService(PlatformService):
    name = "accounting"
    platform = ServicePlatform(AccountingUnitOfWork, bus=BUS)
    budget = RpcProxy("budget")

    @rpc(expected_exceptions=DomainError)
    def get_voucher(self, **kwargs):
        return reports.get_voucher(commands.VoucherId.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_vouchers(self, **kwargs):
        return reports.list_vouchers(commands.ListVouchers.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def reverse_voucher(self, **kwargs):
        return posting.reverse_voucher(commands.ReverseVoucher.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def list_periods(self):
        return reports.list_periods(self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def close_period(self, **kwargs):
        return posting.close_period(commands.ClosePeriod.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def trial_balance(self, **kwargs):
        return reports.trial_balance(commands.TrialBalance.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def trial_balance_xlsx(self, **kwargs):
        return reports.trial_balance_xlsx(commands.TrialBalance.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def ledger(self, **kwargs):
        return reports.ledger(commands.Ledger.parse(kwargs), self.platform.uow(), self.platform.ctx)

    @rpc(expected_exceptions=DomainError)
    def reconciliation(self, **kwargs):
        return reports.reconciliation(
            commands.Reconciliation.parse(kwargs), self.platform.uow(), self.platform.ctx, self.budget
        )


SERVICE = AccountingService
