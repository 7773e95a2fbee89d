"""Collective decision-making (议事决策) in the demo organisation: the deciding bodies and the rules that make a
matter 三重一大. DEMO VALUES: a real office sets its own members, quorum, amounts and categories (they are data,
changed without a release: org's `register_deciding_body`, approval's `set_major_matter_rule`).

- 党工委会议 (`dgw`): the party working committee. Six members (the secretary and the five committee members
  among the leadership, see users.py); a meeting on a 三重一大 matter needs two thirds of them present, so 4.
- 主任办公会 (`zrbgh`): the director's office meeting. Four members; quorum 3.
- 三重一大 by rule: 大额资金使用 from 500,000.00 元 (matter applications and budget adjustments), and
  重大项目安排 for capital spending (economic class 310 资本性支出) from 200,000.00 元, in force from 2026-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    members: tuple[str, ...]
    quorum: int


@dataclass(frozen=True)
class MajorMatterRule:
    code: str
    label: str
    document_types: tuple[str, ...]
    effective_from: date
    amount_at_least: str | None = None
    economic_classes: tuple[str, ...] = field(default=())


DECIDING_BODIES: tuple[Body, ...] = (
    Body(
        "dgw",
        "党工委会议",
        ("principal", "leader", "leader_party", "leader_discipline", "leader_urban", "leader_social"),
        4,  # demo value: two thirds of six
    ),
    Body("zrbgh", "主任办公会", ("leader_party", "leader", "leader_urban", "leader_safety"), 3),  # demo value
)

MAJOR_MATTER_RULES: tuple[MajorMatterRule, ...] = (
    MajorMatterRule(
        "large_funds", "大额资金使用", ("matter_application", "budget_adjustment"), date(2026, 1, 1), "500000.00"
    ),
    MajorMatterRule("major_project", "重大项目安排", ("matter_application",), date(2026, 1, 1), "200000.00", ("310",)),
)
