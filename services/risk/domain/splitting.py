"""Splitting and thresholds (拆分与限额): split purchases across all of a unit's lines, many small parts by
supplier, economic class or category, amounts just below the approval threshold, and method downgrades.
Pure: small facts in (day buckets of running sums, the strongest method seen for a need), a warning draft out.

A split is judged on **day buckets**: per (unit, scope, band of amounts counted) and office calendar day, the
sum and number of the parts heard. A part's window is the `window_days` calendar days ending on its own day,
so judging reads at most `window_days` buckets however long the history, and the sum does not depend on the
order the parts were heard in. A part heard late (a backlog, several workers) is judged on its own window and
also completes the windows of the later days: a later day whose window reaches the threshold only with the
late part gets the warning on its latest part (`completed_by`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.rules import Rule, Severity, WarningDraft

LOCAL = ZoneInfo("Asia/Shanghai")  # the office's calendar days
EVIDENCE_PARTS = 20  # the evidence names at most this many other parts (the latest)


def office_day(at: datetime) -> date:
    return at.astimezone(LOCAL).date()


# ── scopes: what is summed together ──
@dataclass(frozen=True)
class Scope:
    """What parts are summed together. `key` is stored ("unit", "class:30201", "category:goods", …)."""

    key: str
    rule: Rule
    label: str  # Chinese, for the message and the evidence

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


SCOPE_LABELS = {
    "line": "本单位同一预算指标上的事前申请",
    "unit": "本单位全部预算指标上的事前申请",
    "class": "同一经济分类的事前申请",
    "procurement": "本单位的采购申请",
    "category": "同一品目类别（货物/服务/工程）的采购申请",
    "supplier": "付给同一供应商的非合同付款",
}


SCOPE_RULES = {
    "line": Rule.SPLIT_PURCHASE,
    "unit": Rule.SPLIT_ACROSS_LINES,
    "procurement": Rule.SPLIT_ACROSS_LINES,
    "class": Rule.SPLIT_SMALL_PARTS,
    "category": Rule.SPLIT_SMALL_PARTS,
    "supplier": Rule.SPLIT_SMALL_PARTS,
}


def scope(key: str) -> Scope:
    kind = key.split(":", 1)[0]
    return Scope(key, SCOPE_RULES[kind], SCOPE_LABELS[kind])


def matter_scopes(budget_line_id: str, economic_class: str | None) -> list[Scope]:
    """A matter application (事前申请) counts on its line, across all its unit's lines, and in its economic
    class. In this order: a part warned in one scope is not warned again by the next (one split, one warning)."""
    return [
        scope(f"line:{budget_line_id}"),
        scope("unit"),
        *([scope(f"class:{economic_class}")] if economic_class else []),
    ]


def procurement_scopes(category: str | None) -> list[Scope]:
    return [scope("procurement"), *([scope(f"category:{category}")] if category else [])]


def payment_scopes(supplier_id: str | None) -> list[Scope]:
    """Payments not against a contract (a contract's milestones are many payments by design), by supplier."""
    return [scope(f"supplier:{supplier_id}")] if supplier_id else []


@dataclass(frozen=True)
class Part:
    """A spending document as the split rules see it."""

    document: DocumentRef
    unit: str
    amount: Decimal
    at: datetime
    title: str = ""
    budget_line_id: str | None = None

    @property
    def day(self) -> date:
        return office_day(self.at)

    def as_evidence(self) -> dict[str, Any]:
        return {
            "document": self.document.as_dict(),
            "amount": money_str(self.amount),
            "title": self.title,
            "budget_line_id": self.budget_line_id,
            "submitted_at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class SplitPolicy:
    """Which parts count (`min_part` <= amount < `threshold`), how far back (`window_days` calendar days, the
    part's own day included), and how many parts at least make a split (`min_parts`, this one included)."""

    threshold: Decimal
    min_part: Decimal
    window_days: int
    min_parts: int

    @property
    def band(self) -> str:
        """The buckets' key for the amounts counted: buckets counted under another band are another set."""
        return f"{money_str(self.min_part)}|{money_str(self.threshold)}"

    def counts(self, amount: Decimal) -> bool:
        return self.min_part <= amount < self.threshold

    def meets(self, total: Decimal, count: int) -> bool:
        return count >= self.min_parts and total >= self.threshold

    def first_day(self, day: date) -> date:
        return day - timedelta(days=self.window_days - 1)

    @classmethod
    def of(cls, rule: Rule, values: Mapping[str, str]) -> SplitPolicy:
        """From the rule book's parameters in force: split_purchase and split_across_lines (threshold, min_part,
        window_days; two parts make a split) or split_small_parts (threshold, window_days, min_parts; parts of
        any amount)."""
        window = max(1, int(Decimal(values["window_days"])))
        if rule is not Rule.SPLIT_SMALL_PARTS:
            return cls(Decimal(values["threshold"]), Decimal(values["min_part"]), window, 2)
        return cls(Decimal(values["threshold"]), Decimal("0.01"), window, int(Decimal(values["min_parts"])))


@dataclass(frozen=True)
class Bucket:
    total: Decimal = Decimal("0")
    count: int = 0

    def plus(self, other: Bucket) -> Bucket:
        return Bucket(self.total + other.total, self.count + other.count)


def window_of(buckets: Mapping[date, Bucket], day: date, policy: SplitPolicy) -> Bucket:
    """The sum and number of the parts in the window ending on `day` (buckets of other days are ignored)."""
    first = policy.first_day(day)
    found = Bucket()
    for d, b in buckets.items():
        if first <= d <= day:
            found = found.plus(b)
    return found


def completes(now: Bucket, late: Part, policy: SplitPolicy) -> bool:
    """Whether a window (`now`, the late part in it) reaches the split only with the late part."""
    before = Bucket(now.total - late.amount, now.count - 1)
    return policy.meets(now.total, now.count) and not policy.meets(before.total, before.count)


def completed_by(late: Part, buckets: Mapping[date, Bucket], policy: SplitPolicy) -> list[date]:
    """The later days (within the window after the late part's day) holding parts whose window reaches the
    split only with the late part in it: each gets a warning on its latest part. A day whose window reached it
    before was judged (and warned) when its own parts were heard. (Later parts of the late part's own day: the
    service layer asks for them, see `completes`.)"""
    if not policy.counts(late.amount):
        return []
    last = late.day + timedelta(days=policy.window_days - 1)
    days = []
    for d in sorted(d for d, b in buckets.items() if late.day < d <= last and b.count > 0):
        if completes(window_of(buckets, d, policy), late, policy):
            days.append(d)
    return days


SPLIT_LABELS = {
    Rule.SPLIT_PURCHASE: "疑似拆分采购（化整为零）",
    Rule.SPLIT_ACROSS_LINES: "疑似跨指标拆分采购",
    Rule.SPLIT_SMALL_PARTS: "疑似化整为零（多笔小额）",
}


def split_warning(
    part: Part,
    where: Scope,
    policy: SplitPolicy,
    window: Bucket,
    others: list[Part],
    late: Part | None = None,
) -> WarningDraft | None:
    """A warning on `part` when it counts and its window (this part included) reaches the split: at least
    `min_parts` parts, together at least `threshold`. `others` are the latest other parts (the evidence);
    `late` is the part heard late that completed this window, if that is how it came about."""
    if not policy.counts(part.amount) or not policy.meets(window.total, window.count):
        return None
    others_count = window.count - 1
    named = "、".join(o.document.no or o.document.id for o in others)
    if others_count > len(others):
        named = f"{named} 等 {others_count} 笔"
    lines = sorted({p.budget_line_id for p in (part, *others) if p.budget_line_id})
    label = SPLIT_LABELS[where.rule]
    message = (
        f"{label}：{where.label}在 {policy.window_days} 天内共 {window.count} 笔，单笔均低于 "
        f"{policy.threshold:,.2f} 元，合计 {window.total:,.2f} 元已达到审批/采购限额。其他单据：{named}"
    )
    if late is not None:
        message += f"（迟到的 {late.document.no or late.document.id} 补齐了本窗口）"
    return WarningDraft(
        part.document,
        where.rule,
        Severity.HIGH if where.rule is Rule.SPLIT_PURCHASE else Severity.MEDIUM,
        message,
        {
            "unit": part.unit,
            "scope": where.kind,
            "scope_key": where.key,
            "scope_label": where.label,
            "budget_lines": lines,
            "amount": money_str(part.amount),
            "total": money_str(window.total),
            "count": window.count,
            "threshold": money_str(policy.threshold),
            "min_part": money_str(policy.min_part),
            "min_parts": policy.min_parts,
            "window_days": policy.window_days,
            "others": [o.as_evidence() for o in others],
            "others_count": others_count,
            "completed_by": late.document.as_dict() if late is not None else None,
        },
    )


# ── 略低于审批限额 ──
def just_below_approval(
    document: DocumentRef, amount: Decimal, threshold: Decimal, margin_percent: Decimal
) -> WarningDraft | None:
    """Medium: a matter application sized within `margin_percent` below the approval threshold (the amount
    from which the next approval level and a formal procurement are needed)."""
    floor = threshold * (Decimal(100) - margin_percent) / Decimal(100)
    if not floor <= amount < threshold:
        return None
    gap = threshold - amount
    return WarningDraft(
        document,
        Rule.JUST_BELOW_APPROVAL_THRESHOLD,
        Severity.MEDIUM,
        f"申请金额 {amount:,.2f} 元略低于审批限额 {threshold:,.2f} 元（差 {gap:,.2f} 元，在 {margin_percent}% 以内）",
        {
            "amount": money_str(amount),
            "threshold": money_str(threshold),
            "gap": money_str(gap),
            "margin_percent": str(margin_percent),
        },
    )


# ── 采购方式降级 ──
# How much competition a method demands (higher is stronger). 竞争性谈判与磋商同级；单一来源、自行采购最弱。
METHOD_STRENGTH = {
    "open_tender": 6,
    "invited_tender": 5,
    "competitive_consultation": 4,
    "competitive_negotiation": 4,
    "framework_agreement": 3,
    "request_for_quotation": 3,
    "single_source": 1,
    "self_procurement": 0,
}
METHOD_LABELS = {
    "open_tender": "公开招标",
    "invited_tender": "邀请招标",
    "competitive_consultation": "竞争性磋商",
    "competitive_negotiation": "竞争性谈判",
    "framework_agreement": "框架协议采购",
    "request_for_quotation": "询价",
    "single_source": "单一来源",
    "self_procurement": "自行采购",
}


@dataclass(frozen=True)
class NeedMethod:
    """The strongest method seen so far for one need (a matter application, or the procurement application
    itself when it has its own line), and the document that had it."""

    need: str
    method: str
    document: DocumentRef


def weaker(method: str, than: str) -> bool:
    return METHOD_STRENGTH.get(method, 0) < METHOD_STRENGTH.get(than, 0)


def method_downgrade(
    document: DocumentRef,
    method: str,
    earlier: NeedMethod | None,
    *,
    tender_failed: bool = False,
    requested_from: str | None = None,
) -> WarningDraft | None:
    """Medium: a procurement's method weaker than an earlier one for the same need (a new or resubmitted
    application), or a change requested downward (`requested_from` the current method). A failed tender (流标)
    is named in the evidence: a downgrade after it may be lawful, the inspector judges."""
    before = requested_from or (earlier.method if earlier is not None else None)
    if before is None or not weaker(method, before):
        return None
    earlier_doc = document if requested_from else earlier.document
    b, m = METHOD_LABELS.get(before, before), METHOD_LABELS.get(method, method)
    if requested_from:
        message = f"采购方式降级：申请将采购方式由{b}变更为{m}"
    else:
        message = f"采购方式降级：同一需求此前为{b}（{earlier_doc.no or earlier_doc.id}），现采用{m}"
    return WarningDraft(
        document,
        Rule.METHOD_DOWNGRADE,
        Severity.MEDIUM,
        message + ("（此前招标失败，流标）" if tender_failed else ""),
        {
            "earlier_method": before,
            "method": method,
            "earlier_document": earlier_doc.as_dict(),
            "change_requested": requested_from is not None,
            "tender_failed": tender_failed,
        },
    )


# ── the rule book's entries (domain/rule_book.py adds them) ──
def _consistent(values: dict[str, str]) -> str | None:
    if Decimal(values["min_part"]) >= Decimal(values["threshold"]):
        return "计入的最小金额（min_part）须小于限额（threshold）"
    return None


def definitions() -> tuple:
    from services.risk.domain.rule_book import Parameter, RuleDefinition

    split_evidence = dict(
        unit="单位",
        scope="汇总范围（class 经济分类 / category 品目类别 / supplier 供应商）",
        scope_key="汇总范围键",
        scope_label="汇总范围说明",
        budget_lines="涉及的预算指标",
        amount="本笔金额",
        total="窗口内合计（含本笔）",
        count="窗口内笔数（含本笔）",
        threshold="所用限额",
        min_part="计入的最小金额（本规则为 0.01：小额也计入）",
        min_parts="所用最少笔数",
        window_days="所用窗口天数",
        others="其他各笔（最近 20 笔）",
        others_count="其他笔数",
        completed_by="补齐本窗口的迟到单据（若由此产生）",
    )
    return (
        RuleDefinition(
            Rule.SPLIT_ACROSS_LINES,
            "疑似跨指标拆分采购",
            Severity.MEDIUM,
            "同一单位在 window_days 个日历日内（含当日）跨其全部预算指标提交的事前申请（采购申请另计），单笔均不低于"
            " min_part 元且低于 threshold 元，至少两笔，合计达到 threshold 元，而同一指标上的拆分规则（split_purchase）"
            "未就本笔预警：预警提在窗口最后一日中最晚听到的那笔上。迟到的一笔还补判其后窗口内的各日。",
            {**split_evidence, "scope": "汇总范围（unit 全部指标的事前申请 / procurement 采购申请）"},
            (
                Parameter(
                    "threshold", "限额（元）：合计达到即疑似拆分", "money", "50000.00", "IC_RISK_ACROSS_LINES_THRESHOLD"
                ),
                Parameter("min_part", "计入的最小金额（元）", "money", "5000.00", "IC_RISK_ACROSS_LINES_MIN_PART"),
                Parameter("window_days", "回看窗口（日历日，含当日）", "days", "30"),
            ),
            _consistent,
        ),
        RuleDefinition(
            Rule.SPLIT_SMALL_PARTS,
            "疑似化整为零（多笔小额）",
            Severity.MEDIUM,
            "同一单位在 window_days 个日历日内，同一经济分类的事前申请、同一品目类别的采购申请或付给同一供应商的"
            "非合同付款，不论单笔大小（低于 threshold 元的都计入，包括 5,000 元以下的零星支出），至少 min_parts 笔、"
            "合计达到 threshold 元：预警提在窗口最后一日中最晚听到的那笔上。迟到的一笔还补判其后窗口内的各日。",
            split_evidence,
            (
                Parameter(
                    "threshold",
                    "限额（元）：合计达到即疑似化整为零",
                    "money",
                    "50000.00",
                    "IC_RISK_SMALL_PARTS_THRESHOLD",
                ),
                Parameter("min_parts", "最少笔数（含本笔）", "count", "5"),
                Parameter("window_days", "回看窗口（日历日，含当日）", "days", "30"),
            ),
        ),
        RuleDefinition(
            Rule.JUST_BELOW_APPROVAL_THRESHOLD,
            "申请金额略低于审批限额",
            Severity.MEDIUM,
            "事前申请提交时，金额低于审批限额 approval_threshold 元（达到即须上一级审批与正式采购程序），但差距在 "
            "margin_percent 百分比以内：预警提在申请上。",
            {"amount": "申请金额", "threshold": "所用审批限额", "gap": "差额", "margin_percent": "所用百分比"},
            (
                Parameter("approval_threshold", "审批限额（元）", "money", "50000.00"),
                Parameter("margin_percent", "低于限额的幅度（%）：在此以内视为略低于", "percent", "10"),
            ),
        ),
        RuleDefinition(
            Rule.METHOD_DOWNGRADE,
            "采购方式降级",
            Severity.MEDIUM,
            "采购申请提交（重新提交）时，其采购方式弱于同一需求（同一事前申请；无事前申请的为同一采购申请）此前"
            "采用过的最强方式；或申请变更采购方式（procurement.method_change_requested）为更弱的方式：预警提在采购"
            "申请（变更申请）上。方式强弱：公开招标 > 邀请招标 > 竞争性磋商 = 竞争性谈判 > 询价 = 框架协议 > "
            "单一来源 > 自行采购。此前流标的在依据中注明。",
            {
                "earlier_method": "此前的（最强）方式",
                "method": "现在的方式",
                "earlier_document": "此前方式所在单据",
                "change_requested": "是否为变更申请",
                "tender_failed": "此前是否流标",
            },
            (),
        ),
    )
