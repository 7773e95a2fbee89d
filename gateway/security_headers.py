"""The headers every answer carries, whatever route or error produced it (RequestMiddleware adds them).

The API answers JSON only, so its policy forbids everything (no scripts, no frames, no base); the interactive
documents (/docs, /redoc) run the project's own copies of Swagger UI and ReDoc with a small inline starter; the
clients (/, /m/) load only their own built files (their components set inline styles, hence style-src).
HSTS is sent when the request came over TLS, directly or as a trusted proxy says (X-Forwarded-Proto)."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import Scope

from gateway.client_address import within

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
CLIENT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc")
SERVER_PATHS = ("/api/", "/metrics", "/readyz", "/healthz", "/livez", "/openapi.json")
HSTS = "max-age=31536000; includeSubDomains"


def add(response_headers: MutableHeaders, scope: Scope, trusted_proxies: tuple[str, ...]) -> None:
    path = scope.get("path", "")
    response_headers["Content-Security-Policy"] = policy_for(path)
    response_headers["X-Content-Type-Options"] = "nosniff"
    response_headers["X-Frame-Options"] = "DENY"
    response_headers["Referrer-Policy"] = "no-referrer"
    response_headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if path.startswith("/api/"):
        response_headers["Cache-Control"] = "no-store"  # tokens and personal data stay out of caches
    if _over_tls(scope, trusted_proxies):
        response_headers["Strict-Transport-Security"] = HSTS
    if "server" in response_headers:
        del response_headers["server"]


def policy_for(path: str) -> str:
    if path.startswith(DOCS_PATHS):
        return DOCS_POLICY
    return API_POLICY if path.startswith(SERVER_PATHS) else CLIENT_POLICY


def _over_tls(scope: Scope, trusted_proxies: tuple[str, ...]) -> bool:
    if scope.get("scheme") == "https":
        return True
    peer = (scope.get("client") or (None,))[0]
    proto = Headers(scope=scope).get("x-forwarded-proto", "")
    return within(peer, trusted_proxies) and proto.split(",")[0].strip().lower() == "https"
