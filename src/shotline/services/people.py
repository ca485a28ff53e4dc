"""People and their passwords: creating a person, changing one's own password.

A password is stored as its Argon2 hash only (:func:`shotline.auth.hash_password`).
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
from shotline.services import NO_SYNC
from shotline.services.checks import reference, unique, verify
from shotline.sqltypes import utcnow


def person_values(values: dict[str, Any]) -> dict[str, Any]:
    """The column values of a person body: ``password`` becomes its hash
    (``null`` removes the password: the person can no longer sign in)."""
    if "password" in values:
        password = values.pop("password")
        values["password_hash"] = hash_password(password) if password is not None else None
    return values


def create_person(session: Session, values: dict[str, Any]) -> Person:
    """Add a person (flushed, not committed) from the fields of a
    :class:`~shotline.schemas.crud.PersonCreate`; their email must be free."""
    verify(
        session,
        *reference(Department, values.get("department_id"), "department"),
        unique(Person, Person.email, values["email"], "person"),
    )
    person = Person(**person_values(values))
    session.add(person)
    session.flush()
    return person


def change_password(session: Session, me: Principal, current: str, new: str) -> int:
    """Set the principal's password, given the current one; revoke every
    other live token of theirs. Answers how many were revoked (not committed)."""
    person = session.get_one(Person, me.person_id)
    if not verify_password(person.password_hash, current):
        raise BadRequest("current_password", "is not your current password")
    person.password_hash = hash_password(new)
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
