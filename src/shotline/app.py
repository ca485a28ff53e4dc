"""The ASGI application."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine


def create_app(engine: Engine | None = None) -> FastAPI:
    """The application; ``engine`` is the (already migrated) database it serves."""
    app = FastAPI(title="Shotline", version="0.1.0")
    app.state.engine = engine

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
