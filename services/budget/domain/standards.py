"""Expenditure standards (支出标准) as effective-dated data, and the check of an expense against them.

A standard is one keyed rate table row (e.g. travel, 一类城市, 其余人员) in one version. Versions of a code
follow each other without gaps or overlaps: a new version starts after the current one did, and the current
one ends the day before. An expense is checked against the version in force ON ITS DATE, never "the latest":
an expense dated before a new version keeps the old rates. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from ic_platform.money import MoneyError, money_str, parse_money

CENT = Decimal("0.01")
COUNT_PATTERN = re.compile(r"[0-9]{1,6}")
ZERO = Decimal("0.00")


class Kind(StrEnum):
    TRAVEL = "travel"
    MEETING = "meeting"
    TRAINING = "training"
    RECEPTION = "reception"


class Action(StrEnum):
    BLOCK = "block"  # exceeding it refuses the application (刚性控制)
    FLAG = "flag"  # exceeding it lets the application through and reports it (预警提示)


KIND_LABELS = {Kind.TRAVEL: "差旅费", Kind.MEETING: "会议费", Kind.TRAINING: "培训费", Kind.RECEPTION: "公务接待费"}
ACTION_LABELS = {Action.BLOCK: "刚性控制", Action.FLAG: "超标预警"}

CITY_TIERS = ("一类", "二类", "三类")
RANKS = ("省部级", "厅局级", "其余人员")
MEETING_CATEGORIES = ("一类", "二类", "三类", "四类")
TRAINING_CATEGORIES = ("一类", "二类", "三类")

# What a standard of each kind is keyed by, and the limits it sets (money per unit of measure).
KEY_FIELDS = {
    Kind.TRAVEL: ("city_tier", "rank"),
    Kind.MEETING: ("category",),
    Kind.TRAINING: ("category",),
    Kind.RECEPTION: (),
}
LIMIT_FIELDS = {
    Kind.TRAVEL: ("lodging", "meals", "transport"),
    Kind.MEETING: ("total",),
    Kind.TRAINING: ("total",),
    Kind.RECEPTION: ("meal_per_person",),
}
# Reception also limits the number of hosts at the table (陪餐人数), counts not money.
RECEPTION_COUNT_FIELDS = ("accompany_min", "guests_per_accompany")
ITEM_LABELS = {
    "lodging": "住宿费（元/人·天）",
    "meals": "伙食补助费（元/人·天）",
    "transport": "市内交通费（元/人·天）",
    "total": "综合定额（元/人·天）",
    "meal_per_person": "接待用餐（元/人·餐）",
    "accompany": "陪餐人数（人）",
}


class VersionTaken(Exception):
    """The version being added exists already: someone added it meanwhile (raised by the repository)."""


class StandardError(ValueError):
    """A standard or an expense that does not make sense; the message is Chinese and names the field."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


def key_text(key: dict[str, str]) -> str:
    """The canonical form of a key, for storage and comparison (field order never matters)."""
    return ";".join(f"{k}={key[k]}" for k in sorted(key))


def validate_key(kind: Kind, key: dict[str, Any]) -> dict[str, str]:
    """A key holds exactly the kind's fields; travel's city tier may also be a named city (e.g. 北京)."""
    wanted = KEY_FIELDS[kind]
    extra = sorted(set(key) - set(wanted))
    if extra:
        raise StandardError(f"key.{extra[0]}", f"{KIND_LABELS[kind]}标准不按「{extra[0]}」区分")
    out = {}
    for name in wanted:
        value = key.get(name)
        if not isinstance(value, str) or not value.strip():
            raise StandardError(f"key.{name}", f"{KIND_LABELS[kind]}标准必须指定 {name}")
        out[name] = value.strip()
    if kind is Kind.TRAVEL and out["rank"] not in RANKS:
        raise StandardError("key.rank", f"职级档次只能是：{'、'.join(RANKS)}")
    if kind is Kind.MEETING and out["category"] not in MEETING_CATEGORIES:
        raise StandardError("key.category", f"会议类别只能是：{'、'.join(MEETING_CATEGORIES)}")
    if kind is Kind.TRAINING and out["category"] not in TRAINING_CATEGORIES:
        raise StandardError("key.category", f"培训类别只能是：{'、'.join(TRAINING_CATEGORIES)}")
    return out


def validate_limits(kind: Kind, limits: dict[str, Any]) -> dict[str, Decimal | int]:
    """Every limit of the kind, money above zero with at most two places; reception's counts are whole."""
    wanted = LIMIT_FIELDS[kind] + (RECEPTION_COUNT_FIELDS if kind is Kind.RECEPTION else ())
    extra = sorted(set(limits) - set(wanted))
    if extra:
        raise StandardError(f"limits.{extra[0]}", f"{KIND_LABELS[kind]}标准没有限额项「{extra[0]}」")
    out: dict[str, Decimal | int] = {}
    for name in LIMIT_FIELDS[kind]:
        out[name] = _positive_money(limits.get(name), f"limits.{name}")
    if kind is Kind.RECEPTION:
        for name in RECEPTION_COUNT_FIELDS:
            out[name] = _positive_count(limits.get(name), f"limits.{name}")
    return out


def _positive_money(value: Any, field_name: str) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise StandardError(field_name, f"{field_name}：{exc}") from None


MAX_COUNT = 10_000  # a head count: more people than a reception ever has is a typo


def _positive_count(value: Any, field_name: str) -> int:
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not COUNT_PATTERN.fullmatch(text) or not 0 < int(text) <= MAX_COUNT:
        raise StandardError(field_name, f"{field_name} 必须是 1–{MAX_COUNT} 的整数")
    return int(text)


@dataclass(frozen=True)
class Standard:
    org: str
    code: str
    kind: Kind
    name: str  # the title cited, e.g. 会议费开支标准（二类会议）
    version: int
    effective_from: date
    effective_to: date | None  # the last day in force (inclusive); None while no later version exists
    key: dict[str, str]
    limits: dict[str, Decimal | int]
    action: Action

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    @property
    def citation(self) -> str:
        return f"《{self.name}》（{self.code}）第 {self.version} 版（生效日期 {self.effective_from.isoformat()}）"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "kind": self.kind.value,
            "kind_label": KIND_LABELS[self.kind],
            "name": self.name,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "key": dict(self.key),
            "limits": limits_json(self.limits),
            "action": self.action.value,
            "action_label": ACTION_LABELS[self.action],
            "citation": self.citation,
        }


def limits_json(limits: dict[str, Decimal | int]) -> dict[str, str | int]:
    return {k: money_str(v) if isinstance(v, Decimal) else v for k, v in limits.items()}


def next_version(current: Standard | None, effective_from: date) -> tuple[int, Standard | None]:
    """The new version's number, and the current version closed the day before the new one starts.

    A new version must start after the current one did: dating it on or before would rewrite the rates of
    expenses already checked under the current version (and leave it with no day in force)."""
    if current is None:
        return 1, None
    if effective_from <= current.effective_from:
        raise StandardError(
            "effective_from",
            f"新版本生效日期必须晚于现行第 {current.version} 版的生效日期 {current.effective_from.isoformat()}",
        )
    closed = Standard(**{**current.__dict__, "effective_to": effective_from - timedelta(days=1)})
    return current.version + 1, closed


def in_force(standards: list[Standard], day: date) -> Standard | None:
    """The version in force on the day, among the versions of one code (or of one kind and key)."""
    matching = [s for s in standards if s.in_force_on(day)]
    return max(matching, key=lambda s: s.version) if matching else None


# ── expenses and their check ──


@dataclass(frozen=True)
class Item:
    item: str
    limit: Decimal | int
    asked: Decimal | int

    @property
    def excess(self) -> Decimal | int:
        return max(self.asked - self.limit, 0 * self.asked)

    @property
    def exceeded(self) -> bool:
        return self.asked > self.limit

    def as_dict(self) -> dict[str, Any]:
        show = (lambda v: money_str(v)) if isinstance(self.limit, Decimal) else (lambda v: int(v))
        return {
            "item": self.item,
            "label": ITEM_LABELS[self.item],
            "limit": show(self.limit),
            "asked": show(self.asked),
            "excess": show(self.excess),
            "exceeded": self.exceeded,
        }


@dataclass(frozen=True)
class Expense:
    """What an application or claim asks, as the standard measures it. Money is the total asked for the
    whole expense (all persons, all days); counts are whole numbers above zero."""

    kind: Kind
    expense_date: date
    key: dict[str, str]  # travel: city_tier (or a named city) and rank; meeting/training: category
    persons: int
    days: int = 1  # travel, meeting, training
    amounts: dict[str, Decimal] = field(default_factory=dict)  # travel: lodging/meals/transport; else total
    accompany: int = 0  # reception: hosts at the table
    meals: int = 1  # reception: number of meals


@dataclass(frozen=True)
class Check:
    standard: Standard
    items: tuple[Item, ...]

    @property
    def within(self) -> bool:
        return not any(i.exceeded for i in self.items)

    @property
    def blocked(self) -> bool:
        return not self.within and self.standard.action is Action.BLOCK

    @property
    def excess_total(self) -> Decimal:
        return sum((i.excess for i in self.items if isinstance(i.excess, Decimal)), ZERO)

    @property
    def message(self) -> str:
        if self.within:
            return f"符合支出标准：{self.standard.citation}"
        parts = "；".join(_item_text(i) for i in self.items if i.exceeded)
        verdict = "该标准为刚性控制，不能提交" if self.blocked else "该标准为超标预警，已提示并记录"
        return f"超出支出标准：{self.standard.citation}：{parts}。{verdict}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "within": self.within,
            "exceeds": not self.within,
            "blocked": self.blocked,
            "action": self.standard.action.value,
            "standard": self.standard.as_dict(),
            "citation": self.standard.citation,
            "items": [i.as_dict() for i in self.items],
            "excess_total": money_str(self.excess_total),
            "message": self.message,
        }


def _item_text(item: Item) -> str:
    label = ITEM_LABELS[item.item].split("（", 1)[0]
    if isinstance(item.limit, Decimal):
        return (
            f"{label}限额 {money_str(item.limit)} 元，申请 {money_str(item.asked)} 元，超出 {money_str(item.excess)} 元"
        )
    return f"{label}最多 {item.limit} 人，申请 {item.asked} 人，超出 {item.excess} 人"


def allowed_accompany(guests: int, accompany_min: int, guests_per_accompany: int) -> int:
    """陪餐人数: up to `accompany_min` for a small party, one per `guests_per_accompany` guests beyond that
    (the usual rule: 10 guests or fewer, at most 3; more than 10, at most a third of them)."""
    return max(accompany_min, guests // guests_per_accompany)


def check(standard: Standard, expense: Expense) -> Check:
    """Each limit × the expense's measure (persons × days, or diners × meals), against what is asked."""
    if standard.kind is not expense.kind:
        raise StandardError("kind", "支出标准与费用类型不一致")
    if not standard.in_force_on(expense.expense_date):
        raise StandardError("expense_date", f"{standard.citation} 在 {expense.expense_date.isoformat()} 不适用")
    limits = standard.limits
    if expense.kind is Kind.RECEPTION:
        allowed = allowed_accompany(expense.persons, int(limits["accompany_min"]), int(limits["guests_per_accompany"]))
        diners = expense.persons + expense.accompany
        meal_limit = (limits["meal_per_person"] * diners * expense.meals).quantize(CENT, ROUND_HALF_UP)
        items = (
            Item("accompany", allowed, expense.accompany),
            Item("meal_per_person", meal_limit, expense.amounts["meal_per_person"]),
        )
        return Check(standard, items)
    person_days = expense.persons * expense.days
    items = tuple(
        Item(name, (limits[name] * person_days).quantize(CENT, ROUND_HALF_UP), expense.amounts[name])
        for name in LIMIT_FIELDS[expense.kind]
    )
    return Check(standard, items)
