"""The ASGI application: REST under ``/api``, GraphQL under ``/graphql``."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from sqlalchemy import Engine

from shotline import errors
from shotline.api import public_routers, routers
from shotline.auth import AuthenticationMiddleware, current_principal
from shotline.db import session_factory
from shotline.graphql import graphql_router
from shotline.schemas.crud import Message
from shotline.settings import Settings
from shotline.timing import ServerTimingMiddleware, instrument

UNAUTHENTICATED = {
    401: {
        "model": Message,
        "description": "No bearer token, or an invalid, expired or revoked one.",
    }
}


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    """The application serving ``engine``'s (already migrated) database.

    Every request needs a bearer token but the health check, the login and
    the documentation (see :mod:`shotline.auth`).
    """
    settings = settings or Settings()
    app = FastAPI(
        title="Shotline",
        version="0.1.0",
        description="Production tracking for animation and VFX studios.",
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    errors.install(app)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in public_routers():
        app.include_router(router, prefix="/api")
    for router in routers():
        app.include_router(
            router,
            prefix="/api",
            dependencies=[Depends(current_principal)],
            responses=UNAUTHENTICATED,  # type: ignore[arg-type]
        )
    app.include_router(graphql_router(settings), prefix="/graphql")
    public = {"/healthz", "/api/auth/login"}
    public |= {
        url
        for url in (
            app.openapi_url,
            app.docs_url,
            app.redoc_url,
            app.swagger_ui_oauth2_redirect_url,
        )
        if url
    }
    app.add_middleware(AuthenticationMiddleware, public=public, graphql_path="/graphql")
    # Outermost, so that the statements resolving the token are counted too.
    if settings.server_timing:
        instrument(engine)
        app.add_middleware(ServerTimingMiddleware)
    return app
