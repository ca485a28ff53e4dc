"""People and their passwords: creating a person, changing one's own password.

A password is stored as its Argon2 hash only (:func:`shotline.auth.hash_password`),
once it passes the password policy (:mod:`shotline.passwords`).
Changing one's own password needs the current one, and signs the person out
everywhere else: every other live token of theirs, sessions and API tokens
alike, is revoked in the same transaction, so a password someone else learnt
stops being of use with the tokens it opened.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.auth import hash_password, verify_password
from shotline.errors import BadRequest
from shotline.models import AuthToken, Department, Person
from shotline.passwords import password_problem
from shotline.services import NO_SYNC
from shotline.services.checks import reference, unique, verify
from shotline.settings import Settings
from shotline.sqltypes import utcnow


def checked_password(password: str, settings: Settings, field: str = "password") -> str:
    """``password``, once it passes the password policy (:mod:`shotline.passwords`):
    a 400 naming ``field`` and saying why otherwise."""
    problem = password_problem(password, settings)
    if problem is not None:
        raise BadRequest(field, problem)
    return password


def person_values(values: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The column values of a person body: ``password`` becomes its hash,
    once it passes the password policy (``null`` removes the password: the
    person can no longer sign in)."""
    if "password" in values:
        password = values.pop("password")
        values["password_hash"] = (
            hash_password(checked_password(password, settings)) if password is not None else None
        )
    return values


def create_person(session: Session, values: dict[str, Any], settings: Settings) -> Person:
    """Add a person (flushed, not committed) from the fields of a
    :class:`~shotline.schemas.crud.PersonCreate`; their email must be free."""
    verify(
        session,
        *reference(Department, values.get("department_id"), "department"),
        unique(Person, Person.email, values["email"], "person"),
    )
    person = Person(**person_values(values, settings))
    session.add(person)
    session.flush()
    return person


def change_password(
    session: Session, me: Principal, current: str, new: str, settings: Settings
) -> int:
    """Set the principal's password, given the current one; revoke every
    other live token of theirs. Answers how many were revoked (not committed)."""
    person = session.get_one(Person, me.person_id)
    if not verify_password(person.password_hash, current):
        raise BadRequest("current_password", "is not your current password")
    person.password_hash = hash_password(checked_password(new, settings, "new_password"))
    revoked = session.execute(
        update(AuthToken)
        .where(
            AuthToken.person_id == me.person_id,
            AuthToken.id != me.token_id,
            AuthToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow()),
        execution_options=NO_SYNC,
    )
    session.flush()
    return int(revoked.rowcount)  # type: ignore[attr-defined]
