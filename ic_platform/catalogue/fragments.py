"""Schema pieces shared by many event types, so a document reference or an amount means one thing everywhere."""

from __future__ import annotations

from typing import Any

MONEY = {"type": "string", "pattern": r"^-?\d{1,13}(\.\d{2})$", "description": "yuan with exactly two decimals"}
UUID = {"type": "string", "format": "uuid"}
TIMESTAMP = {"type": "string", "format": "date-time"}
USERNAME = {"type": "string", "minLength": 1, "maxLength": 64}

DOCUMENT = {
    "type": "object",
    "description": "the business document an event is about",
    "required": ["type", "id"],
    "properties": {
        "type": {
            "type": "string",
            "enum": [
                "matter_application",
                "budget_adjustment",
                "budget_override",
                "fiscal_year_reopen",
                "procurement_application",
                "procurement_method_change",
                "contract",
                "contract_amendment",
                "acceptance",
                "payment_request",
                "expense_claim",
            ],
        },
        "id": {"type": "string", "minLength": 1},
        "no": {"type": "string", "description": "the number people see, e.g. SQ-2026-000001"},
    },
    "additionalProperties": False,
}


# Who holds which position on the document (不相容岗位相互分离), e.g. {"purchaser": "clerk", "acceptor": "li"}.
PARTIES = {
    "type": "object",
    "description": "单据当事人：岗位 → 用户名（如 purchaser 采购经办、acceptor 验收、"
    "supplier_registrar 供应商登记、payment_executor 付款执行）",
    "propertyNames": {"pattern": "^[a-z][a-z_]{0,63}$"},
    "additionalProperties": USERNAME,
}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    """A closed object: an unknown field in an event is a producer bug we want to hear about."""
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


CLIENT = obj([], ip={"type": "string", "maxLength": 64}, user_agent={"type": "string", "maxLength": 256})
CLIENT["description"] = "提交请求的客户端（地址、设备），记入审批留痕"


def approval_request(required: list[str] = (), **properties: Any) -> dict[str, Any]:
    """The payload of an event that puts a document into approval (or brings a returned one back): the fields
    the approval service routes by, plus the producer's own. Every such event has this shape, so approval
    takes documents from any domain the same way."""
    return obj(
        # once each: a field named twice (the producer's own list repeating these) makes the schema invalid
        list(dict.fromkeys(["document", "unit", "applicant", "amount", "title", *required])),
        document=DOCUMENT,
        unit={"type": "string", "minLength": 1},
        applicant=USERNAME,
        amount=MONEY,
        title={"type": "string", "minLength": 1},
        major_matter={"type": "boolean", "description": "三重一大事项：需主要领导审批"},
        economic_class={
            "type": "string",
            "pattern": r"^\d{1,7}$",
            "description": "支出的经济分类（预算指标的），供按类别认定三重一大",
        },
        parties=PARTIES,
        client=CLIENT,
        **properties,
    )


ENVELOPE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Event envelope",
    "type": "object",
    "required": ["event_id", "type", "version", "occurred_at", "org", "producer", "correlation_id", "payload"],
    "properties": {
        "event_id": UUID,
        "type": {"type": "string", "pattern": r"^[a-z]+\.[a-z_]+$"},
        "version": {"type": "integer", "minimum": 1},
        "occurred_at": TIMESTAMP,
        "org": {"type": "string", "minLength": 1},
        "producer": {"type": "string"},
        "actor": {"type": ["string", "null"]},
        "subject": {"type": ["string", "null"], "description": "<document_type>/<id>"},
        "correlation_id": {"type": "string"},
        "causation_id": {"type": ["string", "null"]},
        "traceparent": {"type": ["string", "null"], "pattern": r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"},
        "payload": {"type": "object"},
    },
    "additionalProperties": False,
}
