"""What a procurement application looks like to its readers (the answer of every use case that shows one);
its own module so that the use cases of sourcing and method changes show it without importing handlers.py."""

from __future__ import annotations

from typing import Any

from ic_platform.money import money_str
from services.procurement.domain.application import STATUS_LABELS, ProcurementApplication
from services.procurement.domain.kinds import CATEGORY_LABELS, FORM_LABELS, METHOD_LABELS


def view(app: ProcurementApplication) -> dict[str, Any]:
    return {
        "id": app.id,
        "no": app.no,
        "title": app.title,
        "unit": app.unit,
        "applicant": app.applicant,
        "purchaser": app.purchaser,
        "category": app.category.value,
        "category_label": CATEGORY_LABELS[app.category],
        "amount": money_str(app.amount),
        "method": app.method.value,
        "method_label": METHOD_LABELS[app.method],
        "form": app.form.value if app.form else None,
        "form_label": FORM_LABELS[app.form] if app.form else None,
        "justification": app.justification,
        "extra_approval": app.extra_approval,
        "major_matter": app.major_matter,
        "status": app.status.value,
        "status_label": STATUS_LABELS[app.status],
        "status_reason": app.status_reason,
        "round": app.round,
        "funding": app.funding.as_dict(),
        "pre_commitment_holder": app.pre_commitment_holder.as_dict(),
        "requirement": app.requirement.as_dict() if app.requirement else None,
        "explanation": app.requirement.explain() if app.requirement else None,
        "items": [
            {
                "name": i.name,
                "category": i.category.value,
                "quantity": str(i.quantity),
                "unit": i.unit,
                "unit_price": money_str(i.unit_price),
                "amount": money_str(i.amount),
                "catalogue_code": i.catalogue_code,
                "specification": i.specification,
            }
            for i in app.items
        ],
        "intention": (
            {
                "id": app.intention.id,
                "published_on": app.intention.published_on.isoformat(),
                "expected_start": app.intention.expected_start.isoformat() if app.intention.expected_start else None,
                "where": app.intention.where,
            }
            if app.intention
            else None
        ),
        "award_id": app.award_id,
        "document": app.document.as_dict(),
    }
