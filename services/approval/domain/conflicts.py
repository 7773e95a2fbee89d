"""Incompatible positions (不相容岗位相互分离) on one document. Pure: no I/O.

A document may name its parties: who registered the supplier, who purchased, who will accept the goods, who
executes the payment (`parties`: role → username, in its submission). Approving a document is itself a
position (approving a spending document is 付款审批). An approver who holds, on this document, a position
incompatible with the one approving amounts to is refused. The pairs are data: a new pair is a line here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ic_platform.errors import DomainError, Forbidden

# Pairs of positions one person must not hold on the same document (order does not matter).
INCOMPATIBLE: tuple[tuple[str, str], ...] = (
    ("supplier_registrar", "payment_approver"),  # 供应商登记 × 付款审批
    ("payment_approver", "payment_executor"),  # 付款审批 × 付款执行
    ("purchaser", "acceptor"),  # 采购 × 验收
    ("drafter", "acceptor"),  # 合同拟稿 × 验收 (the contract service asks this of an acceptance)
    ("drafter", "progress_certifier"),  # 合同拟稿 × 进度确认 (and of a progress certificate)
)

ROLE_LABELS = {
    "supplier_registrar": "供应商登记",
    "payment_approver": "付款审批",
    "payment_executor": "付款执行",
    "purchaser": "采购经办",
    "acceptor": "验收",
    "progress_certifier": "进度确认",
    "applicant": "申请经办",
    "drafter": "合同拟稿",
}

# The position that approving a document of each type amounts to.
APPROVING_AS: dict[str, str] = {
    "matter_application": "payment_approver",
    "payment_request": "payment_approver",
    "expense_claim": "payment_approver",
    "procurement_application": "payment_approver",
    "procurement_method_change": "payment_approver",
    "contract": "payment_approver",
    "contract_amendment": "payment_approver",
}
DEFAULT_APPROVING_AS = "payment_approver"


@dataclass(frozen=True)
class Conflict:
    held: str  # the position the approver holds on the document
    acting: str  # the position approving amounts to

    @property
    def rule(self) -> str:
        return "/".join(sorted((self.held, self.acting)))


def conflict_of(
    approver: str, document_type: str, parties: Mapping[str, str], pairs: tuple[tuple[str, str], ...] = INCOMPATIBLE
) -> Conflict | None:
    return conflict_acting(approver, APPROVING_AS.get(document_type, DEFAULT_APPROVING_AS), parties, pairs)


def conflict_acting(
    person: str, acting: str, parties: Mapping[str, str], pairs: tuple[tuple[str, str], ...] = INCOMPATIBLE
) -> Conflict | None:
    """Does `person`, taking position `acting` on a document whose `parties` are given, hold on it a position
    incompatible with it? Other services ask this too (the contract service of an acceptor, the payment service
    of an executor), so the pairs stay one list."""
    incompatible = {frozenset(p) for p in pairs}
    for held, username in sorted(parties.items()):
        if username == person and held != acting and frozenset((held, acting)) in incompatible:
            return Conflict(held, acting)
    return None


def refusal(conflict: Conflict, approver: str, document_no: str | None) -> DomainError:
    held, acting = (ROLE_LABELS.get(r, r) for r in (conflict.held, conflict.acting))
    # The code starts with the segregation-of-duties prefix (errors.SOD_PREFIX), like the other such refusals.
    return Forbidden(
        "sod_incompatible_roles",
        f"不相容岗位相互分离：您在单据 {document_no or ''} 中担任{held}，不能同时{acting}"
        f"（规则：{held}与{acting}分离）",
        {"actor": approver, "rule": conflict.rule, "held_role": conflict.held, "acting_role": conflict.acting},
    )


def catalogue(pairs: tuple[tuple[str, str], ...] = INCOMPATIBLE) -> dict:
    """The incompatible pairs and what approving each document type amounts to, named in Chinese."""
    return {
        "pairs": [{"positions": list(pair), "labels": [ROLE_LABELS.get(r, r) for r in pair]} for pair in pairs],
        "positions": [{"code": code, "label": label} for code, label in ROLE_LABELS.items()],
        "approving_as": {t: ROLE_LABELS.get(r, r) for t, r in APPROVING_AS.items()},
    }
