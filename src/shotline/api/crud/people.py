"""Departments and the people in them.

People are deleted only while they have no history: someone who wrote
comments or logged time is deactivated instead (``active: false``), so that
history keeps its author. Their assignments, project memberships and tokens
go with them (the database cascades those).

Everyone signed in reads departments and people (clients without emails);
only admins change them. An admin sets a person's password with
``password``, which is stored as an Argon2 hash and never answered.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from loadplan.fastapi import PlannedRequest
from shotline.api.crud.common import IdPath, Reader, assign, crud_router, errors, listing
from shotline.api.crud.vocabulary_writes import Vocabulary
from shotline.auth import Me
from shotline.deps import DB, AppSettings
from shotline.errors import Conflict, Forbidden
from shotline.events.changes import changed_fields, studio_change
from shotline.events.log import Change, record
from shotline.models import (
    Comment,
    Department,
    Person,
    ProjectMember,
    Role,
    Task,
    TaskType,
    TimeLog,
    task_assignee,
)
from shotline.schemas.crud import (
    DepartmentCreate,
    DepartmentOut,
    DepartmentUpdate,
    PersonCreate,
    PersonOut,
    PersonUpdate,
)
from shotline.services import NO_SYNC
from shotline.services import people as people_service
from shotline.services.checks import (
    Check,
    admin_only,
    fetch,
    present,
    reference,
    row_exists,
    unique,
    verify,
)
from shotline.softdelete import INCLUDE_DELETED

router = crud_router()

departments = Reader(Department, DepartmentOut, "department")
department_list = listing(Department, DepartmentOut)
department_writes = Vocabulary(departments, "department", "change departments")
people = Reader(Person, PersonOut, "person")
person_list = listing(Person, PersonOut)


# -- Departments --------------------------------------------------------------------


@router.get("/departments", response_model=department_list.page_model, tags=["departments"])
def list_departments(
    db: DB, planned: Annotated[PlannedRequest, Depends(department_list)]
) -> Response:
    return planned.page(db, select(Department))


@router.post("/departments", status_code=201, tags=["departments"], responses=errors(403, 409))
def create_department(body: DepartmentCreate, db: DB, me: Me) -> DepartmentOut:
    return department_writes.create(
        db, me, body, unique(Department, Department.name, body.name, "department")
    )


@router.get("/departments/{department_id}", tags=["departments"], responses=errors(404))
def get_department(department_id: IdPath, db: DB, me: Me) -> DepartmentOut:
    return departments.one(db, me, department_id)


@router.patch("/departments/{department_id}", tags=["departments"], responses=errors(403, 404, 409))
def update_department(
    department_id: IdPath, body: DepartmentUpdate, db: DB, me: Me
) -> DepartmentOut:
    values = body.model_dump()
    checks = []
    if "name" in values:
        checks.append(
            unique(Department, Department.name, values["name"], "department", ignore=department_id)
        )
    return department_writes.update(db, me, department_id, values, *checks)


@router.delete(
    "/departments/{department_id}",
    status_code=204,
    tags=["departments"],
    responses=errors(403, 404, 409),
)
def delete_department(department_id: IdPath, db: DB, me: Me) -> None:
    """Only an empty department can go: people and task types refer to it."""
    department_writes.delete(
        db,
        me,
        department_id,
        Check(
            ~row_exists(Person, Person.department_id == department_id),
            Conflict(f"department {department_id} still has people"),
        ),
        Check(
            ~row_exists(TaskType, TaskType.department_id == department_id),
            Conflict(f"department {department_id} still has task types"),
        ),
    )


# -- People -------------------------------------------------------------------------


def _keeps_an_admin(db: Session, person_id: int) -> Check:
    """Someone else is an active admin, or the request gets a 409: a studio
    whose last admin demoted, deactivated or deleted themselves has nobody
    left who can make an admin. The other admins' rows are locked first
    (PostgreSQL, MariaDB), so two admins demoting each other at the same
    time cannot both pass."""
    others = [Person.role == Role.ADMIN, Person.active.is_(True), Person.id != person_id]
    db.execute(select(Person.id).where(*others).with_for_update())
    return Check(
        row_exists(Person, *others),
        Conflict(f"person {person_id} is the last active admin: make another admin first"),
    )


def _loses_admin(values: dict[str, Any]) -> bool:
    """Whether an update takes the admin role or the active flag away."""
    return ("role" in values and values["role"] != Role.ADMIN) or values.get("active") is False


@router.get("/people", response_model=person_list.page_model, tags=["people"])
def list_people(db: DB, planned: Annotated[PlannedRequest, Depends(person_list)]) -> Response:
    return planned.page(db, select(Person))


@router.post("/people", status_code=201, tags=["people"], responses=errors(400, 403, 404, 409))
def create_person(body: PersonCreate, db: DB, me: Me, settings: AppSettings) -> PersonOut:
    admin_only(me, "change people")
    person = people_service.create_person(db, body.model_dump(), settings)
    record(db, [studio_change("person.created", person.id, _named(person))])
    return people.committed(db, me, person.id)


def _named(person: Person) -> dict[str, Any]:
    """What a person's events carry: their name (never their email, which
    clients may not read, nor anything of their password)."""
    return {"first_name": person.first_name, "last_name": person.last_name}


@router.get("/people/{person_id}", tags=["people"], responses=errors(404))
def get_person(person_id: IdPath, db: DB, me: Me) -> PersonOut:
    return people.one(db, me, person_id)


@router.patch("/people/{person_id}", tags=["people"], responses=errors(400, 403, 404, 409))
def update_person(
    person_id: IdPath, body: PersonUpdate, db: DB, me: Me, settings: AppSettings
) -> PersonOut:
    admin_only(me, "change people")
    values = people_service.person_values(body.model_dump(), settings)
    checks = reference(Department, values.get("department_id"), "department")
    if "email" in values:
        checks.append(unique(Person, Person.email, values["email"], "person", ignore=person_id))
    if _loses_admin(values):
        keeps = _keeps_an_admin(db, person_id)
        # Only an active admin's change matters: correlated to the fetched row.
        checks.append(
            Check(~(Person.role == Role.ADMIN) | ~Person.active | keeps.holds, keeps.error)
        )
    person = fetch(db, Person, person_id, "person", *checks)
    assign(person, values)
    changes = changed_fields(person, values.keys() - {"email", "password_hash"})
    db.flush()
    if changes:
        record(
            db, [studio_change("person.updated", person_id, {**_named(person), "changes": changes})]
        )
    return people.committed(db, me, person_id)


@router.delete(
    "/people/{person_id}", status_code=204, tags=["people"], responses=errors(403, 404, 409)
)
def delete_person(person_id: IdPath, db: DB, me: Me) -> None:
    """Only someone without history can go, and never oneself: so the admin
    deleting is always an active admin left (the last one cannot go)."""
    admin_only(me, "change people")
    if person_id == me.person_id:
        raise Forbidden("you may not delete yourself")
    verify(
        db,
        present(Person, person_id, "person"),
        Check(
            ~row_exists(Comment, Comment.person_id == person_id)
            & ~row_exists(TimeLog, TimeLog.person_id == person_id),
            Conflict(f"person {person_id} wrote comments or logged time: deactivate them instead"),
        ),
    )
    # Their assignments and memberships go with them (the database cascades
    # them): each is an event of its project, so its grids and teams follow.
    assigned = db.execute(
        select(Task.project_id, Task.entity_id, Task.id)
        .join(task_assignee, task_assignee.c.task_id == Task.id)
        .where(task_assignee.c.person_id == person_id)
        .order_by(Task.id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    teams = db.scalars(
        select(ProjectMember.project_id)
        .where(ProjectMember.person_id == person_id)
        .order_by(ProjectMember.project_id)
    ).all()
    db.execute(delete(Person).where(Person.id == person_id), execution_options=NO_SYNC)
    record(
        db,
        [
            studio_change("person.deleted", person_id),
            *(
                Change(
                    "task.unassigned",
                    project_id=project,
                    entity_id=entity,
                    task_id=task,
                    person_id=person_id,
                )
                for project, entity, task in assigned
            ),
            *(
                Change("member.removed", project_id=project, person_id=person_id)
                for project in teams
            ),
        ],
    )
    db.commit()
