"""消息通知: the caller's own notifications, marking one read, and a Server-Sent Events stream of new ones.

The stream polls the approval service every IC_NOTIFICATION_POLL_S seconds (2 by default) for the caller's
unread notifications after the last one sent, and resumes after `Last-Event-ID` (or `after`) on reconnect."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.responses import StreamingResponse

from gateway.routes.base import api_router
from gateway.rpc import Rpc, UserRpc
from gateway.schemas import Paging, paging
from ic_platform.commands import MAX_ID
from ic_platform.config import settings

router = api_router("notifications", "/notifications")

_DIGITS = re.compile(r"[0-9]{1,19}")
POLL_S = settings().notification_poll_s
KEEPALIVE_S = 15.0  # a comment line now and then keeps proxies from closing an idle stream
BATCH = 50


@router.get("", summary="我的消息通知（待办分拨、退回、审批结束、催办、督办）")
async def my_notifications(
    rpc: UserRpc,
    page: Annotated[Paging, Depends(paging)],
    unread: Annotated[bool, Query(description="只看未读")] = False,
) -> dict[str, Any]:
    return await rpc.call("approval", "my_notifications", {**page.kwargs(), "unread_only": unread})


@router.post("/{notification_id}/read", summary="标记一条消息为已读")
async def mark_read(
    notification_id: Annotated[int, Path(ge=1, le=MAX_ID, description="消息编号")], rpc: UserRpc
) -> dict[str, Any]:
    return await rpc.call("approval", "mark_notification_read", {"notification_id": notification_id})


@router.get(
    "/stream",
    summary="消息推送（Server-Sent Events）：新的未读消息逐条推送",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream(
    request: Request,
    rpc: UserRpc,
    after: Annotated[int | None, Query(ge=0, le=MAX_ID, description="只推送此编号之后的消息")] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    cursor = after if after is not None else _int(last_event_id)
    return StreamingResponse(
        _events(request, rpc, cursor),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(request: Request, rpc: Rpc, cursor: int) -> AsyncIterator[str]:
    yield f"retry: {int(POLL_S * 1000)}\n\n"
    idle = 0.0
    while not await request.is_disconnected():
        answer = await rpc.call(
            "approval", "my_notifications", {"after_id": cursor, "unread_only": True, "page_size": BATCH}
        )
        for item in answer["items"]:
            cursor = max(cursor, item["id"])
            yield f"id: {item['id']}\nevent: notification\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
        if answer["items"]:
            idle = 0.0
            continue  # there may be more than one batch waiting
        if idle >= KEEPALIVE_S:
            yield ": keepalive\n\n"
            idle = 0.0
        await asyncio.sleep(POLL_S)
        idle += POLL_S


def _int(value: str | None) -> int:
    """Last-Event-ID as the stream's cursor: what is not a notification id starts from the beginning."""
    text = (value or "").strip()
    return int(text) if _DIGITS.fullmatch(text) and int(text) <= MAX_ID else 0
