"""REST API routers."""

from __future__ import annotations

from fastapi import APIRouter


def public_routers() -> list[APIRouter]:
    """Routers that answer without a token: the login."""
    from shotline.api import auth

    return [auth.public_router]


def routers() -> list[APIRouter]:
    """Routers of the endpoints that need a token."""
    from shotline.api import aggregates, auth, crud, events, grid, notifications

    return [
        auth.router,
        grid.router,
        aggregates.router,
        crud.router,
        events.router,
        notifications.router,
    ]
