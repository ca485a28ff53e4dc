"""Mutations of a project's team, through the same service (and so the same
rules and messages) as the REST endpoints (:mod:`shotline.services.team`).

Each answers the project, which ``OptimizerExtension`` reloads with the
payload's selection (its ``members`` among them); it is reloaded for the
principal as the request began, so a manager who takes themselves off the
team still reads the team they left.
"""

from __future__ import annotations

from typing import cast

import strawberry

from shotline import models as m
from shotline.graphql.context import principal, session_of
from shotline.graphql.errors import answered_as_graphql, key
from shotline.graphql.types import Project
from shotline.services import team


def _project(info: strawberry.Info, project_id: int) -> Project:
    """The payload: the ORM project stands for the GraphQL ``Project``."""
    return cast(Project, session_of(info).get_one(m.Project, project_id))


def add_project_member(
    info: strawberry.Info,
    project_id: strawberry.ID,
    person_id: strawberry.ID,
    role: m.Role | None = None,
) -> Project:
    session, project = session_of(info), key(project_id, "project")
    with answered_as_graphql():
        team.add_member(session, principal(info), project, key(person_id, "person"), role)
    session.commit()
    return _project(info, project)


def set_project_member_role(
    info: strawberry.Info, project_id: strawberry.ID, person_id: strawberry.ID, role: m.Role | None
) -> Project:
    session, project = session_of(info), key(project_id, "project")
    with answered_as_graphql():
        team.set_member_role(session, principal(info), project, key(person_id, "person"), role)
    session.commit()
    return _project(info, project)


def remove_project_member(
    info: strawberry.Info, project_id: strawberry.ID, person_id: strawberry.ID
) -> Project:
    session, project = session_of(info), key(project_id, "project")
    with answered_as_graphql():
        team.remove_member(session, principal(info), project, key(person_id, "person"))
    session.commit()
    return _project(info, project)
