"""The thumbnail of a grid cell: a task's latest preview the principal may see."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import ColumnElement, case

import loadplan
from shotline.access import principal_of
from shotline.models import Role


def _thumbnail(task: Any, context: Any) -> ColumnElement[int | None]:
    """The task's latest preview with a thumbnail, among those the principal
    may see: on a project where they are a client, the latest on a comment
    that is not internal."""
    principal = principal_of(context)
    clients = [] if principal.is_admin else principal.project_ids({Role.CLIENT})
    latest: ColumnElement[int | None] = task.thumbnail_id
    if not clients:
        return latest
    shown: ColumnElement[int | None] = case(
        (task.project_id.in_(clients), task.public_thumbnail_id), else_=latest
    )
    return shown


THUMBNAIL = loadplan.Computed(_thumbnail, label="thumbnail_id, or public_thumbnail_id")

ThumbnailId = Annotated[
    int | None,
    loadplan.hint(annotate=THUMBNAIL),
    Field(
        validation_alias="shown_thumbnail_id",
        description="The task's latest preview with a thumbnail (GET "
        "/api/previews/{id}/thumbnail); null: none.",
    ),
]
