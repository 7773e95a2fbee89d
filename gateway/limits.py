"""How large a request body may be: JSON bodies are small (a form), only the budget-line import takes a file.
A larger body is refused with 413 before any of it is parsed, whether its length is declared or streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import error_response

MAX_BODY_BYTES = 1024 * 1024
# Paths that take a file, and how large it may be (the route itself checks the file's own limit).
LARGE_BODIES = {
    "/api/v1/budget-lines/import": 6 * 1024 * 1024,
    "/api/v1/ocds/releases": 9 * 1024 * 1024,  # OCDS JSON lines (8 MB and a multipart envelope)
}
# Path prefixes that take a file: attachments (附件) up to 10 MB, plus the multipart envelope around it.
LARGE_BODY_PREFIXES = {"/api/v1/attachments/": 10 * 1024 * 1024 + 64 * 1024}


def limit_for(path: str) -> int:
    if path in LARGE_BODIES:
        return LARGE_BODIES[path]
    return next((n for prefix, n in LARGE_BODY_PREFIXES.items() if path.startswith(prefix)), MAX_BODY_BYTES)


class BodyTooLarge(HTTPException):
    """Raised while the body is read (inside the app), so the app's own error handling answers 413."""

    def __init__(self) -> None:
        super().__init__(413)


class BodyLimit:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int):  # noqa: ANN202 - a Starlette response
    return error_response(
        413, "request_too_large", f"请求体超过 {limit // 1024} KB", {"max_bytes": limit}, {"Connection": "close"}
    )
