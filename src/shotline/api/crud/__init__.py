"""The CRUD API: one module per area, each with its own OpenAPI tags.

``router`` gathers them; the application mounts it under ``/api``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from shotline.api.crud import (
    asset_csv,
    bulk_entities,
    casting,
    comments,
    entities,
    my_tasks,
    people,
    people_csv,
    pipeline,
    previews,
    projects,
    restore,
    schedule,
    shot_csv,
    task_csv,
    tasks,
    team,
    time_logs,
)


def _operation_id(route: APIRoute) -> str:
    # Endpoint names are unique across the areas: clients generated from the
    # OpenAPI document get ``create_asset`` rather than FastAPI's default
    # ``create_asset_api_projects__project_id__assets_post``.
    return route.name


router = APIRouter(generate_unique_id_function=_operation_id)
for area in (
    people,
    people_csv,
    pipeline,
    projects,
    team,
    entities,
    bulk_entities,
    restore,
    asset_csv,
    shot_csv,
    task_csv,
    tasks,
    my_tasks,
    comments,
    time_logs,
    schedule,
    casting,
    previews,
):
    router.include_router(area.router)
