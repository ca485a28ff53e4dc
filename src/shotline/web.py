"""The web app and the API's documentation pages, served by Shotline itself.

Everything a browser loads comes from this server: the web app's bundle
(``web/`` built by ``make web`` into ``static/app``, shipped in the wheel),
and Swagger UI, ReDoc and GraphiQL, whose files the same build copies from
their npm packages into ``static/app/vendor``. A machine without internet
shows every page.

The app is a single page: its routes (:data:`PAGES`) all answer the same
``index.html``, which signs in and reads everything else from the API. The
pages and static files need no token (they hold no data); the API does.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

BUNDLE = Path(__file__).parent / "static" / "app"
"""Where ``make web`` builds the app (``index.html``, ``assets/``, ``vendor/``)."""

STATIC_URL = "/static"
VENDOR_URL = f"{STATIC_URL}/vendor"

PAGES = ("/", "/login", "/password", "/my-tasks", "/projects")
"""The app's own routes: these paths, and anything under ``/projects/``."""
PAGE_PREFIXES = ("/projects/", f"{STATIC_URL}/")
"""Paths under these answer without a token too (pages and static files)."""

APP_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
"""The app's Content-Security-Policy: its own files only."""
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
"""The documentation pages' policy: their inline start-up scripts may run,
and nothing may load from another server (ReDoc's own page shows its
maker's logo from a CDN: the browser does not ask for it)."""

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shotline</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>Shotline</h1>
<p>The web app is not built. Run <code>make web</code> (Node 20+), or <code>make run</code>,
which builds it, then reload.</p>
<p>The API answers at <a href="/docs">/docs</a> and <a href="/graphql">/graphql</a>.</p>
</body></html>
"""


class _Immutable(StaticFiles):
    """Static files; the bundle's hashed assets are cached for good. Before
    the app is built there are none: every file is not found (404), where
    Starlette would answer each request with a 500."""

    async def check_config(self) -> None:
        if self.directory is not None and Path(self.directory).is_dir():
            await super().check_config()

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if scope["path"].startswith(f"{STATIC_URL}/assets/"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response


def install(app: FastAPI, bundle: Path | None = None) -> None:
    """Serve the app's pages, its static files (``bundle``: the built app's
    folder, :data:`BUNDLE` by default) and the documentation pages."""
    bundle = bundle or BUNDLE
    app.mount(STATIC_URL, _Immutable(directory=bundle, check_dir=False), name="static")

    index = bundle / "index.html"

    async def page(_request: Request) -> Response:
        if not index.is_file():
            return HTMLResponse(NOT_BUILT, status_code=503)
        return FileResponse(
            index, headers={"Cache-Control": "no-cache", "Content-Security-Policy": APP_POLICY}
        )

    # Plain routes, not API operations: they are pages, outside OpenAPI.
    for path in (*PAGES, "/projects/{rest:path}"):
        app.router.add_route(path, page, methods=["GET"], include_in_schema=False)

    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or f"{DOCS_URL}/oauth2-redirect"

    async def swagger_ui(_request: Request) -> HTMLResponse:
        return _documentation(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} API",
                swagger_js_url=f"{VENDOR_URL}/swagger-ui/swagger-ui-bundle.js",
                swagger_css_url=f"{VENDOR_URL}/swagger-ui/swagger-ui.css",
                swagger_favicon_url=f"{VENDOR_URL}/swagger-ui/favicon-32x32.png",
                oauth2_redirect_url=oauth2_redirect_url,
            )
        )

    async def swagger_ui_redirect(_request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(_request: Request) -> HTMLResponse:
        return _documentation(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} API",
                redoc_js_url=f"{VENDOR_URL}/redoc/redoc.standalone.js",
                redoc_favicon_url=f"{VENDOR_URL}/swagger-ui/favicon-32x32.png",
                with_google_fonts=False,
            )
        )

    app.router.add_route(DOCS_URL, swagger_ui, methods=["GET"], include_in_schema=False)
    app.router.add_route(REDOC_URL, redoc, methods=["GET"], include_in_schema=False)
    app.router.add_route(
        oauth2_redirect_url, swagger_ui_redirect, methods=["GET"], include_in_schema=False
    )


DOCS_URL = "/docs"
REDOC_URL = "/redoc"


def _documentation(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


def graphiql_page() -> HTMLResponse:
    """The GraphiQL page, its scripts and styles served from ``static/vendor``."""
    html = (Path(__file__).parent / "graphiql.html").read_text(encoding="utf-8")
    return _documentation(HTMLResponse(html))
