"""REST API routers."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from shotline.api import aggregates, crud, grid

    return [grid.router, aggregates.router, crud.router]
