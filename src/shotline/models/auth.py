"""Bearer tokens: the sessions a login opens and the personal API tokens of scripts.

Both kinds live in one table and authenticate the same way: the client sends
``Authorization: Bearer <secret>``, and only the SHA-256 of the secret is
stored, so a copy of the database holds nothing that logs anyone in. A secret
has 256 random bits: a fast hash is enough for it (passwords, which people
choose, are hashed with Argon2 instead; see :mod:`shotline.auth`).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shotline.models.base import Base, enum_column_type
from shotline.sqltypes import UTCDateTime, utcnow

if TYPE_CHECKING:
    from shotline.models.people import Person


class TokenKind(StrEnum):
    """``session``: opened by a login, expires; ``api``: made by a person for
    their scripts, named, expires only if asked to."""

    SESSION = "session"
    API = "api"


class AuthToken(Base):
    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column_type(TokenKind, "kind"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="sha256 hex")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()


class LoginFailure(Base):
    """A failed login: by account (the email tried) and client address.

    Logins are throttled from these rows (see :mod:`shotline.throttle`), kept
    in the database rather than in the server process so that every process
    serving the database (``shotline serve --workers N``) counts the same
    failures: a limit per process would let a client try N times as often by
    spreading its attempts. Rows older than the throttling window are deleted
    as new failures are recorded.
    """

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_account", "account", "failed_at"),
        Index("ix_login_failure_address", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
