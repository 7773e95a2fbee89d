"""Rules across the chain (跨环节规则): procurement award ↔ contract, and procurement amounts against the method
thresholds. Pure: small facts in (what risk keeps per award, per contract, per unit-year-supplier), a warning
draft (or None) out. Each fact is one row risk keeps as it hears events, so judging never reads history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.rules import Rule, Severity, WarningDraft


@dataclass(frozen=True)
class AwardFact:
    """An award (中标/成交结果) as risk heard it on procurement.award_decided."""

    award_id: str
    document: DocumentRef
    unit: str
    supplier_id: str
    supplier_name: str
    amount: Decimal
    notice_date: date | None


@dataclass(frozen=True)
class ContractFact:
    """A contract submitted for signing, with the basis it was drafted on (contract.drafted)."""

    document: DocumentRef
    unit: str
    supplier_id: str
    amount: Decimal
    basis_type: str  # award | matter_application
    award_id: str | None


def _award_evidence(contract: ContractFact, award: AwardFact) -> dict[str, Any]:
    return {
        "award_id": award.award_id,
        "award_document": award.document.as_dict(),
        "award_supplier_id": award.supplier_id,
        "award_supplier_name": award.supplier_name,
        "award_amount": money_str(award.amount),
        "contract_supplier_id": contract.supplier_id,
        "contract_amount": money_str(contract.amount),
    }


def contract_supplier_not_awarded(contract: ContractFact, award: AwardFact | None) -> WarningDraft | None:
    """High: the contract's counterparty is not the supplier the award named."""
    if award is None or contract.supplier_id == award.supplier_id:
        return None
    return WarningDraft(
        contract.document,
        Rule.CONTRACT_SUPPLIER_NOT_AWARDED,
        Severity.HIGH,
        f"合同相对方（供应商 {contract.supplier_id}）与中标（成交）供应商 {award.supplier_name}"
        f"（{award.supplier_id}）不一致",
        _award_evidence(contract, award),
    )


def contract_above_award(contract: ContractFact, award: AwardFact | None) -> WarningDraft | None:
    """High: the contract amount exceeds the awarded amount (the award caps what may be contracted)."""
    if award is None or contract.amount <= award.amount:
        return None
    excess = contract.amount - award.amount
    return WarningDraft(
        contract.document,
        Rule.CONTRACT_ABOVE_AWARD,
        Severity.HIGH,
        f"合同金额 {contract.amount:,.2f} 元超过中标（成交）金额 {award.amount:,.2f} 元，超出 {excess:,.2f} 元",
        {**_award_evidence(contract, award), "excess": money_str(excess)},
    )


def contract_without_procurement(contract: ContractFact, award: AwardFact | None) -> WarningDraft | None:
    """Medium: the contract names an award as its basis that risk never heard decided (no completed procurement).
    Medium, not high: an absence may be lateness (risk hears procurement and contracts on separate queues), and a
    high warning must be acknowledged before the decision; inspectors confirm or dismiss it."""
    if contract.basis_type != "award" or award is not None:
        return None
    return WarningDraft(
        contract.document,
        Rule.CONTRACT_WITHOUT_PROCUREMENT,
        Severity.MEDIUM,
        f"合同依据的中标（成交）结果 {contract.award_id or '（未填写）'} 未见已完成的采购（未收到中标结果）",
        {
            "award_id": contract.award_id,
            "contract_supplier_id": contract.supplier_id,
            "contract_amount": money_str(contract.amount),
        },
    )


def contract_signed_before_award(
    document: DocumentRef, signed_on: date, award: AwardFact | None, notice_date: date | None
) -> WarningDraft | None:
    """High: signed before the award notice (中标通知书). The notice date risk heard from the award wins over the
    one the contract event carries (the contract's own copy could be what is wrong)."""
    notice = award.notice_date if award is not None and award.notice_date is not None else notice_date
    if notice is None or signed_on >= notice:
        return None
    return WarningDraft(
        document,
        Rule.CONTRACT_SIGNED_BEFORE_AWARD,
        Severity.HIGH,
        f"合同签订日 {signed_on.isoformat()} 早于中标（成交）通知书日期 {notice.isoformat()}",
        {
            "award_id": award.award_id if award else None,
            "signed_on": signed_on.isoformat(),
            "award_notice_date": notice.isoformat(),
            "days_before": (notice - signed_on).days,
        },
    )


# ── 略低于限额 ──
THRESHOLD_LABELS = {"decentralised": "分散采购限额标准", "open_tender": "公开招标数额标准"}


@dataclass(frozen=True)
class ThresholdPolicy:
    margin_percent: Decimal
    decentralised: Decimal
    open_tender: Decimal

    @classmethod
    def from_parameters(cls, values: Mapping[str, str], requirement: Mapping[str, Any] | None) -> ThresholdPolicy:
        """The thresholds the procurement event applied (its requirement) win over the rule's parameters: they
        are the ones in force for that category on that day."""
        req = requirement or {}
        return cls(
            Decimal(values["margin_percent"]),
            Decimal(str(req.get("decentralised_threshold") or values["decentralised_threshold"])),
            Decimal(str(req.get("open_tender_threshold") or values["open_tender_threshold"])),
        )


def just_below_threshold(document: DocumentRef, amount: Decimal, policy: ThresholdPolicy) -> WarningDraft | None:
    """Medium: the amount lies within `margin_percent` below a method threshold (a sign of being sized to stay
    under it). The highest threshold it sits under is named."""
    for name, threshold in (("open_tender", policy.open_tender), ("decentralised", policy.decentralised)):
        floor = threshold * (Decimal(100) - policy.margin_percent) / Decimal(100)
        if floor <= amount < threshold:
            gap = threshold - amount
            return WarningDraft(
                document,
                Rule.JUST_BELOW_THRESHOLD,
                Severity.MEDIUM,
                f"采购金额 {amount:,.2f} 元略低于{THRESHOLD_LABELS[name]} {threshold:,.2f} 元（差 {gap:,.2f} 元，"
                f"在 {policy.margin_percent}% 以内）",
                {
                    "amount": money_str(amount),
                    "threshold_name": name,
                    "threshold": money_str(threshold),
                    "gap": money_str(gap),
                    "margin_percent": str(policy.margin_percent),
                },
            )
    return None


# ── 供应商集中度 ──
@dataclass(frozen=True)
class Concentration:
    """A unit's awarded value in a year, and one supplier's part of it (running sums, this award included)."""

    unit: str
    year: int
    supplier_id: str
    supplier_name: str
    supplier_total: Decimal
    unit_total: Decimal
    awards: int  # the unit's awards that year


def supplier_concentration(
    document: DocumentRef, c: Concentration, share_percent: Decimal, min_total: Decimal, min_awards: int
) -> WarningDraft | None:
    """Medium, on the award that takes one supplier's share of the unit's awarded value in the year above
    `share_percent`: only once the unit has awarded at least `min_total` in `min_awards` awards (one award is
    100% of itself)."""
    if c.unit_total <= 0 or c.unit_total < min_total or c.awards < min_awards:
        return None
    share = (c.supplier_total * 100 / c.unit_total).quantize(Decimal("0.01"))
    if share <= share_percent:
        return None
    return WarningDraft(
        document,
        Rule.SUPPLIER_CONCENTRATION,
        Severity.MEDIUM,
        f"供应商 {c.supplier_name} 在本单位 {c.year} 年中标金额中占 {share}%（{c.supplier_total:,.2f} / "
        f"{c.unit_total:,.2f} 元），超过 {share_percent}%",
        {
            "unit": c.unit,
            "year": c.year,
            "supplier_id": c.supplier_id,
            "supplier_total": money_str(c.supplier_total),
            "unit_total": money_str(c.unit_total),
            "awards": c.awards,
            "share": str(share),
            "share_percent": str(share_percent),
        },
    )
