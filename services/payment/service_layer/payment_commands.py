"""What the payment request RPCs accept: checked here, so bad input is a 422 naming the field, never a 500."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ic_platform.commands import Code, Command, Day, Money, PageNumber, PageSize, Text
from services.payment.domain.payment_request import Basis, Status
from services.payment.service_layer.invoices import InvoiceLine


class BasisIn(Command):
    """The payment's basis: a contract (with `milestone_no`), an approved expense claim or matter application."""

    type: Basis
    id: Code
    milestone_no: Annotated[int, Field(ge=1, le=50)] | None = None


class PayeeIn(Command):
    name: Text
    credit_code: Code | None = None
    account_no: Annotated[str, Field(min_length=1, max_length=40)]


class SubmitPayment(Command):
    title: Text
    amount: Money
    basis: BasisIn
    payee: PayeeIn
    invoices: list[InvoiceLine] = Field(default_factory=list, max_length=50)
    unit: Code  # the requester's unit, set by the gateway


class CheckPayment(SubmitPayment):
    """The payment form asks before it submits (POST /payments/check): the same body, the title optional."""

    title: Text | None = None


class ResubmitPayment(Command):
    """A returned request corrected (any field left out stays as it was); the basis stays, it is what the
    request pays. The whole gate runs again before it goes back into approval."""

    payment_id: Code
    title: Text | None = None
    amount: Money | None = None
    payee: PayeeIn | None = None
    invoices: list[InvoiceLine] | None = Field(default=None, max_length=50)


class PaymentId(Command):
    payment_id: Code


class ExecutePayment(Command):
    payment_id: Code
    reference: Code  # the bank's or the treasury's reference (银行流水号 / 国库支付凭证号)
    executed_on: Day | None = None  # the day paid; today when not given


class ListPayments(Command):
    status: Status | None = None
    contract_id: Code | None = None
    page: PageNumber = 1
    page_size: PageSize = 20
