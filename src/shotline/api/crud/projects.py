"""Projects and their settings (the task types and statuses they use, in order).

A project is deleted only while it has no entities (deleted ones included):
a production with work in it is closed (``status: closed``), not erased.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import delete, select

from loadplan.fastapi import PlannedRequest
from shotline.access import Principal, can_manage
from shotline.api.crud.common import IdPath, Reader, assign, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.errors import Conflict
from shotline.events.changes import changed_fields
from shotline.events.log import Change, record
from shotline.models import Entity, Project, ProjectMember
from shotline.schemas.crud import (
    ProjectCreate,
    ProjectOut,
    ProjectSettingsOut,
    ProjectTaskStatusesIn,
    ProjectTaskTypesIn,
    ProjectUpdate,
)
from shotline.services import NO_SYNC, settings
from shotline.services import projects as projects_service
from shotline.services.checks import (
    Check,
    fetch,
    may,
    row_exists,
    seen,
    sees,
    unique,
    verify,
)

router = crud_router()

projects = Reader(Project, ProjectOut, "project")
project_list = listing(Project, ProjectOut)
project_settings = Reader(Project, ProjectSettingsOut, "project")


def _manage(me: Principal, project_id: int) -> Check:
    return may(can_manage(me, project_id), f"you may not change project {project_id}")


@router.get("/projects", response_model=project_list.page_model, tags=["projects"])
def list_projects(db: DB, planned: Annotated[PlannedRequest, Depends(project_list)]) -> Response:
    """The projects the principal is a member of (every project for an admin)."""
    return planned.page(db, select(Project))


@router.post("/projects", status_code=201, tags=["projects"], responses=errors(400, 403, 409))
def create_project(body: ProjectCreate, db: DB, me: Me) -> ProjectOut:
    """For admins and managers; a manager joins the new project's team as its manager."""
    project_id, member = projects_service.create_project(db, me, body.model_dump())
    return projects.committed(db, member, project_id)


@router.get("/projects/{project_id}", tags=["projects"], responses=errors(404))
def get_project(project_id: IdPath, db: DB, me: Me) -> ProjectOut:
    return projects.one(db, me, project_id)


@router.patch("/projects/{project_id}", tags=["projects"], responses=errors(400, 403, 404, 409))
def update_project(project_id: IdPath, body: ProjectUpdate, db: DB, me: Me) -> ProjectOut:
    values = body.model_dump()
    checks = [sees(me, Project, project_id, "project"), _manage(me, project_id)]
    if "code" in values:
        checks.append(unique(Project, Project.code, values["code"], "project", ignore=project_id))
    project = fetch(db, Project, project_id, "project", *checks)
    projects_service.check_dates(
        values.get("start_date", project.start_date), values.get("end_date", project.end_date)
    )
    assign(project, values)
    changes = changed_fields(project, values)
    db.flush()
    if changes:
        record(db, [Change("project.updated", project_id=project_id, payload={"changes": changes})])
    return projects.committed(db, me, project_id)


@router.delete(
    "/projects/{project_id}", status_code=204, tags=["projects"], responses=errors(403, 404, 409)
)
def delete_project(project_id: IdPath, db: DB, me: Me) -> None:
    """Its settings and memberships go with it (the database cascades them)."""
    verify(
        db,
        seen(me, Project, project_id, "project"),
        _manage(me, project_id),
        Check(
            ~row_exists(Entity, Entity.project_id == project_id),
            Conflict(f"project {project_id} has entities: close it instead"),
        ),
        include_deleted=True,
    )
    # The team learns of it: the event is addressed to them, as the project
    # (and their membership) is gone once it is committed.
    name, code = db.execute(
        select(Project.name, Project.code).where(Project.id == project_id)
    ).one()
    team = db.scalars(
        select(ProjectMember.person_id).where(ProjectMember.project_id == project_id)
    ).all()
    db.execute(delete(Project).where(Project.id == project_id), execution_options=NO_SYNC)
    record(
        db,
        [
            Change(
                "project.deleted",
                project_id=project_id,
                payload={"name": name, "code": code},
                recipients=team,
            )
        ],
    )
    db.commit()


# -- Settings -----------------------------------------------------------------------


@router.get("/projects/{project_id}/settings", tags=["project settings"], responses=errors(404))
def get_project_settings(project_id: IdPath, db: DB, me: Me) -> ProjectSettingsOut:
    """The project's task types and task statuses, in the project's order."""
    return project_settings.one(db, me, project_id)


@router.put(
    "/projects/{project_id}/settings/task-types",
    tags=["project settings"],
    responses=errors(403, 404, 409),
)
def set_project_task_types(
    project_id: IdPath, body: ProjectTaskTypesIn, db: DB, me: Me
) -> ProjectSettingsOut:
    """Replace the project's task types with this ordered list."""
    settings.replace(db, me, project_id, settings.TASK_TYPES, body.task_type_ids)
    return project_settings.committed(db, me, project_id)


@router.put(
    "/projects/{project_id}/settings/task-statuses",
    tags=["project settings"],
    responses=errors(403, 404, 409),
)
def set_project_task_statuses(
    project_id: IdPath, body: ProjectTaskStatusesIn, db: DB, me: Me
) -> ProjectSettingsOut:
    """Replace the project's task statuses with this ordered list."""
    settings.replace(db, me, project_id, settings.TASK_STATUSES, body.task_status_ids)
    return project_settings.committed(db, me, project_id)
