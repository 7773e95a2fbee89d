"""Behaviour (行为特征): approvals and payments at night, on weekends or public holidays (the office's calendar as
data, with the 2026 public holidays and 调休 working days); round amounts; a year-end spending spike by unit;
Benford's first-digit test per paying unit (Nigrini's MAD conformity bands), only with enough payments. Pure:
a moment and the calendar, or a unit's running counts, in; a warning draft out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from math import log10
from typing import Any

from ic_platform.documents import DocumentRef
from ic_platform.money import money_str
from services.risk.domain.rules import Rule, Severity, WarningDraft
from services.risk.domain.splitting import LOCAL

# ── the office's calendar (data): 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕号, 2025-11-04） ──
# Days off that are not weekends' own (放假调休), named; and the weekend days that are working days (调休上班).
HOLIDAYS: dict[date, str] = {}
WORKING_WEEKENDS: dict[date, str] = {}


def _span(first: str, last: str, name: str) -> None:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    for n in range((end - start).days + 1):
        HOLIDAYS[date.fromordinal(start.toordinal() + n)] = name


for _first, _last, _name in (
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
):
    _span(_first, _last, _name)
for _day, _name in (
    ("2026-01-04", "元旦调休上班"),
    ("2026-02-14", "春节调休上班"),
    ("2026-02-28", "春节调休上班"),
    ("2026-05-09", "劳动节调休上班"),
    ("2026-09-20", "国庆节调休上班"),
    ("2026-10-10", "国庆节调休上班"),
):
    WORKING_WEEKENDS[date.fromisoformat(_day)] = _name


def day_kind(day: date) -> tuple[str, str | None]:
    """("holiday", name) | ("working_weekend", name) | ("weekend", None) | ("workday", None)."""
    if day in HOLIDAYS:
        return "holiday", HOLIDAYS[day]
    if day in WORKING_WEEKENDS:
        return "working_weekend", WORKING_WEEKENDS[day]
    return ("weekend", None) if day.weekday() >= 5 else ("workday", None)


WHEN_LABELS = {"night": "夜间", "weekend": "周末", "holiday": "法定节假日"}


def off_hours(
    document: DocumentRef, at: datetime, what: str, actor: str | None, night_start: int, night_end: int
) -> WarningDraft | None:
    """Low, on the document: approved (a decision) or paid at night (from `night_start` o'clock to `night_end`
    o'clock, office time), on a weekend that is not a 调休 working day, or on a public holiday."""
    local = at.astimezone(LOCAL)
    kind, name = day_kind(local.date())
    night = local.hour >= night_start or local.hour < night_end
    when = "holiday" if kind == "holiday" else "weekend" if kind == "weekend" else "night" if night else None
    if when is None:
        return None
    label = f"{WHEN_LABELS[when]}（{name}）" if name else WHEN_LABELS[when]
    return WarningDraft(
        document,
        Rule.OFF_HOURS,
        Severity.LOW,
        f"{what}发生在{label}：{local.strftime('%Y-%m-%d %H:%M')}，由 {actor or '（未知）'} 办理",
        {
            "what": what,
            "at": local.isoformat(),
            "when": when,
            "holiday": name if kind == "holiday" else None,
            "night": night,
            "actor": actor,
            "night_start": night_start,
            "night_end": night_end,
        },
    )


def round_amount(document: DocumentRef, amount: Decimal, round_to: Decimal, min_amount: Decimal) -> WarningDraft | None:
    """Low: an amount of at least `min_amount` that is a whole multiple of `round_to` (an estimate, not a
    price: invoices are rarely round)."""
    if amount < min_amount or amount % round_to != 0:
        return None
    return WarningDraft(
        document,
        Rule.ROUND_AMOUNT,
        Severity.LOW,
        f"金额 {amount:,.2f} 元为 {round_to:,.2f} 元的整数倍（整数金额多为估算而非实际价格）",
        {"amount": money_str(amount), "round_to": money_str(round_to), "min_amount": money_str(min_amount)},
    )


@dataclass(frozen=True)
class UnitYear:
    """A paying unit's executed payments by month of one year (running sums)."""

    unit: str
    year: int
    months: dict[int, Decimal]  # month → total paid


def year_end_spike(
    document: DocumentRef, y: UnitYear, month: int, amount: Decimal, ratio: Decimal, from_month: int, min_total: Decimal
) -> WarningDraft | None:
    """Medium, on the payment (from `from_month` on) that takes the month's total above `ratio` × the average
    month before `from_month` (months with no payment count as zero), once the month is at least `min_total`."""
    if month < from_month:
        return None
    earlier = [y.months.get(m, Decimal("0")) for m in range(1, from_month)]
    average = sum(earlier, Decimal("0")) / len(earlier) if earlier else Decimal("0")
    now = y.months.get(month, Decimal("0"))
    limit = average * ratio
    if now < min_total or now <= limit or (now - amount > limit and now - amount >= min_total):
        return None  # not there, or there before this payment (warned then)
    return WarningDraft(
        document,
        Rule.YEAR_END_SPIKE,
        Severity.MEDIUM,
        f"年底突击花钱：{y.unit} {y.year} 年 {month} 月已支付 {now:,.2f} 元，是 1–{from_month - 1} 月月均 "
        f"{average:,.2f} 元的 {(now / average).quantize(Decimal('0.1')) if average else '∞'} 倍（超过 {ratio} 倍）",
        {
            "unit": y.unit,
            "year": y.year,
            "month": month,
            "month_total": money_str(now),
            "average": money_str(average.quantize(Decimal("0.01"))),
            "ratio": str(ratio),
            "from_month": from_month,
            "min_total": money_str(min_total),
        },
    )


# ── Benford's law, first digit (Nigrini 2012: MAD conformity bands) ──
EXPECTED = [log10(1 + 1 / d) for d in range(1, 10)]
BANDS = ((0.006, "close"), (0.012, "acceptable"), (0.015, "marginal"))  # above 0.015: nonconformity
BAND_LABELS = {"close": "高度符合", "acceptable": "可接受", "marginal": "勉强可接受", "nonconformity": "不符合"}


def first_digit(amount: Decimal) -> int | None:
    """The first significant digit (1–9) of an amount, None for zero."""
    digits = str(abs(amount).normalize()).replace(".", "").lstrip("0")
    return int(digits[0]) if digits else None


def mad(counts: Sequence[int]) -> float:
    n = sum(counts)
    return sum(abs(c / n - e) for c, e in zip(counts, EXPECTED, strict=True)) / 9 if n else 0.0


def band(value: float) -> str:
    return next((name for limit, name in BANDS if value <= limit), "nonconformity")


def benford(
    document: DocumentRef, unit: str, year: int, counts: Sequence[int], min_count: int, already: bool
) -> WarningDraft | None:
    """Medium, on the payment that takes the unit's executed payments of the year (at least `min_count` of
    them: the test means nothing on few) outside Nigrini's acceptable bands (MAD > 0.015), once a year."""
    n = sum(counts)
    if already or n < min_count:
        return None
    value = mad(counts)
    if band(value) != "nonconformity":
        return None
    return WarningDraft(
        document,
        Rule.BENFORD,
        Severity.MEDIUM,
        f"{unit} {year} 年 {n} 笔付款的首位数字分布不符合本福特定律"
        f"（MAD {value:.4f} > 0.015，{BAND_LABELS['nonconformity']}）",
        {
            "unit": unit,
            "year": year,
            "payments": n,
            "mad": f"{value:.4f}",
            "band": "nonconformity",
            "observed": {str(d): c for d, c in zip(range(1, 10), counts, strict=True)},
            "expected": {str(d): f"{e:.4f}" for d, e in zip(range(1, 10), EXPECTED, strict=True)},
            "min_count": min_count,
        },
    )


# ── the rule book's entries (domain/rule_book.py adds them) ──
def definitions() -> tuple:
    from services.risk.domain.rule_book import Parameter, RuleDefinition

    def ev(spec: str) -> dict[str, Any]:
        return dict(item.split("=", 1) for item in spec.split())

    return (
        RuleDefinition(
            Rule.OFF_HOURS,
            "非工作时间审批或付款",
            Severity.LOW,
            "审批决定（approval.step_decided）或付款执行（payment.payment_executed）发生在夜间（night_start 点至次日 "
            "night_end 点，北京时间）、周末（调休上班日除外）或法定节假日（按 2026 年国务院节假日安排，日历为数据）："
            "预警提在该单据上。",
            ev(
                "what=事项 at=时间（北京时间） when=情形（night/weekend/holiday） holiday=节日 night=是否夜间 "
                "actor=办理人 night_start=所用参数 night_end=所用参数"
            ),
            (
                Parameter("night_start", "夜间开始（点）", "count", "22"),
                Parameter("night_end", "夜间结束（点）", "count", "7"),
            ),
        ),
        RuleDefinition(
            Rule.ROUND_AMOUNT,
            "整数金额",
            Severity.LOW,
            "付款申请或报销单提交时，金额不低于 min_amount 元且为 round_to 元的整数倍：预警提在该单据上。",
            ev("amount=金额 round_to=所用整数单位 min_amount=所用起点金额"),
            (
                Parameter("round_to", "整数单位（元）", "money", "1000.00"),
                Parameter("min_amount", "起点金额（元）", "money", "10000.00"),
            ),
        ),
        RuleDefinition(
            Rule.YEAR_END_SPIKE,
            "年底突击花钱",
            Severity.MEDIUM,
            "付款执行时，付款单位当年 from_month 月及以后某月的付款合计超过 1 月至 from_month 前一月月均付款的"
            " ratio 倍，"
            "且不低于 min_total 元：预警提在使该月越过的那笔付款上。",
            ev(
                "unit=单位 year=年度 month=月份 month_total=该月付款合计 average=此前月均 ratio=所用倍数 "
                "from_month=所用起始月 min_total=所用起点金额"
            ),
            (
                Parameter("ratio", "倍数（整数）", "count", "2"),
                Parameter("from_month", "从几月起判断", "count", "11"),
                Parameter("min_total", "该月付款合计起点（元）", "money", "100000.00"),
            ),
        ),
        RuleDefinition(
            Rule.BENFORD,
            "付款金额首位数字不符合本福特定律",
            Severity.MEDIUM,
            "付款执行时，付款单位当年已执行付款不少于 min_count 笔，其金额首位数字分布与本福特定律的平均绝对偏差（MAD）"
            "超过 0.015（Nigrini 首位数字检验：0.006 以内高度符合，0.012 以内可接受，0.015 以内勉强可接受）：预警提在"
            "使其越过的那笔付款上，每单位每年一次。笔数不足不判断、不显示。",
            ev(
                "unit=单位 year=年度 payments=笔数 mad=平均绝对偏差 band=符合程度 observed=各首位数字笔数 "
                "expected=本福特期望比例 min_count=所用最少笔数"
            ),
            (Parameter("min_count", "最少笔数", "count", "300"),),
        ),
    )
