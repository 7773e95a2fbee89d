"""Contract policy: the figures contract rules use, as data the service layer passes in. Pure. Demo values in
`seed.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Action(StrEnum):
    REFUSE = "refuse"
    FLAG = "flag"


@dataclass(frozen=True)
class ContractPolicy:
    # 政府采购法 第46条: the contract is signed within 30 days of the award notice. Late signing is flagged by
    # default (the contract is not void, but auditors ask why).
    signing_days: int = 30
    late_signing: Action = Action.FLAG
    # Routing facts: legal review (合法性审查) from this amount on; 三重一大 (collective decision) from this on.
    legal_review_from: Decimal = Decimal("100000.00")
    major_matter_from: Decimal = Decimal("500000.00")
    # 政府采购法 第49条: all supplementary contracts together ≤ 10 % of the original amount.
    supplementary_limit_rate: Decimal = Decimal("10")
    # A contract without procurement (on an approved application) only below this amount.
    direct_contract_below: Decimal = Decimal("50000.00")
    # 保障中小企业款项支付条例 第8条: pay an SME within 30 days of delivery; agreed terms at most 60.
    sme_max_payment_days: int = 60
    default_payment_days: int = 30
    # Retention as a percentage of the amount, by category: works ≤ 3 % (建设工程质量保证金管理办法 第7条).
    retention_max_rate: dict[str, Decimal] = field(default_factory=lambda: {"works": Decimal("3")})
    # Acceptance (验收): from this amount (the milestone's, or the contract's for a delivery) a committee of at
    # least `acceptance_committee_size` members accepts (政府采购需求管理办法 第26条: 大型或复杂的项目 验收小组).
    acceptance_committee_from: Decimal = Decimal("100000.00")
    acceptance_committee_size: int = 3
