"""Market research (市场调查/询价比价) for self procurement. Pure.

From the policy's amount on (`market_research_from`), self procurement asks at least `min_quotes` (3) suppliers
for a price: each quote from a different registered supplier, valid (not suspended or blacklisted) on the day it
was given, with a positive amount, kept with its evidence (attachments). The chosen quote becomes the award
(成交); choosing any but the lowest needs a reason, kept with the award. Below that amount one quote is enough
(a direct purchase), under the same rules. Quotes from suppliers that share a legal representative or a bank
account are not refused (the registry cannot prove collusion) but flagged: three quotes from one family of
companies are no competition (围标串标)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.money import money_str
from services.procurement.domain import award as award_rules
from services.procurement.domain.application import ProcurementApplication
from services.procurement.domain.award import Award, decide
from services.procurement.domain.errors import invalid, refused
from services.procurement.domain.events import Flag, MarketResearchCompleted
from services.procurement.domain.kinds import METHOD_LABELS, Method
from services.procurement.domain.policy import ProcurementPolicy
from services.procurement.domain.supplier import Supplier


@dataclass(frozen=True)
class Quote:
    supplier_id: str
    amount: Decimal
    quoted_on: date
    evidence: tuple[str, ...] = ()  # attachment ids (报价单, screenshots of the e-mall)


def required_quotes(app: ProcurementApplication, policy: ProcurementPolicy) -> int:
    return policy.min_quotes if app.requirement is not None and app.requirement.market_research else 1


def conclude(
    app: ProcurementApplication,
    award_id: str,
    quotes: list[Quote],
    suppliers: Mapping[str, Supplier],
    chosen_supplier_id: str,
    decided_on: date,
    notice_date: date,
    policy: ProcurementPolicy,
    justification: str | None = None,
) -> Award:
    """Check the quotes, record `MarketResearchCompleted` and decide the award for the chosen quote."""
    if app.method is not Method.SELF_PROCUREMENT:
        raise refused(
            "research_method_mismatch",
            f"采购申请 {app.no} 的采购方式为{METHOD_LABELS[app.method]}",
            method=app.method.value,
        )
    _check_quotes(quotes, suppliers)
    needed = required_quotes(app, policy)
    if len(quotes) < needed:
        raise refused(
            "quotes_fewer_than_required",
            f"采购预算 {money_str(app.amount)} 元，达到市场调查金额 {money_str(policy.market_research_from)} 元，"
            f"须取得不少于 {needed} 家供应商的有效报价，实有 {len(quotes)} 家",
            quotes=len(quotes),
            required=needed,
        )
    chosen = next((q for q in quotes if q.supplier_id == chosen_supplier_id), None)
    if chosen is None:
        raise refused("chosen_quote_unknown", f"供应商 {chosen_supplier_id} 未报价", supplier_id=chosen_supplier_id)
    lowest = min(q.amount for q in quotes)
    reasons = (justification or "").strip() or None
    if chosen.amount > lowest and reasons is None:
        raise refused(
            "chosen_not_lowest_unjustified",
            f"选定报价 {money_str(chosen.amount)} 元，最低报价 {money_str(lowest)} 元",
            chosen=money_str(chosen.amount),
            lowest=money_str(lowest),
        )
    flags = tuple(related_suppliers([suppliers[q.supplier_id] for q in quotes]))
    supplier = suppliers[chosen.supplier_id]
    award_rules.check(app, supplier, chosen.amount, decided_on, notice_date)
    app.events.append(
        MarketResearchCompleted(
            app.document,
            [
                {"supplier_id": q.supplier_id, "amount": money_str(q.amount), "quoted_on": q.quoted_on.isoformat()}
                for q in quotes
            ],
            chosen.supplier_id,
            chosen.amount,
            lowest,
            reasons,
            list(flags),
        )
    )
    return decide(app, award_id, supplier, chosen.amount, decided_on, notice_date, justification=reasons, flags=flags)


def _check_quotes(quotes: list[Quote], suppliers: Mapping[str, Supplier]) -> None:
    seen: set[str] = set()
    for i, quote in enumerate(quotes):
        if quote.amount <= 0:
            raise invalid("quote_amount_not_positive", f"quotes[{i}].amount", f"报价 {money_str(quote.amount)} 元")
        supplier = suppliers.get(quote.supplier_id)
        if supplier is None:
            raise refused("supplier_unregistered", f"报价供应商 {quote.supplier_id}", supplier_id=quote.supplier_id)
        if quote.supplier_id in seen:
            raise refused(
                "quotes_same_supplier", f"供应商 {supplier.name} 报价了不止一次", supplier_id=quote.supplier_id
            )
        seen.add(quote.supplier_id)
        supplier.check_in_good_standing(quote.quoted_on, "报价")


def related_suppliers(suppliers: list[Supplier]) -> list[Flag]:
    """Suppliers in one competition that share a legal representative or a bank account: one flag per group."""
    flags = []
    for kind, key in (("legal_representative", _legal_rep), ("bank_account", _accounts)):
        groups: dict[str, set[str]] = defaultdict(set)
        for supplier in suppliers:
            for value in key(supplier):
                groups[value].add(supplier.id)
        for value, ids in sorted(groups.items()):
            if len(ids) > 1:
                names = "、".join(sorted(s.name for s in suppliers if s.id in ids))
                label = "法定代表人" if kind == "legal_representative" else "银行账号"
                flags.append(
                    Flag(
                        "related_suppliers",
                        "high",
                        f"参与竞争的供应商 {names} 的{label}相同（{value}）",
                        {"shared": kind, "value": value, "supplier_ids": sorted(ids)},
                    )
                )
    return flags


def _legal_rep(supplier: Supplier) -> list[str]:
    return [supplier.legal_representative]


def _accounts(supplier: Supplier) -> list[str]:
    return [a.account_no for a in supplier.accounts]
