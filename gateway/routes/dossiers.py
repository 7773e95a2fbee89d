"""关联查询: everything the risk service saw about one document."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path
from pydantic import Field

from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Body, DocumentType, Ident
from ic_platform.commands import Day

router = api_router("dossiers")


@router.get("/dossiers/{document_type}/{document_id}", summary="单据关联查询（申请、审批、预算、支付全链条）")
async def get_dossier(document_type: DocumentType, document_id: Ident, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "get_dossier", {"document_type": document_type, "document_id": document_id})


# ── 风险规则库 (docs/risk-rules.md) ──
RuleId = Annotated[str, Path(pattern=r"^[a-z][a-z_]{0,63}$", description="规则代码，如 split_purchase")]


class RuleParametersBody(Body):
    parameters: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,63}$")], Decimal | Annotated[str, Field(max_length=32)]
    ] = Field(
        max_length=20,
        description="该规则的全部参数（每个版本列全），如 {threshold: 50000, min_part: 5000, window_days: 30}",
    )


@router.get("/risk/rules", summary="风险规则库：每条规则的定义、严重程度、依据字段、现行参数及各生效版本")
async def rule_book(rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("risk", "rule_book", {})


@router.put(
    "/risk/rules/{rule}/parameters/{effective_from}",
    summary="设置风险规则参数的新版本（自某日起生效，不早于今天；系统管理员、纪检监察）",
)
async def set_rule_parameters(
    rule: RuleId,
    effective_from: Annotated[Day, Path(description="生效日期，如 2026-12-01")],
    body: RuleParametersBody,
    rpc: UserRpc,
) -> dict[str, Any]:
    kwargs = {
        "rule": rule,
        "effective_from": effective_from.isoformat(),
        "parameters": {k: str(v) for k, v in body.parameters.items()},
    }
    return await rpc.call("risk", "set_rule_parameters", kwargs)
