"""How a voucher reads on the wire."""

from __future__ import annotations

from typing import Any

from ic_platform.money import money_str
from services.accounting.domain.voucher import KIND_LABELS, Kind


def voucher_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "no": row["no"],
        "period": row["period"],
        "voucher_date": row["voucher_date"].isoformat(),
        "business_date": row["business_date"].isoformat(),
        "kind": row["kind"],
        "kind_label": KIND_LABELS[Kind(row["kind"])],
        "source": {"type": row["source_type"], "id": row["source_id"], "no": row["source_no"]},
        "unit": row["unit"],
        "budget_line_id": row["budget_line_id"],
        "fiscal_year": row["fiscal_year"],
        "amount": money_str(row["amount"]),
        "summary": row["summary"],
        "reverses": str(row["reverses"]) if row["reverses"] else None,
        "reversed_by": row.get("reversed_by"),
        "posted_by": row["posted_by"],
        "lines": [line.as_dict() for line in row["lines"]],
    }
