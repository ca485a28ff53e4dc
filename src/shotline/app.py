"""The ASGI application: REST under ``/api``, GraphQL under ``/graphql``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy import Engine

from shotline import allowed_methods, errors, openapi, web
from shotline.api import aggregates, auth, crud, events, grid, notifications
from shotline.auth import AuthenticationMiddleware, current_principal
from shotline.body_limit import BodySizeLimit, RouteLimit
from shotline.csvfiles import MAX_CSV_BYTES
from shotline.db import session_factory
from shotline.events.broker import Broker
from shotline.events.sockets import RevokedSocketMiddleware
from shotline.graphql.schema import make_router
from shotline.query_parameters import known_only
from shotline.request_id import RequestIdMiddleware
from shotline.schemas.errors import ErrorBody
from shotline.settings import Settings
from shotline.timing import ServerTimingMiddleware, instrument

UNAUTHENTICATED = {
    401: {
        "model": ErrorBody,
        "description": "No bearer token, or an invalid, expired or revoked one.",
    }
}
UNKNOWN_PARAMETER = {
    400: {
        "model": ErrorBody,
        "description": "A query parameter the operation does not declare (or another field "
        "names something not allowed here).",
    }
}


def larger_bodies(settings: Settings) -> tuple[RouteLimit, ...]:
    """Routes whose bodies may be larger than ``Settings.max_body_bytes``:
    files attached to comments (streamed to disk, never held in memory) and
    CSV imports."""
    return (
        RouteLimit(
            r"/api/comments/[^/]+/previews$", settings.upload_max_bytes, frozenset({"POST"})
        ),
        RouteLimit(r"/api/projects/[^/]+/casting\.csv$", MAX_CSV_BYTES, frozenset({"POST"})),
        RouteLimit(
            r"/api/projects/[^/]+/(assets|shots|tasks)\.csv$",
            MAX_CSV_BYTES,
            frozenset({"POST"}),
        ),
        RouteLimit(r"/api/people\.csv$", MAX_CSV_BYTES, frozenset({"POST"})),
    )


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    """The application serving ``engine``'s (already migrated) database.

    Every request needs a bearer token (or a browser's session cookie) but
    the health check, the sign-in, the documentation and the web app's pages
    and static files (see :mod:`shotline.auth` and :mod:`shotline.web`).
    """
    settings = settings or Settings()
    sessions = session_factory(engine)
    broker = Broker(engine, sessions)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await broker.stop()

    app = FastAPI(
        title="Shotline",
        version="0.1.0",
        description="Production tracking for animation and VFX studios.",
        # Served by shotline.web from the package's own files, not a CDN.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.sessions = sessions
    # Starts with the first stream; stops (closing every stream) at shutdown.
    app.state.events = broker
    app.state.settings = settings
    errors.install(app)
    openapi.install(app, settings)
    allowed_methods.install(app)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(
        auth.public_router,
        prefix="/api",
        dependencies=[Depends(known_only)],
        responses=UNKNOWN_PARAMETER,  # type: ignore[arg-type]
    )
    for router in (
        auth.router,
        grid.router,
        aggregates.router,
        crud.router,
        events.router,
        notifications.router,
    ):
        app.include_router(
            router,
            prefix="/api",
            dependencies=[Depends(current_principal), Depends(known_only)],
            responses={**UNAUTHENTICATED, **UNKNOWN_PARAMETER},  # type: ignore[dict-item]
        )
    app.include_router(make_router(settings), prefix="/graphql")
    web.install(app)
    public = {"/healthz", "/api/auth/login", "/api/auth/session", *web.PAGES}
    public |= {
        url
        for url in (
            app.openapi_url,
            web.DOCS_URL,
            web.REDOC_URL,
            app.swagger_ui_oauth2_redirect_url,
        )
        if url
    }
    # Inside authentication, which sets the socket's principal.
    app.add_middleware(RevokedSocketMiddleware)
    app.add_middleware(
        AuthenticationMiddleware,
        public=public,
        public_prefixes=web.PAGE_PREFIXES,
        graphql_path="/graphql",
    )
    # Outside authentication: the login reads a body without a token.
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, routes=larger_bodies(settings)
    )
    app.add_middleware(RequestIdMiddleware)
    # Outermost, so that the statements resolving the token are counted too.
    if settings.server_timing:
        instrument(engine)
        app.add_middleware(ServerTimingMiddleware)
    return app
