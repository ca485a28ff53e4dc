"""People imported from a CSV file, by an admin: a studio's crew list
becomes accounts in one step.

Columns: ``first_name``, ``last_name``, ``email`` (required), ``role`` (one
of the global roles; ``artist`` when empty) and ``department`` (by id or
name). People are created without a password, as the API creates them when
none is given: they cannot sign in until an admin sets one. An import
creates every person of the file or nobody: each refused cell is named by
its line and column (an email another person holds or another line repeats,
an email that is not one, an unknown role or department, a name too long).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.csvfiles import CsvFile, CsvRow, read_csv
from shotline.events.changes import studio_change
from shotline.events.log import record
from shotline.models import Department, Person, Role
from shotline.services.checks import admin_only
from shotline.services.csv_import import Check, written_alone
from shotline.sqltypes import utcnow

__all__ = ["COLUMNS", "PeopleImport", "import_csv"]

COLUMNS = ("first_name", "last_name", "email", "role", "department")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
"""An email as the API accepts it (``shotline.schemas.crud.Email``)."""
MAX_EMAIL = 254


@dataclass(frozen=True)
class PeopleImport:
    dry_run: bool
    rows: int
    people: int


def _email(check: Check, row: CsvRow, held: dict[str, int]) -> str | None:
    email = check.required(row, "email", "an email")
    if email is None:
        return None
    email = email.lower()
    if len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        check.refuse(row, "email", f"not an email: {row['email']!r}")
        return None
    if email in held:
        check.refuse(row, "email", f"person {held[email]} already has this email")
        return None
    return email if check.once(row, "email", email, "email") else None


def _person(
    check: Check, row: CsvRow, held: dict[str, int], departments: dict[str, int]
) -> dict[str, Any]:
    roles = {role.value: role for role in Role}
    role = roles.get(row["role"].lower() or Role.ARTIST.value)
    if role is None:
        check.refuse(row, "role", f"unknown role {row['role']!r}; the roles are {', '.join(roles)}")
    return {
        "first_name": check.name(row, "first_name", "a first name"),
        "last_name": check.name(row, "last_name", "a last name"),
        "email": _email(check, row, held),
        "role": role,
        "department_id": check.lookup(row, "department", departments, "department"),
    }


def _checked(session: Session, file: CsvFile) -> list[dict[str, Any]]:
    """The file's people, or a 400 naming every refused cell: 2 statements
    (the departments, the emails held)."""
    departments: dict[str, int] = {}
    for ident, name in session.execute(select(Department.id, Department.name)):
        departments[name] = departments[str(ident)] = ident
    emails = [row["email"].lower() for row in file.rows]
    held = dict(
        session.execute(select(Person.email, Person.id).where(Person.email.in_(emails))).all()
    )
    check = Check(list(file.errors))
    people = [_person(check, row, held, departments) for row in file.rows]
    check.refuse_any()
    return people


def import_csv(session: Session, me: Principal, text: str, *, dry_run: bool) -> PeopleImport:
    """Read a people CSV: every person or none (flushed, not committed). 2
    statements for a dry run, 3 more to apply (the people, their ids, their
    events). An email someone else takes between the checks and the write
    refuses its line all the same."""
    admin_only(me, "change people")
    file = read_csv(text, COLUMNS, required=("first_name", "last_name", "email"))
    people = _checked(session, file)
    report = PeopleImport(dry_run=dry_run, rows=len(file.rows), people=len(people))
    if dry_run or not people:
        return report
    table = Person.__table__
    assert isinstance(table, Table)
    now = utcnow()
    with written_alone(session, lambda: _checked(session, file)):
        session.execute(insert(table), [{**p, "active": True, "created_at": now} for p in people])
    ids = dict(
        session.execute(
            select(Person.email, Person.id).where(Person.email.in_([p["email"] for p in people]))
        ).all()
    )
    record(
        session,
        [
            studio_change(
                "person.created",
                ids[p["email"]],
                {"first_name": p["first_name"], "last_name": p["last_name"]},
            )
            for p in people
        ],
    )
    return report
