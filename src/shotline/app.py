"""The ASGI application: REST under ``/api``, GraphQL under ``/graphql``."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from shotline import errors
from shotline.api import routers
from shotline.db import session_factory
from shotline.graphql import graphql_router
from shotline.settings import Settings
from shotline.timing import ServerTimingMiddleware, instrument


def create_app(engine: Engine, settings: Settings | None = None) -> FastAPI:
    """The application serving ``engine``'s (already migrated) database."""
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
    if settings.server_timing:
        instrument(engine)
        app.add_middleware(ServerTimingMiddleware)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in routers():
        app.include_router(router, prefix="/api")
    app.include_router(graphql_router(settings), prefix="/graphql")
    return app
