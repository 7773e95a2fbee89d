from __future__ import annotations

from ic_platform.desk import Desk
from ic_platform.uow import UnitOfWork
from services.payment.adapters.claims import ClaimRepository
from services.payment.adapters.invoices import InvoiceRegistry
from services.payment.adapters.payments import PaymentRequestRepository
from services.payment.adapters.repository import ApplicationRepository

# The documents whose desks payment keeps (ic_platform.desk).
DESK_DOCUMENTS = ("matter_application", "expense_claim", "payment_request")


class PaymentUnitOfWork(UnitOfWork):
    def __enter__(self) -> PaymentUnitOfWork:
        super().__enter__()
        self.applications = ApplicationRepository(self.conn)
        self.claims = ClaimRepository(self.conn)
        self.invoices = InvoiceRegistry(self.conn)  # used once across claims and payment requests
        self.payments = PaymentRequestRepository(self.conn)
        self.desk = Desk(self.conn, DESK_DOCUMENTS)
        return self
