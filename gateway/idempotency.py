"""Every creating POST needs an Idempotency-Key (428 without one): a double click, or a retry after a timeout,
then creates one document, not two. The key travels to the owning service in the call context (gateway.rpc),
which stores the first answer per (caller, key) and refuses the key for a different request (409)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from gateway.auth import CurrentUser
from gateway.errors import ApiError

HEADER = "Idempotency-Key"
MESSAGE = (
    "缺少 Idempotency-Key 请求头：创建类请求必须带一个幂等键（如新生成的 UUID）。"
    "同一操作重试时请使用同一个键，系统只会创建一次；不同的操作请使用不同的键"
)


async def idempotency_key_required(
    _: CurrentUser,  # who asks comes first: 401 before 428
    key: Annotated[
        str | None, Header(alias=HEADER, max_length=200, description="幂等键：重复提交同一键只生效一次（必填）")
    ] = None,
) -> str:
    """The route's dependency (gateway.openapi documents the 428 from its name); the key's form is checked
    where it enters the call context (gateway.rpc)."""
    if key is None or not key.strip():
        raise ApiError(428, "idempotency_key_required", MESSAGE, {"header": HEADER})
    return key


IdempotencyKeyRequired = Depends(idempotency_key_required)
