"""The built web and mobile clients (clients/web, `make clients`) and the API docs' own assets.

`/` serves the office web client and `/m/` the phone client, each a single-page app: a path that is no file
answers the app's index.html and the app's router takes it from there. `/docs` and `/redoc` load Swagger UI
and ReDoc from `/vendor/` (copied from npm packages at build), never from a CDN: government intranets are
often offline. Nothing here is in the OpenAPI document, and nothing under /api is ever answered by a client."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from ic_platform.config import settings

ROOT = Path(__file__).resolve().parent.parent
# Paths the clients never answer: the API and the gateway's own routes (404 stays the API's JSON answer).
RESERVED = ("api", "docs", "redoc", "openapi.json", "healthz", "readyz", "metrics")


class ClientPath(Convertor[str]):
    """A path the clients may answer: none of RESERVED. Matching in the route's pattern (not in the handler)
    keeps `POST /api/v1/nothing` a 404 rather than a 405 from a catch-all that only takes GET."""

    regex = "(?!(?:" + "|".join(r.replace(".", r"\.") for r in RESERVED) + ")(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("client_path", ClientPath())
NOT_BUILT = (
    "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>客户端尚未构建</title>"
    "<body><p>客户端尚未构建：请运行 <code>make clients</code>（<code>make run</code> 会自动构建）。</p>"
    "<p>接口文档：<a href='/docs'>/docs</a></p></body></html>"
)


def client_dir() -> Path:
    return Path(settings().clients_dir or ROOT / "clients" / "web" / "dist")


def install(app: FastAPI) -> None:
    """Register the docs pages and the clients' routes; call after every API router (the catch-all is last)."""
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} · 接口文档",
            swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{title} · 接口文档",
            redoc_js_url="/vendor/redoc/redoc.standalone.js",
            redoc_favicon_url="/vendor/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )

    @app.get("/m", include_in_schema=False)
    @app.get("/m/{path:path}", include_in_schema=False)
    async def mobile(request: Request, path: str = "") -> Response:
        return _serve(f"m/{path}", "m/index.html", _wants_page(request))

    @app.get("/{path:client_path}", include_in_schema=False)
    async def web(request: Request, path: str) -> Response:
        return _serve(path, "index.html", path == "" or _wants_page(request))


def _wants_page(request: Request) -> bool:
    """A browser navigating (Accept: text/html) gets the app, whose router shows its own 页面不存在; a program
    asking for anything else keeps the API's JSON 404."""
    return "text/html" in request.headers.get("accept", "")


def _serve(path: str, index: str, page_wanted: bool = True) -> Response:
    root = client_dir().resolve()
    target = (root / path).resolve()
    if path and target.is_file() and target.is_relative_to(root):
        # Hashed bundles never change under their name; everything else is checked again each time.
        hashed = "/assets/" in f"/{path}"
        cache = "public, max-age=31536000, immutable" if hashed else "no-cache"
        return FileResponse(target, headers={"Cache-Control": cache})
    if not page_wanted or path.startswith(("assets/", "vendor/")) or Path(path).suffix in (".js", ".css", ".map"):
        raise HTTPException(status_code=404)  # a missing file is a 404, not the app's page
    page = root / index
    if not page.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503 if path == "" else 404)
    return FileResponse(page, headers={"Cache-Control": "no-cache"})
