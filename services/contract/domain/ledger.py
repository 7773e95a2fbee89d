"""The payment ledger's own rules (付款占用). Pure: the service layer locks the contract, loads what is held
against it and asks these; the terms themselves are `execution.check_payment`."""

from __future__ import annotations

from typing import Any

from services.contract.domain.contract import STATUS_LABELS, Contract, Status
from services.contract.domain.errors import refused

PAYABLE = (Status.SIGNED, Status.TERMINATED)  # in force, or terminated and paid up to the settlement


def check_payable(c: Contract) -> None:
    if c.status not in PAYABLE:
        raise refused(
            "payment_contract_not_in_force",
            f"合同 {c.no} 当前为「{STATUS_LABELS[c.status]}」",
            status=c.status.value,
        )


def check_reserved(c: Contract, payment: dict[str, Any], row: dict[str, Any] | None) -> None:
    """Execution settles only a payment that reserved against this contract and was not given back."""
    if row is None or str(row["contract_id"]) != c.id or row["status"] == "released":
        raise refused(
            "payment_unknown",
            f"付款申请 {payment.get('no') or payment.get('id')} 未占用合同 {c.no} 的付款额度",
            payment=payment.get("id"),
        )
