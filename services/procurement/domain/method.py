"""The procurement method by rule (采购方式的确定). Pure: a category, an amount, the catalogue items and a date in;
the requirement out, or the rule a chosen method breaks.

The rules (rule ids in DOMAIN.md):
- Below the category's 分散采购限额标准 the purchase is not 政府采购: the unit buys itself (自行采购), with market
  research from the policy's amount on; any stronger method is allowed too.
- From 分散采购限额标准 to below 公开招标数额标准: a competitive method (竞争性谈判, 竞争性磋商, 询价 for goods only
  (政府采购法 第32条), or a tender); self procurement is refused as weaker.
- From 公开招标数额标准 on: open tender; invited tender only with reasons (政府采购法 第29条, and it takes an extra
  approval step); anything else is weaker and refused (a changed method after a failed tender is a method change).
- A catalogue item (集中采购目录) is bought centrally (集中采购, by the central procurement agency): self
  procurement is refused; below the decentralised threshold the framework agreement (框架协议) is the usual way.
- Single source (单一来源) is possible at any amount but only with reasons, and adds an approval step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ic_platform.money import money_str
from services.procurement.domain.errors import ProcurementRefused, refused
from services.procurement.domain.kinds import (
    CATEGORY_LABELS,
    COMPETITIVE_METHODS,
    FORM_LABELS,
    METHOD_LABELS,
    TIER_LABELS,
    Category,
    Form,
    Method,
    Tier,
)
from services.procurement.domain.policy import CatalogueEntry, ProcurementPolicy, Thresholds

# How much competition a method brings, for the words "weaker" and "stronger". Single source has no place here:
# it is never "strong enough", only justified.
STRENGTH = {
    Method.SELF_PROCUREMENT: 0,
    Method.FRAMEWORK_AGREEMENT: 1,
    Method.REQUEST_FOR_QUOTATION: 2,
    Method.COMPETITIVE_NEGOTIATION: 2,
    Method.COMPETITIVE_CONSULTATION: 2,
    Method.INVITED_TENDER: 3,
    Method.OPEN_TENDER: 4,
}
# After a failed tender (流标: fewer valid bids than required), these may be asked for as a method change
# (政府采购货物和服务招标投标管理办法 第43条; 政府采购非招标采购方式管理办法 第27条).
AFTER_FAILED_TENDER = frozenset({Method.COMPETITIVE_NEGOTIATION, Method.COMPETITIVE_CONSULTATION, Method.SINGLE_SOURCE})
JUSTIFICATION_RULES = {
    Method.SINGLE_SOURCE: "single_source_justification_required",
    Method.INVITED_TENDER: "invited_tender_justification_required",
}


@dataclass(frozen=True)
class MethodRequirement:
    category: Category
    amount: Decimal
    on: date
    tier: Tier
    thresholds: Thresholds
    central_items: tuple[CatalogueEntry, ...]
    form: Form
    allowed: frozenset[Method]  # acceptable as chosen
    justified: frozenset[Method]  # acceptable only with reasons, and with an extra approval step
    default: Method  # what the system proposes
    market_research: bool  # self procurement that needs quotes (市场调查)
    intention_required: bool  # 政府采购: a procurement intention must be published first

    @property
    def central(self) -> bool:
        return bool(self.central_items)

    def explain(self) -> str:
        """Why this requirement, in the words an applicant reads."""
        central = (
            f"；含集中采购目录品目（{'、'.join(e.name for e in self.central_items)}），须集中采购"
            if self.central
            else ""
        )
        return (
            f"{CATEGORY_LABELS[self.category]}类采购预算 {money_str(self.amount)} 元，{TIER_LABELS[self.tier]}"
            f"（{self.thresholds.describe()}）{central}"
        )

    def as_dict(self) -> dict:
        return {
            "category": self.category.value,
            "amount": money_str(self.amount),
            "on": self.on.isoformat(),
            "tier": self.tier.value,
            "decentralised_threshold": money_str(self.thresholds.decentralised),
            "open_tender_threshold": money_str(self.thresholds.open_tender),
            "thresholds_demo": self.thresholds.demo,
            "central_items": [e.code for e in self.central_items],
            "form": self.form.value,
            "allowed": sorted(m.value for m in self.allowed),
            "justified": sorted(m.value for m in self.justified),
            "default": self.default.value,
            "market_research": self.market_research,
            "intention_required": self.intention_required,
        }


@dataclass(frozen=True)
class MethodDecision:
    """A chosen method that the rules accept; `extra_approval` when it takes an additional approval step."""

    method: Method
    form: Form
    justification: str | None
    extra_approval: bool


def tier_of(amount: Decimal, thresholds: Thresholds) -> Tier:
    if amount >= thresholds.open_tender:
        return Tier.TENDER
    if amount >= thresholds.decentralised:
        return Tier.DECENTRALISED
    return Tier.SELF


def central_items(amounts_by_code: dict[str, Decimal], policy: ProcurementPolicy, on: date) -> list[CatalogueEntry]:
    """The catalogue items this purchase must buy centrally: in the catalogue on that day, and reaching the
    item's batch amount (批量起点) with the purchase's items of that code together."""
    found = []
    for code, amount in sorted(amounts_by_code.items()):
        entry = policy.catalogue_entry(code, on)
        if entry is not None and amount >= entry.min_amount:
            found.append(entry)
    return found


def determine(
    category: Category,
    amount: Decimal,
    policy: ProcurementPolicy,
    on: date,
    catalogue_amounts: dict[str, Decimal] | None = None,
) -> MethodRequirement:
    thresholds = policy.thresholds_on(category, on)
    tier = tier_of(amount, thresholds)
    central = tuple(central_items(catalogue_amounts or {}, policy, on))
    allowed, justified = _methods(tier, category, bool(central))
    return MethodRequirement(
        category=category,
        amount=amount,
        on=on,
        tier=tier,
        thresholds=thresholds,
        central_items=central,
        form=Form.CENTRAL if central else (Form.SELF if tier is Tier.SELF else Form.DECENTRALISED),
        allowed=allowed,
        justified=justified,
        default=_default(tier, category, bool(central)),
        market_research=not central and tier is Tier.SELF and amount >= policy.market_research_from,
        intention_required=tier is not Tier.SELF,
    )


def _methods(tier: Tier, category: Category, central: bool) -> tuple[frozenset[Method], frozenset[Method]]:
    competitive = set(COMPETITIVE_METHODS)
    if category is not Category.GOODS:
        competitive.discard(Method.REQUEST_FOR_QUOTATION)
    if tier is Tier.TENDER:
        allowed, justified = {Method.OPEN_TENDER}, {Method.INVITED_TENDER, Method.SINGLE_SOURCE}
    elif tier is Tier.DECENTRALISED:
        allowed, justified = competitive, {Method.SINGLE_SOURCE}
    else:
        allowed, justified = competitive | {Method.SELF_PROCUREMENT}, {Method.SINGLE_SOURCE}
    if central:
        allowed.discard(Method.SELF_PROCUREMENT)
        if tier is Tier.SELF:
            allowed.add(Method.FRAMEWORK_AGREEMENT)
    return frozenset(allowed), frozenset(justified)


def _default(tier: Tier, category: Category, central: bool) -> Method:
    if tier is Tier.TENDER:
        return Method.OPEN_TENDER
    if tier is Tier.SELF:
        return Method.FRAMEWORK_AGREEMENT if central else Method.SELF_PROCUREMENT
    return Method.REQUEST_FOR_QUOTATION if category is Category.GOODS else Method.COMPETITIVE_CONSULTATION


def check(
    requirement: MethodRequirement, method: Method, form: Form | None, justification: str | None
) -> MethodDecision:
    """Accept the chosen method and form, or raise the rule it breaks. The form defaults to the required one."""
    form = form or requirement.form
    reasons = (justification or "").strip() or None
    if requirement.central and form is not Form.CENTRAL:
        raise _refuse(requirement, "central_procurement_required", method, f"不得采用{FORM_LABELS[form]}")
    if method is Method.FRAMEWORK_AGREEMENT and not requirement.central:
        raise _refuse(requirement, "framework_agreement_catalogue_only", method, "")
    if method is Method.REQUEST_FOR_QUOTATION and requirement.category is not Category.GOODS:
        raise _refuse(requirement, "rfq_goods_only", method, f"本项目为{CATEGORY_LABELS[requirement.category]}类")
    if method in requirement.allowed:
        return MethodDecision(method, form, reasons, extra_approval=False)
    if method in requirement.justified:
        if reasons is None:
            raise _refuse(requirement, JUSTIFICATION_RULES[method], method, "")
        return MethodDecision(method, form, reasons, extra_approval=True)
    raise _refuse(requirement, "method_weaker_than_required", method, f"不得采用{METHOD_LABELS[method]}")


def check_change(
    requirement: MethodRequirement,
    current: Method,
    new: Method,
    reason: str | None,
    *,
    tender_failed: bool = False,
    awarded: bool = False,
) -> MethodDecision:
    """A change of method (采购方式变更) always goes through approval; the domain decides whether it may be asked
    for at all: the new method must satisfy the rules, or follow a failed tender with one of the methods the
    tender rules allow then. It is never possible once a supplier has been awarded."""
    reasons = (reason or "").strip() or None
    if awarded:
        raise refused("method_change_after_award", f"当前方式为{METHOD_LABELS[current]}", current=current.value)
    if new is current:
        raise refused("method_change_same_method", METHOD_LABELS[new], current=current.value)
    if reasons is None:
        raise refused("method_change_reason_required", f"由{METHOD_LABELS[current]}变更为{METHOD_LABELS[new]}")
    if tender_failed and current in COMPETITIVE_METHODS and new in AFTER_FAILED_TENDER:
        return MethodDecision(new, requirement.form, reasons, extra_approval=True)
    try:
        decision = check(requirement, new, None, reasons)
    except ProcurementRefused as exc:
        raise refused(
            "method_change_not_allowed",
            f"{requirement.explain()}；由{METHOD_LABELS[current]}变更为{METHOD_LABELS[new]}"
            f"{'（原招标未失败）' if not tender_failed else ''}",
            current=current.value,
            new=new.value,
            tender_failed=tender_failed,
            requirement=requirement.as_dict(),
        ) from exc
    return MethodDecision(decision.method, decision.form, reasons, extra_approval=True)


def _refuse(requirement: MethodRequirement, rule: str, method: Method, specifics: str):
    allowed = "、".join(METHOD_LABELS[m] for m in _ordered(requirement.allowed))
    justified = "、".join(METHOD_LABELS[m] for m in _ordered(requirement.justified))
    tail = f"可采用{allowed}" + (f"；说明理由并经审批后可采用{justified}" if justified else "")
    return refused(
        rule,
        f"{requirement.explain()}，{tail}" + (f"；{specifics}" if specifics else ""),
        chosen=method.value,
        requirement=requirement.as_dict(),
    )


def _ordered(methods: Iterable[Method]) -> list[Method]:
    return sorted(methods, key=lambda m: (-STRENGTH.get(m, -1), m.value))
