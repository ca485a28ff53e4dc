"""A project's team: who is on it, with which role.

Being on a project's team is what lets a person see it (see
:mod:`shotline.access`): a person added sees the project with their next
request, one removed loses it with theirs, since every request resolves its
principal, memberships included, afresh. A membership may set the person's
role on the project (a supervisor of one film, an artist elsewhere); without
one, their studio role applies. ``admin`` is a studio role only: a project
role cannot be admin.

The team is changed by the project's managers (and admins); what a removed
person was assigned stays assigned (their work is still theirs to hand
over), they simply no longer see it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, insert, update
from sqlalchemy.orm import Session

from shotline.access import Principal, can_manage
from shotline.errors import BadRequest, Conflict, NotFound
from shotline.events.log import Change, record
from shotline.models import Person, Project, ProjectMember, Role
from shotline.services import NO_SYNC
from shotline.services.checks import Check, may, present, row_exists, seen, verify


def _is_member(project_id: int, person_id: int) -> ColumnElement[bool]:
    return row_exists(
        ProjectMember,
        ProjectMember.project_id == project_id,
        ProjectMember.person_id == person_id,
    )


def _managed(me: Principal, project_id: int) -> list[Check]:
    return [
        seen(me, Project, project_id, "project"),
        may(can_manage(me, project_id), f"you may not change the team of project {project_id}"),
    ]


def _project_role(role: Role | None) -> None:
    if role is Role.ADMIN:
        raise BadRequest("role", "admin is a studio role, not a project role")


def add_member(
    session: Session, me: Principal, project_id: int, person_id: int, role: Role | None
) -> None:
    """Put an active person on the project's team (not committed)."""
    verify(
        session,
        *_managed(me, project_id),
        present(Person, person_id, "person"),
        Check(
            row_exists(Person, Person.id == person_id, Person.active.is_(True)),
            BadRequest("person_id", f"person {person_id} is inactive"),
        ),
        Check(
            ~_is_member(project_id, person_id),
            Conflict(f"person {person_id} is already on the team of project {project_id}"),
        ),
    )
    _project_role(role)
    session.execute(
        insert(ProjectMember).values(project_id=project_id, person_id=person_id, role=role)
    )
    record(session, [_membership("member.added", project_id, person_id, {"role": role})])


def set_member_role(
    session: Session, me: Principal, project_id: int, person_id: int, role: Role | None
) -> None:
    """Change a member's role on the project (``None``: their studio role)."""
    verify(session, *_managed(me, project_id), _member(project_id, person_id))
    _project_role(role)
    session.execute(
        update(ProjectMember)
        .where(ProjectMember.project_id == project_id, ProjectMember.person_id == person_id)
        .values(role=role),
        execution_options=NO_SYNC,
    )
    record(session, [_membership("member.role_changed", project_id, person_id, {"role": role})])


def remove_member(session: Session, me: Principal, project_id: int, person_id: int) -> None:
    """Take a person off the project's team (not committed)."""
    verify(session, *_managed(me, project_id), _member(project_id, person_id))
    session.execute(
        delete(ProjectMember).where(
            ProjectMember.project_id == project_id, ProjectMember.person_id == person_id
        ),
        execution_options=NO_SYNC,
    )
    record(session, [_membership("member.removed", project_id, person_id)])


def _membership(
    kind: str, project_id: int, person_id: int, payload: dict[str, Any] | None = None
) -> Change:
    """A change of the team, addressed to the person (who may no longer be on it)."""
    return Change(
        kind,
        project_id=project_id,
        person_id=person_id,
        payload={
            key: value.value if isinstance(value, Role) else value
            for key, value in (payload or {}).items()
        },
        recipients=(person_id,),
    )


def _member(project_id: int, person_id: int) -> Check:
    return Check(_is_member(project_id, person_id), NotFound("team member", person_id))
