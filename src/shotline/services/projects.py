"""Starting a project.

Global admins and managers start projects (:func:`shotline.access.can_create_projects`).
A project is seen by its team only (admins see every project), so a manager
who starts one joins its team as its manager, in the same transaction: the
project is theirs to set up at once. An admin sees it anyway and is not added.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from shotline.access import Principal, can_create_projects
from shotline.errors import BadRequest, Forbidden
from shotline.events.log import Change, record
from shotline.models import Project, ProjectMember, Role
from shotline.services.checks import unique, verify


def check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise BadRequest("end_date", "must not be before start_date")


def create_project(
    session: Session, me: Principal, values: dict[str, Any]
) -> tuple[int, Principal]:
    """Add the project (flushed, not committed); answers its id and the
    principal as it now is, with the new project among theirs, so that the
    rest of the request (reading the answer) sees it."""
    if not can_create_projects(me):
        raise Forbidden("only admins and managers can create projects")
    check_dates(values.get("start_date"), values.get("end_date"))
    verify(session, unique(Project, Project.code, values["code"], "project"))
    project = Project(**values)
    if not me.is_admin:
        project.members = [ProjectMember(person_id=me.person_id, role=Role.MANAGER)]
    session.add(project)
    session.flush()
    record(
        session,
        [
            Change(
                "project.created",
                project_id=project.id,
                payload={"name": project.name, "code": project.code},
            )
        ],
    )
    return project.id, dataclasses.replace(me, projects={**me.projects, project.id: Role.MANAGER})
