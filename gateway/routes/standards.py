"""支出标准 (expenditure standards: versions, list, check) and 三公经费 (caps and their annual report).

The budget service owns both; see services/budget/STANDARDS.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from pydantic import Field, StrictInt

from gateway.auth import User, require_any_role
from gateway.idempotency import IdempotencyKeyRequired
from gateway.routes.base import api_router
from gateway.rpc import UserRpc
from gateway.schemas import Body, ExpenseBody, FiscalYearQuery, Paging, UnitQuery, optional, paging
from ic_platform.commands import MAX_INT, Day
from ic_platform.money import MAX_DIGITS
from ic_platform.money import PATTERN as MONEY_PATTERN

router = api_router("expenditure_standards")

MAINTAINER_ROLES = ("finance_reviewer", "admin")
Kind = Literal["travel", "meeting", "training", "reception"]
Category = Literal["overseas_trips", "official_vehicles", "official_reception"]
# A limit is money (a decimal string) or a head count (an integer); never a float.
Limit = Annotated[str, Field(max_length=20)] | Annotated[StrictInt, Field(ge=0, le=MAX_INT)]


# Who may change standards and caps: a finance reviewer (财务审核) or an administrator.
maintainer = require_any_role(*MAINTAINER_ROLES)
Maintainer = Annotated[User, Depends(maintainer)]


class StandardVersionBody(Body):
    code: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$", description="标准编码，如 MEETING-2")
    kind: Kind | None = Field(None, description="类型（新标准必填；新版本不可改）")
    name: str | None = Field(None, min_length=1, max_length=200, description="标准名称（新标准必填）")
    key: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        None,
        max_length=10,
        description="适用范围（新标准必填；新版本不可改）：travel {city_tier, rank}；meeting/training "
        "{category}；reception {}",
    )
    limits: dict[Annotated[str, Field(max_length=64)], Limit] = Field(
        max_length=10,
        description=(
            "限额：travel {lodging, meals, transport}（元/人·天）；meeting/training {total}（元/人·天）；"
            "reception {meal_per_person（元/人·餐）, accompany_min, guests_per_accompany}"
        ),
    )
    action: Literal["block", "flag"] = Field(description="超标处理：block 刚性控制（拒绝）/ flag 超标预警（提示）")
    effective_from: Day = Field(description="生效日期；须晚于现行版本的生效日期，现行版本于前一日失效")

    def rpc_kwargs(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "limits": self.limits,
            "action": self.action,
            "effective_from": self.effective_from.isoformat(),
            **optional(kind=self.kind, name=self.name, key=self.key),
        }


class CapBody(Body):
    fiscal_year: int = Field(ge=2000, le=2100, description="预算年度")
    category: Category = Field(
        description="official_reception 公务接待费 / official_vehicles 公务用车购置及运行费 / "
        "overseas_trips 因公出国（境）费"
    )
    amount: (
        Annotated[str, Field(pattern=MONEY_PATTERN, max_length=16)]
        | Annotated[StrictInt, Field(ge=0, le=10**MAX_DIGITS - 1)]
    ) = Field(description="年度控制数（元），数字字符串（最多两位小数）或整数，可为 0")
    unit: str | None = Field(None, min_length=1, max_length=64, description="单位代码；不填为全街道")

    def rpc_kwargs(self) -> dict[str, Any]:
        return {
            "fiscal_year": self.fiscal_year,
            "category": self.category,
            "amount": str(self.amount),
            **optional(unit=self.unit),
        }


@router.get("/expenditure-standards", summary="支出标准列表（可按类型、编码、某日有效筛选）")
async def list_expenditure_standards(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    kind: Annotated[Kind | None, Query(description="类型")] = None,
    code: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")] = None,
    as_of: Annotated[Day | None, Query(description="只列出该日有效的版本，如 2026-03-01")] = None,
) -> dict[str, Any]:
    kwargs = {**optional(kind=kind, code=code, as_of=as_of.isoformat() if as_of else None), **page.kwargs()}
    return await rpc.call("budget", "list_standards", kwargs)


@router.post(
    "/expenditure-standards",
    status_code=201,
    dependencies=[IdempotencyKeyRequired],
    summary="新增支出标准或其新版本（财务审核、系统管理员；旧版本于新版本生效前一日失效）",
)
async def add_expenditure_standard_version(body: StandardVersionBody, rpc: UserRpc, _: Maintainer) -> dict[str, Any]:
    return await rpc.call("budget", "add_standard_version", body.rpc_kwargs())


@router.post("/expenditure-standards/check", summary="按费用发生日有效的支出标准校验费用（不产生任何变动）")
async def check_expenditure_standard(body: ExpenseBody, rpc: UserRpc) -> dict[str, Any]:
    return await rpc.call("budget", "check_standard", body.rpc_kwargs())


@router.post("/three-public-caps", summary="设定三公经费年度控制数（财务审核、系统管理员）")
async def set_three_public_cap(body: CapBody, rpc: UserRpc, _: Maintainer) -> dict[str, Any]:
    return await rpc.call("budget", "set_three_public_cap", body.rpc_kwargs())


@router.get("/reports/three-public", summary="三公经费执行情况（控制数、已使用、可用、使用率）")
async def three_public_report(
    rpc: UserRpc,
    fiscal_year: FiscalYearQuery,
    unit: UnitQuery = None,
) -> dict[str, Any]:
    return await rpc.call("budget", "three_public_report", {"fiscal_year": fiscal_year, **optional(unit=unit)})
