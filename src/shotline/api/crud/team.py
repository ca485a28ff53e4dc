"""A project's team: its members and their roles on the project.

Every member of a project reads its team (clients without emails, as
everywhere); its managers (and admins) change it. A change takes effect with
the next request of the person concerned (see :mod:`shotline.services.team`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import select

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Reader, crud_router, errors, listing
from shotline.auth import Me
from shotline.deps import DB
from shotline.models import ProjectMember
from shotline.schemas.crud import MemberCreate, MemberOut, MemberUpdate
from shotline.services import team
from shotline.services.checks import project_seen_if_empty

router = crud_router("team")

members = Reader(ProjectMember, MemberOut, "team member")
member_list = listing(ProjectMember, MemberOut)


def _answer(db: DB, me: Me, project_id: int, person_id: int) -> MemberOut:
    [member] = members.committed_all(
        db, me, ProjectMember.project_id == project_id, ProjectMember.person_id == person_id
    )
    return member


@router.get(
    "/projects/{project_id}/members",
    response_model=member_list.page_model,
    responses=errors(404),
)
def list_members(
    project_id: IdPath,
    db: DB,
    me: Me,
    planned: Annotated[PlannedRequest, Depends(member_list)],
) -> Response:
    """The project's team, by person id unless ``order`` says otherwise."""
    stmt = select(ProjectMember).where(ProjectMember.project_id == project_id)
    return planned.page(db, stmt, project_seen_if_empty(db, me, project_id))


@router.post(
    "/projects/{project_id}/members", status_code=201, responses=errors(400, 403, 404, 409)
)
def add_member(project_id: IdPath, body: MemberCreate, db: DB, me: Me) -> MemberOut:
    """Put a person on the team: they see the project from their next request on."""
    team.add_member(db, me, project_id, body.person_id, body.role)
    return _answer(db, me, project_id, body.person_id)


@router.patch("/projects/{project_id}/members/{person_id}", responses=errors(400, 403, 404))
def update_member(
    project_id: IdPath, person_id: IdPath, body: MemberUpdate, db: DB, me: Me
) -> MemberOut:
    """Change a member's role on the project."""
    team.set_member_role(db, me, project_id, person_id, body.role)
    return _answer(db, me, project_id, person_id)


@router.delete(
    "/projects/{project_id}/members/{person_id}", status_code=204, responses=errors(403, 404)
)
def remove_member(project_id: IdPath, person_id: IdPath, db: DB, me: Me) -> None:
    """Take a person off the team: they no longer see the project from their
    next request on (what they were assigned stays assigned)."""
    team.remove_member(db, me, project_id, person_id)
    db.commit()
