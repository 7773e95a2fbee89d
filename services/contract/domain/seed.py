"""DEMO contract policy for `make run` and the tests: NOT the office's settings. The legal figures it repeats
(30 days to sign, 10 % supplementary limit, 60 days for SMEs, 3 % works retention) are as remembered from the
texts named in policy.py; the amounts (legal review 100,000, 三重一大 500,000, contracts without procurement
below 50,000) are demo values an office sets for itself."""

from __future__ import annotations

from decimal import Decimal

from services.contract.domain.policy import Action, ContractPolicy

DEMO = True

DEMO_POLICY = ContractPolicy(
    signing_days=30,
    late_signing=Action.FLAG,
    legal_review_from=Decimal("100000.00"),
    major_matter_from=Decimal("500000.00"),
    supplementary_limit_rate=Decimal("10"),
    direct_contract_below=Decimal("50000.00"),
    sme_max_payment_days=60,
    default_payment_days=30,
    retention_max_rate={"works": Decimal("3")},
    acceptance_committee_from=Decimal("100000.00"),
    acceptance_committee_size=3,
)
