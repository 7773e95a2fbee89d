"""The demo organisation's expenditure standards (支出标准) and 三公经费 caps. DEMO VALUES: close to the scale
of the 中央和国家机关差旅费管理办法, 会议费管理办法 and 培训费管理办法 and the usual 公务接待 rules, but not
any real city's figures; a real deployment maintains its own through the admin API.

Pure data here; `load` writes it through the budget service's repositories, adding only what is missing, so
seeding again changes nothing (and never overwrites a version or a cap changed since)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

EFFECTIVE_FROM = date(2026, 1, 1)
RANK_CODES = {"省部级": "R1", "厅局级": "R2", "其余人员": "R3"}


@dataclass(frozen=True)
class StandardSeed:
    code: str
    kind: str
    name: str
    key: dict[str, str]
    limits: dict[str, Any]
    action: str


# Lodging per person-day by city tier and rank (省部级, 厅局级, 其余人员); meals 100 and city transport 80 a day.
# A named city with its own rates comes before its tier.
_LODGING = {
    ("BJ", "北京"): (1100, 650, 500),
    ("T1", "一类"): (900, 500, 450),
    ("T2", "二类"): (800, 450, 380),
    ("T3", "三类"): (600, 400, 330),
}


def _travel() -> list[StandardSeed]:
    out = []
    for (tier_code, tier), rates in _LODGING.items():
        for (rank, rank_code), lodging in zip(RANK_CODES.items(), rates, strict=True):
            scope = f"{tier}城市" if tier_code.startswith("T") else tier
            out.append(
                StandardSeed(
                    f"TRAVEL-{tier_code}-{rank_code}",
                    "travel",
                    f"差旅费开支标准（{scope}·{rank}）（演示）",
                    {"city_tier": tier, "rank": rank},
                    {"lodging": f"{lodging}.00", "meals": "100.00", "transport": "80.00"},
                    "flag",
                )
            )
    return out


MEETING_RATES = {"一类": 760, "二类": 650, "三类": 550, "四类": 450}  # 综合定额, 元/人·天
TRAINING_RATES = {"一类": 650, "二类": 550, "三类": 450}
_NUMBER = {"一类": "1", "二类": "2", "三类": "3", "四类": "4"}

STANDARDS: tuple[StandardSeed, ...] = (
    *_travel(),
    *(
        StandardSeed(
            f"MEETING-{_NUMBER[c]}",
            "meeting",
            f"会议费开支标准（{c}会议）（演示）",
            {"category": c},
            {"total": f"{r}.00"},
            "block",
        )
        for c, r in MEETING_RATES.items()
    ),
    *(
        StandardSeed(
            f"TRAINING-{_NUMBER[c]}",
            "training",
            f"培训费开支标准（{c}培训）（演示）",
            {"category": c},
            {"total": f"{r}.00"},
            "block",
        )
        for c, r in TRAINING_RATES.items()
    ),
    StandardSeed(
        "RECEPTION",
        "reception",
        "公务接待标准（演示）",
        {},
        {"meal_per_person": "120.00", "accompany_min": 3, "guests_per_accompany": 3},
        "block",
    ),
)

# 三公经费 annual caps for the whole street (demo): below the sum of the category's lines, so the cap binds
# before the lines run out. A 街道 plans no overseas trips: its cap is zero.
CAPS: dict[str, Decimal] = {
    "official_reception": Decimal("180000.00"),
    "official_vehicles": Decimal("200000.00"),
    "overseas_trips": Decimal("0.00"),
}


def load(engine: Any, org: str, fiscal_year: int) -> dict[str, int]:
    """Adds each standard's first version and each cap when missing; returns how many it added."""
    from services.budget.adapters.standards_repository import CapRepository, StandardRepository
    from services.budget.domain import standards as rules
    from services.budget.domain.three_public import ORG_WIDE, Cap, Category

    added = {"standards": 0, "three_public_caps": 0}
    with engine.begin() as conn:
        repo, caps = StandardRepository(conn), CapRepository(conn)
        for seed in STANDARDS:
            if repo.current(org, seed.code) is not None:
                continue
            kind = rules.Kind(seed.kind)
            repo.add(
                rules.Standard(
                    org=org,
                    code=seed.code,
                    kind=kind,
                    name=seed.name,
                    version=1,
                    effective_from=EFFECTIVE_FROM,
                    effective_to=None,
                    key=rules.validate_key(kind, seed.key),
                    limits=rules.validate_limits(kind, seed.limits),
                    action=rules.Action(seed.action),
                ),
                "system",
            )
            added["standards"] += 1
        for category, amount in CAPS.items():
            if caps.put(Cap(org, fiscal_year, Category(category), ORG_WIDE, amount), "system", replace=False):
                added["three_public_caps"] += 1
    return added
