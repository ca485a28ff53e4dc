"""Authentication for the benchmark: Shotline answers 401 without a bearer token.

Every REST-style implementation sits behind Shotline's own
``AuthenticationMiddleware`` (one token lookup per request, the same for all
of them); GraphQL implementations are executed in-process with the principal
resolved once, none of them authenticating per request. The requests act as
the demo's admin, who sees every row, so access rules change no payload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

TOKEN_NAME = "bench"
# A run lasts well under this: older bench tokens are left over from earlier
# runs, younger ones may belong to a run going on beside this one (another
# branch's, on the same database) and stay valid for it.
STALE_AFTER = dt.timedelta(days=1)


def admin_token(engine: Engine) -> str | None:
    """A fresh API token of the demo's admin (bench tokens of finished runs deleted),
    or ``None`` when this Shotline has no authentication."""
    try:
        from shotline.auth import issue_token
        from shotline.models import AuthToken, Person, Role, TokenKind
    except ImportError:
        return None
    with Session(engine) as session, session.begin():
        admin = session.scalar(
            select(Person.id).where(Person.role == Role.ADMIN).order_by(Person.id).limit(1)
        )
        if admin is None:
            raise RuntimeError("the demo has no admin to run the benchmark as")
        stale = dt.datetime.now(dt.UTC) - STALE_AFTER
        session.execute(
            delete(AuthToken).where(AuthToken.name == TOKEN_NAME, AuthToken.created_at < stale)
        )
        _, secret = issue_token(session, admin, TokenKind.API, name=TOKEN_NAME)
    return secret


def principal(engine: Engine, secret: str | None, settings: Any) -> Any:
    """The admin's principal, resolved once (``None`` without authentication)."""
    if secret is None:
        return None
    from shotline.auth import resolve_token
    from shotline.db import session_factory

    return resolve_token(session_factory(engine), secret, settings)


def protect(app: Any, engine: Engine, settings: Any) -> None:
    """Put a bench app behind Shotline's authentication, as Shotline's app is."""
    try:
        from shotline.auth import AuthenticationMiddleware
    except ImportError:
        return
    from shotline.db import session_factory

    app.state.sessions = session_factory(engine)
    app.state.settings = settings
    app.add_middleware(AuthenticationMiddleware, public=set(), graphql_path="/graphql")
