"""Which of the tokens that hold streams open may still be used.

A stream (server-sent events, a GraphQL socket) authenticates once, when it
opens; the token it opened with may later be revoked (signed out, revoked
by its owner, every token of a changed password), expire, or belong to a
person made inactive. The broker asks this, for all its streams in one
statement, every :data:`CHECK_SECONDS`, and closes the streams of the
tokens that are no longer good, in every server process alike.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from shotline.models import AuthToken, Person
from shotline.sqltypes import utcnow

__all__ = ["CHECK_SECONDS", "live_tokens"]

CHECK_SECONDS = 2.0
"""How often a process checks the tokens of its open streams: the bound on
how long a revoked token's stream stays open."""


def live_tokens(sessions: sessionmaker[Session], token_ids: Collection[int]) -> set[int]:
    """The ids among ``token_ids`` of tokens a request could still use."""
    stmt = (
        select(AuthToken.id)
        .join(Person, Person.id == AuthToken.person_id)
        .where(
            AuthToken.id.in_(sorted(token_ids)),
            AuthToken.revoked_at.is_(None),
            or_(AuthToken.expires_at.is_(None), AuthToken.expires_at > utcnow()),
            Person.active.is_(True),
        )
    )
    with sessions() as session:
        return set(session.scalars(stmt))
