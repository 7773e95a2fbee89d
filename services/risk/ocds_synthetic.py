"""Synthetic OCDS 1.1 compiled releases for the benchmark and for trying the import: the shape of a real
municipal publication (parties, buyer, tender with period, value, items, bids with tenderers and amounts, one
award, one contract with payments), seeded, so a run is repeatable. Fictional buyers and suppliers; some
processes carry each of Cardinal's red flags at realistic rates (short periods, single bids, disqualified lowest
bids, late winners, identical or close prices, deep discounts).

    python -m services.risk.ocds_synthetic 10000 > releases.jsonl
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.risk.domain.ocds import dumps

BUYERS = [f"CN-BUYER-{n:03d}" for n in range(1, 41)]
SUPPLIERS = [f"CN-SUP-{n:04d}" for n in range(1, 801)]
METHODS = [
    ("open", "公开招标", 0.45),
    ("selective", "邀请招标", 0.15),
    ("limited", "竞争性磋商", 0.3),
    ("direct", "单一来源", 0.1),
]
ITEMS = ["办公设备", "物业服务", "道路维修", "绿化养护", "信息系统运维", "食堂服务", "安保服务", "印刷服务"]


def _money(amount: Decimal) -> dict[str, Any]:
    return {"amount": amount.quantize(Decimal("0.01")), "currency": "CNY"}


def release(n: int, rng: random.Random, prefix: str = "ocds-syn000") -> dict[str, Any]:
    ocid = f"{prefix}-{n:07d}"
    buyer = rng.choice(BUYERS)
    r = rng.random()
    method, details, _ = next(m for m, c in zip(METHODS, _cumulative(), strict=True) if r <= c)
    start = datetime(2024, 1, 1, 9, tzinfo=UTC) + timedelta(days=rng.randrange(0, 900), hours=rng.randrange(0, 8))
    days = 3 if rng.random() < 0.08 else rng.randrange(15, 40)
    end = start + timedelta(days=days)
    budget = Decimal(rng.randrange(50_000, 5_000_000))
    item = rng.choice(ITEMS)
    n_bids = 1 if method == "direct" or rng.random() < 0.07 else rng.randrange(2, 7)
    tenderers = rng.sample(SUPPLIERS, n_bids)
    base = budget * Decimal(rng.uniform(0.8, 0.98))
    bids = []
    for i, t in enumerate(tenderers):
        amount = base * Decimal(1 + i * rng.uniform(0.005, 0.08))
        if i == 1 and rng.random() < 0.03:
            amount = bids[0]["value"]["amount"]  # identical price
        if i == 0 and n_bids > 1 and rng.random() < 0.03:
            amount = base * Decimal("0.55")  # heavily discounted winner
        status = "valid"
        if i > 0 and rng.random() < 0.12:
            status = "disqualified"
        when = start + timedelta(days=rng.randrange(0, days), hours=1)
        if i == 0 and rng.random() < 0.01:
            when = end + timedelta(days=2)  # late bid, accepted, wins
        amount = amount.quantize(Decimal("0.01"))
        bids.append(
            {
                "id": f"{ocid}-bid-{i + 1}",
                "date": when.isoformat(),
                "status": status,
                "tenderers": [{"id": t, "name": f"供应商{t[-4:]}"}],
                "value": _money(amount),
            }
        )
    if n_bids > 2 and rng.random() < 0.04:  # the lowest, a loser's, disqualified
        cheap = dict(bids[1], value=_money(base * Decimal("0.9")), status="disqualified")
        bids[1] = cheap
    valid = [b for b in bids if b["status"] == "valid"]
    winner = min(valid, key=lambda b: b["value"]["amount"]) if valid else None
    parties = {buyer: {"id": buyer, "name": f"采购人{buyer[-3:]}", "roles": ["buyer"]}}
    for b in bids:
        t = b["tenderers"][0]
        parties.setdefault(t["id"], {"id": t["id"], "name": t["name"], "roles": []})["roles"].append("tenderer")
    data: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{end:%Y%m%d}",
        "date": (end + timedelta(days=10)).isoformat(),
        "tag": ["compiled"],
        "initiationType": "tender",
        "buyer": {"id": buyer, "name": parties[buyer]["name"]},
        "tender": {
            "id": f"{ocid}-tender",
            "title": f"{item}采购项目",
            "status": "complete" if winner else "unsuccessful",
            "procurementMethod": method,
            "procurementMethodDetails": details,
            "mainProcurementCategory": "services" if "服务" in item else "goods",
            "value": _money(budget),
            "tenderPeriod": {"startDate": start.isoformat(), "endDate": end.isoformat()},
            "numberOfTenderers": n_bids,
            "items": [{"id": "1", "description": item, "quantity": 1}],
        },
        "bids": {"details": bids},
    }
    if winner:
        supplier = winner["tenderers"][0]
        parties[supplier["id"]]["roles"].append("supplier")
        amount = winner["value"]["amount"]
        data["awards"] = [
            {
                "id": f"{ocid}-award-1",
                "status": "active",
                "date": (end + timedelta(days=5)).isoformat(),
                "value": _money(amount),
                "suppliers": [supplier],
            }
        ]
        paid = amount * Decimal("0.3")
        data["contracts"] = [
            {
                "id": f"{ocid}-contract-1",
                "awardID": f"{ocid}-award-1",
                "status": "active",
                "dateSigned": (end + timedelta(days=12)).isoformat(),
                "value": _money(amount),
                "implementation": {
                    "transactions": [
                        {
                            "id": f"{ocid}-payment-1",
                            "date": (end + timedelta(days=40)).isoformat(),
                            "value": _money(paid),
                            "payer": {"id": buyer, "name": parties[buyer]["name"]},
                            "payee": supplier,
                        }
                    ]
                },
            }
        ]
    data["parties"] = list(parties.values())
    return data


def _cumulative() -> list[float]:
    out, total = [], 0.0
    for *_, share in METHODS:
        total += share
        out.append(total)
    out[-1] = 1.0
    return out


def lines(count: int, seed: int = 13) -> Iterator[str]:
    rng = random.Random(seed)
    for n in range(count):
        yield dumps(release(n, rng))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for line in lines(count):
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
