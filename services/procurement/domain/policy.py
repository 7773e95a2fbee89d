"""Procurement policy: the figures that decide a method, as data the service layer passes in. Pure.

The central procurement catalogue (集中采购目录) and the thresholds (分散采购限额标准, 公开招标数额标准) are published
by the government for a period and change between periods, so they are effective-dated: a purchase is judged
by the version in force on the day its method is determined, never by "the latest". The other figures (notice
period of a procurement intention, the amount above which self procurement needs market research, how many
quotes or bids make a competition) are the office's settings. `seed.py` holds demo values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ic_platform.money import money_str
from services.procurement.domain.errors import refused
from services.procurement.domain.kinds import CATEGORY_LABELS, Category, Method


class Action(StrEnum):
    """What a rule does when broken, where the policy lets the office choose."""

    REFUSE = "refuse"  # the action is refused (409, the rule named)
    FLAG = "flag"  # the action goes through and carries a flag that risk and the approver see


@dataclass(frozen=True)
class Dated:
    effective_from: date
    effective_to: date | None  # the last day in force, inclusive; None: until replaced

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def overlaps(self, other: Dated) -> bool:
        ends_first = self.effective_to is not None and self.effective_to < other.effective_from
        starts_after = other.effective_to is not None and other.effective_to < self.effective_from
        return not (ends_first or starts_after)


@dataclass(frozen=True)
class Thresholds(Dated):
    """One category's thresholds for a period. `decentralised`: 分散采购限额标准 (from it on the purchase is 政府采购
    and needs a competitive method); `open_tender`: 公开招标数额标准 (from it on, open tender)."""

    category: Category = Category.GOODS
    decentralised: Decimal = Decimal("0.00")
    open_tender: Decimal = Decimal("0.00")
    source: str = ""  # the document that set them, e.g. 国办发〔2019〕55号
    demo: bool = False  # True: a demo value, not the office's real standard

    def describe(self) -> str:
        return (
            f"{CATEGORY_LABELS[self.category]}：分散采购限额标准 {money_str(self.decentralised)} 元，"
            f"公开招标数额标准 {money_str(self.open_tender)} 元"
        )


@dataclass(frozen=True)
class CatalogueEntry(Dated):
    """One item (品目) of the central procurement catalogue. `min_amount`: the batch amount from which it must be
    bought centrally (0: always); below it the item is bought like any other."""

    code: str = ""  # 品目编码, e.g. A02010104
    name: str = ""
    category: Category = Category.GOODS
    min_amount: Decimal = Decimal("0.00")
    demo: bool = False


@dataclass(frozen=True)
class ProcurementPolicy:
    thresholds: tuple[Thresholds, ...]
    catalogue: tuple[CatalogueEntry, ...] = ()
    # 采购意向公开: days between publication and the start of the purchase (财库〔2020〕10号: 原则上不得晚于采购活动
    # 开始前 30 日), and what a shorter notice does.
    intention_notice_days: int = 30
    intention_short_notice: Action = Action.FLAG
    # Self procurement from this amount on needs market research (市场调查) with `min_quotes` quotes.
    market_research_from: Decimal = Decimal("50000.00")
    min_quotes: int = 3
    # Valid bids or responses a competitive procedure needs (87号令 第43条: fewer than 3 and the tender fails).
    min_valid_bids: dict[Method, int] = field(
        default_factory=lambda: {
            Method.OPEN_TENDER: 3,
            Method.INVITED_TENDER: 3,
            Method.COMPETITIVE_NEGOTIATION: 3,
            Method.COMPETITIVE_CONSULTATION: 3,
            Method.REQUEST_FOR_QUOTATION: 3,
        }
    )
    # 三重一大: a procurement from this amount on goes to the collective decision (a routing fact).
    major_matter_from: Decimal = Decimal("200000.00")

    def __post_init__(self) -> None:
        check_no_overlap(self.thresholds, key=lambda t: t.category.value, what="限额标准")
        check_no_overlap(self.catalogue, key=lambda e: e.code, what="集中采购目录品目")

    def thresholds_on(self, category: Category, on: date) -> Thresholds:
        for version in self.thresholds:
            if version.category is category and version.in_force(on):
                return version
        raise refused(
            "no_thresholds_in_force",
            f"{CATEGORY_LABELS[category]}类在 {on.isoformat()} 没有生效的限额标准",
            category=category.value,
            on=on.isoformat(),
        )

    def catalogue_entry(self, code: str | None, on: date) -> CatalogueEntry | None:
        if not code:
            return None
        for entry in self.catalogue:
            if entry.code == code and entry.in_force(on):
                return entry
        return None

    def min_bids(self, method: Method) -> int:
        return self.min_valid_bids.get(method, 1)


def check_no_overlap(versions: Iterable[Dated], key, what: str) -> None:
    """Two versions of one key in force on the same day would make the answer depend on their order."""
    seen: dict[str, list[Dated]] = {}
    for version in versions:
        if version.effective_to is not None and version.effective_to < version.effective_from:
            raise ValueError(f"{what} {key(version)} 的失效日期早于生效日期")
        for other in seen.setdefault(key(version), []):
            if version.overlaps(other):
                raise ValueError(f"{what} {key(version)} 的两个版本生效期间重叠")
        seen[key(version)].append(version)
