"""Request bodies and the paging parameters. Bodies refuse unknown fields; money is ic_platform's Money."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Body as BodyParam
from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from ic_platform.commands import Day, Money, RowId, Text
from ic_platform.money import MAX_DIGITS, money_str
from ic_platform.money import PATTERN as MONEY_PATTERN
from ic_platform.paging import MAX_PAGE_SIZE

# Money as the API documents it: a decimal string with at most two places, or an integer; never a float.
Amount = Annotated[
    Money,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": MONEY_PATTERN, "maxLength": 16},
                {"type": "integer", "minimum": 1, "maximum": 10**MAX_DIGITS - 1},
            ],
            "description": "金额（元）：数字字符串（最多 13 位整数、两位小数，如 1234.50）或整数，必须大于零",
            "examples": ["1234.50"],
        }
    ),
]

# Identifiers in paths: letters, digits and a few separators, so nothing odd reaches a service.
Ident = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:\-]{1,100}$", description="标识")]
DocumentType = Annotated[str, Path(pattern=r"^[a-z][a-z_]{0,63}$", description="单据类型，如 matter_application")]

# Query parameters the reports and lists share (one definition each: the same bounds everywhere).
UNIT_PATTERN = r"^[A-Za-z0-9_.:\-]+$"
UnitQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=UNIT_PATTERN, description="单位代码")]
FiscalYearQuery = Annotated[int, Query(ge=2000, le=2100, description="预算年度")]
OptionalFiscalYear = Annotated[int | None, Query(ge=2000, le=2100, description="预算年度")]
DateFrom = Annotated[Day, Query(description="开始日期（含），如 2026-11-01")]
DateTo = Annotated[Day, Query(description="截止日期（含），如 2026-11-30")]
# A body a service validates itself (its own command model): the gateway passes it on as it came.
JsonBody = Annotated[dict[str, Any], BodyParam(description="请求内容（字段见示例）")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    username: str = Field(min_length=1, max_length=64, description="用户名")
    password: str = Field(min_length=1, max_length=128, description="密码")


class RefreshBody(Body):
    refresh_token: str = Field(
        min_length=16, max_length=200, description="登录或上次刷新时得到的刷新令牌（仅可使用一次）"
    )


class PasswordBody(Body):
    old_password: str = Field(min_length=1, max_length=128, description="原密码")
    new_password: str = Field(
        min_length=1, max_length=128, description="新密码：至少 10 个字符，须同时包含字母和数字，不得包含用户名"
    )


class ExpenseBody(Body):
    """The spending a matter application asks for, measured as the expenditure standards measure it."""

    kind: Literal["travel", "meeting", "training", "reception"] = Field(
        description="费用类型：travel 差旅、meeting 会议、training 培训、reception 公务接待"
    )
    expense_date: Day = Field(description="费用发生日期（按该日有效的支出标准校验）")
    details: dict[str, Any] = Field(
        max_length=20,
        description=(
            "明细。travel: city_tier(一类/二类/三类), city?, rank(省部级/厅局级/其余人员), persons, days, lodging, "
            "meals, transport；meeting/training: category, persons, days, amount；reception: guests, accompany, "
            "meals, amount。金额为字符串"
        ),
    )

    def rpc_kwargs(self) -> dict[str, Any]:
        return {"kind": self.kind, "expense_date": self.expense_date.isoformat(), "details": self.details}


class MatterApplicationBody(Body):
    title: Text = Field(description="事项名称")
    purpose: str | None = Field(None, max_length=2000, description="事由 / 用途说明")
    budget_line_id: str = Field(min_length=1, max_length=64, description="预算指标 ID")
    amount: Amount
    major_matter: bool = Field(False, description="是否“三重一大”事项（需集体决策）")
    expense: ExpenseBody | None = Field(None, description="费用明细（可选）：提交前按支出标准校验")

    def rpc_kwargs(self, unit: str | None) -> dict[str, Any]:
        # An absent purpose goes as "", the command's own default; null would be refused as "not text".
        kwargs = {
            "title": self.title,
            "purpose": self.purpose or "",
            "budget_line_id": self.budget_line_id,
            "amount": money_str(self.amount),
            "major_matter": self.major_matter,
            "unit": unit,
        }
        if self.expense is not None:
            kwargs["expense"] = self.expense.rpc_kwargs()
        return kwargs


class ResubmitBody(Body):
    """Only the wording may change on a resubmission; amount and budget line stay as first submitted."""

    title: Text | None = Field(None, description="事项名称（不填则不变）")
    purpose: str | None = Field(None, max_length=2000, description="事由 / 用途说明（不填则不变）")
    override_id: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:\-]+$",
        description="已批准的超预算审批单 ID（因预算不足未提交的申请，重新提交时使用该审批单超出指标）",
    )

    def rpc_kwargs(self, application_id: str) -> dict[str, Any]:
        fields = (("title", self.title), ("purpose", self.purpose), ("override_id", self.override_id))
        return {"application_id": application_id, **{k: v for k, v in fields if v is not None}}


class EndBody(Body):
    """作废 or 结项: the reason is required."""

    reason: Text = Field(description="原因 / 说明（必填）")

    def rpc_kwargs(self, application_id: str) -> dict[str, Any]:
        return {"application_id": application_id, "reason": self.reason}


# The decisions that need a reason, and how its absence is told.
REASON_REQUIRED = {"reject": "驳回必须填写理由", "return": "退回必须填写理由"}


class DecisionBody(Body):
    decision: Literal["approve", "reject", "return"] = Field(
        description="approve 同意 / reject 驳回 / return 退回申请人修改"
    )
    comment: str | None = Field(None, max_length=500, validate_default=True, description="审批意见；驳回、退回时必填")
    acknowledge_warnings: list[RowId] | None = Field(
        None, max_length=50, description="同意时确认的风险预警编号（高风险预警须确认并填写意见）"
    )

    @field_validator("comment")
    @classmethod
    def _reason_for_reject(cls, value: str | None, info: ValidationInfo) -> str:
        value = (value or "").strip()
        if (message := REASON_REQUIRED.get(info.data.get("decision"))) and not value:
            raise ValueError(message)
        return value  # "" when none was given: what approval.decide takes for "no comment"


class ReplayBody(Body):
    event_id: UUID | None = Field(None, description="只重放这一事件；不填则重放全部")
    handler: str | None = Field(None, min_length=1, max_length=200, description="只重放这一处理器的死信")


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int

    def kwargs(self) -> dict[str, int]:
        return {"page": self.page, "page_size": self.page_size}

    def window(self) -> dict[str, int]:
        """The limit/offset form of the platform's own list entrypoints (dead_letters)."""
        return {"limit": self.page_size, "offset": (self.page - 1) * self.page_size}


def paging(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="页码，从 1 开始")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数（1–200）")] = 20,
) -> Paging:
    return Paging(page, page_size)


def optional(**kwargs: Any) -> dict[str, Any]:
    """Keyword arguments the contract marks optional (`kind?`) are sent only when given."""
    return {k: v for k, v in kwargs.items() if v is not None}
