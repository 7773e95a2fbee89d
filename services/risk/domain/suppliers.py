"""Suppliers and contracts (供应商与合同): single-source overuse, change-order inflation, overdue milestones and
lapsed contracts (supplier concentration is in chain.py). Pure: a unit-year's running sums, a contract's terms
as risk keeps them (domain/payments.ContractTerms), the acceptances heard; a warning draft out.

Overdue milestones and lapsed contracts are judged on **the events that pass by** (an acceptance, a payment
request, an amendment of the contract), not by a timer: a contract nobody touches raises nothing until it is
touched. A daily sweep over open contracts would be the timer's way; it is not built (docs/risk-rules.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.payments import ACCEPTED, ContractTerms
from services.risk.domain.rules import Rule, Severity, WarningDraft


@dataclass(frozen=True)
class MethodYear:
    """A unit's procurement applications in a year: all of them and the single-source ones (this included)."""

    unit: str
    year: int
    total: Decimal
    count: int
    single_total: Decimal
    single_count: int


def single_source_overuse(
    document: DocumentRef, y: MethodYear, share_percent: Decimal, min_count: int
) -> WarningDraft | None:
    """Medium, on a single-source application that brings the unit's single-source procurements of the year to
    at least `min_count` and above `share_percent` % of the value of all its procurement applications."""
    if y.single_count < min_count or y.total <= 0:
        return None
    share = (y.single_total * 100 / y.total).quantize(Decimal("0.01"))
    if share <= share_percent:
        return None
    return WarningDraft(
        document,
        Rule.SINGLE_SOURCE_OVERUSE,
        Severity.MEDIUM,
        f"单一来源采购偏多：本单位 {y.year} 年单一来源采购 {y.single_count} 笔、{y.single_total:,.2f} 元，"
        f"占采购申请金额的 {share}%（超过 {share_percent}%）",
        {
            "unit": y.unit,
            "year": y.year,
            "single_source_count": y.single_count,
            "single_source_total": money_str(y.single_total),
            "unit_total": money_str(y.total),
            "unit_count": y.count,
            "share": str(share),
            "share_percent": str(share_percent),
            "min_count": min_count,
        },
    )


@dataclass(frozen=True)
class Amendment:
    """A change order (补充协议) submitted: contract.amendment_submitted."""

    document: DocumentRef
    previous_amount: Decimal
    new_amount: Decimal
    end_date: date | None


def change_order_inflation(
    a: Amendment, c: ContractTerms | None, growth_percent: Decimal, max_amendments: int
) -> WarningDraft | None:
    """Medium, on the amendment: the contract grows beyond `growth_percent` % of its original amount, or this is
    its `max_amendments`-th change or later, or it raises the price and extends the term at once."""
    if c is None:
        return None
    growth = ((a.new_amount - c.original_amount) * 100 / c.original_amount).quantize(Decimal("0.01"))
    count = c.amendments + 1
    extended = a.end_date is not None and c.end_date is not None and a.end_date > c.end_date
    raised = a.new_amount > a.previous_amount
    reasons = []
    if growth > growth_percent:
        reasons.append(f"累计增幅 {growth}% 超过 {growth_percent}%")
    if count >= max_amendments:
        reasons.append(f"第 {count} 次变更（达到 {max_amendments} 次）")
    if raised and extended:
        reasons.append("既加价又延期")
    if not reasons:
        return None
    return WarningDraft(
        a.document,
        Rule.CHANGE_ORDER_INFLATION,
        Severity.MEDIUM,
        f"合同 {c.document.no or c.contract_id} 变更异常：" + "；".join(reasons),
        {
            "contract": c.document.as_dict(),
            "original_amount": money_str(c.original_amount),
            "previous_amount": money_str(a.previous_amount),
            "new_amount": money_str(a.new_amount),
            "growth": str(growth),
            "growth_percent": str(growth_percent),
            "amendments": count,
            "max_amendments": max_amendments,
            "price_increase": raised,
            "term_extended": extended,
            "previous_end_date": c.end_date.isoformat() if c.end_date else None,
            "end_date": a.end_date.isoformat() if a.end_date else None,
            "reasons": reasons,
        },
    )


def overdue_milestones(
    c: ContractTerms | None,
    acceptances: Mapping[int, tuple[str, date]],
    today: date,
    grace_days: int,
) -> WarningDraft | None:
    """Medium, on the contract: milestones whose planned date plus `grace_days` lies before the day of the event
    passing by, with no passed acceptance heard (or one recorded after that), named with their days late."""
    if c is None or c.closed:
        return None
    late = []
    for no, m in sorted(c.milestones.items()):
        planned = date.fromisoformat(m["planned_date"]) if m.get("planned_date") else None
        if planned is None:
            continue
        due = planned + timedelta(days=grace_days)
        accepted = acceptances.get(no)
        done_on = accepted[1] if accepted is not None and accepted[0] in ACCEPTED else None
        if (done_on is None and due < today) or (done_on is not None and done_on > due):
            late.append(
                {
                    "milestone_no": no,
                    "planned_date": planned.isoformat(),
                    "accepted_on": done_on.isoformat() if done_on else None,
                    "days_late": ((done_on or today) - planned).days,
                }
            )
    if not late:
        return None
    named = "、".join(f"第 {m['milestone_no']} 期（逾期 {m['days_late']} 天）" for m in late)
    return WarningDraft(
        c.document,
        Rule.OVERDUE_MILESTONE,
        Severity.MEDIUM,
        f"合同 {c.document.no or c.contract_id} 付款节点逾期未验收或逾期验收：{named}",
        {"contract": c.document.as_dict(), "milestones": late, "as_of": today.isoformat(), "grace_days": grace_days},
    )


def lapsed_contract(document: DocumentRef, c: ContractTerms | None, today: date, what: str) -> WarningDraft | None:
    """Medium, on the document passing by (a payment request, an amendment, an acceptance): the contract's term
    (with its amendments) ended before that day and it was not terminated: performed or paid while lapsed."""
    if c is None or c.closed or c.end_date is None or today <= c.end_date:
        return None
    return WarningDraft(
        document,
        Rule.LAPSED_CONTRACT,
        Severity.MEDIUM,
        f"合同 {c.document.no or c.contract_id} 已于 {c.end_date.isoformat()} 到期（{(today - c.end_date).days} 天前）"
        f"未续签或变更，仍在{what}",
        {
            "contract": c.document.as_dict(),
            "end_date": c.end_date.isoformat(),
            "on": today.isoformat(),
            "days_after": (today - c.end_date).days,
            "what": what,
        },
    )


# ── the rule book's entries (domain/rule_book.py adds them) ──
def definitions() -> tuple:
    from services.risk.domain.rule_book import Parameter, RuleDefinition

    return (
        RuleDefinition(
            Rule.SINGLE_SOURCE_OVERUSE,
            "单一来源采购偏多",
            Severity.MEDIUM,
            "采购申请以单一来源方式提交时，本单位当年（按提交日）单一来源采购申请（含本笔）不少于 min_count 笔，"
            "且金额占"
            "本单位当年采购申请金额的比例超过 share_percent 百分比：预警提在该采购申请上。",
            _evidence(
                "unit=单位 year=年度 single_source_count=单一来源笔数 single_source_total=单一来源金额 "
                "unit_total=采购申请合计 unit_count=采购申请笔数 share=占比（%） share_percent=所用参数（%） "
                "min_count=所用最少笔数"
            ),
            (
                Parameter("share_percent", "占比上限（%）", "percent", "30"),
                Parameter("min_count", "单一来源笔数达到此数才判断", "count", "3"),
            ),
        ),
        RuleDefinition(
            Rule.CHANGE_ORDER_INFLATION,
            "合同变更异常（加价、频繁、加价并延期）",
            Severity.MEDIUM,
            "合同变更提交审批时（contract.amendment_submitted），变更后金额较原合同增幅超过 growth_percent 百分比，"
            "或这是"
            "该合同第 max_amendments 次及以后的变更，或本次既加价又延长履行期限：预警提在变更申请上。",
            _evidence(
                "contract=合同 original_amount=原合同金额 previous_amount=变更前金额 new_amount=变更后金额 "
                "growth=较原合同增幅（%） growth_percent=所用参数（%） amendments=第几次变更 "
                "max_amendments=所用参数 price_increase=是否加价 term_extended=是否延期 "
                "previous_end_date=原到期日 end_date=变更后到期日 reasons=触发的情形"
            ),
            (
                Parameter("growth_percent", "较原合同增幅上限（%）", "percent", "10"),
                Parameter("max_amendments", "变更次数达到此数即预警", "count", "3"),
            ),
        ),
        RuleDefinition(
            Rule.OVERDUE_MILESTONE,
            "合同付款节点逾期",
            Severity.MEDIUM,
            "合同的验收、付款申请或变更经过时（不设定时任务），有付款节点的计划日期加 grace_days 天早于当日而未见通过的"
            "验收，或验收晚于该日：预警提在合同上，依据列出各逾期节点。",
            _evidence(
                "contract=合同 milestones=逾期节点（计划日、验收日、逾期天数） as_of=判断日 grace_days=所用宽限天数"
            ),
            (Parameter("grace_days", "计划日期后的宽限天数", "days", "15"),),
        ),
        RuleDefinition(
            Rule.LAPSED_CONTRACT,
            "合同到期后仍在履行或付款",
            Severity.MEDIUM,
            "合同的履行期限（含变更）已过且未解除，其后仍有付款申请、变更申请或验收（经过的事件，不设定时任务）："
            "预警提在该付款申请、变更申请上（验收则提在合同上）。",
            _evidence("contract=合同 end_date=到期日 on=事件日 days_after=到期后天数 what=事件"),
            (),
        ),
    )


def _evidence(spec: str) -> dict[str, Any]:
    return dict(item.split("=", 1) for item in spec.split())
