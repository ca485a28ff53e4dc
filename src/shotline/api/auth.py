"""Signing in, the signed-in person, and their personal API tokens.

``POST /api/auth/login`` (a bearer token for scripts) and ``POST
/api/auth/session`` (a session cookie for browsers) are the API endpoints
that answer without a token. A failed sign-in is a 401 whatever went wrong
(unknown email, wrong password, inactive person), so it does not tell which
emails exist; failures are throttled per account and per client address
(:mod:`shotline.throttle`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from shotline.access import Principal
from shotline.api.crud.common import IdPath, errors
from shotline.auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Me,
    Unauthenticated,
    csrf_token,
    issue_token,
    login,
)
from shotline.deps import DB, AppSettings
from shotline.errors import NotFound
from shotline.models import AuthToken, TokenKind
from shotline.schemas.auth import (
    LoginIn,
    LoginOut,
    MembershipOut,
    MeOut,
    PasswordChange,
    PasswordChanged,
    SessionOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
)
from shotline.schemas.errors import ErrorBody
from shotline.services import people
from shotline.settings import Settings
from shotline.sqltypes import utcnow
from shotline.throttle import forget_failures, record_failure, retry_after

public_router = APIRouter(tags=["auth"])
router = APIRouter(tags=["auth"])

_REFUSED = "invalid email or password"


class Throttled(HTTPException):
    """429 with ``Retry-After``: too many failed logins (see :mod:`shotline.throttle`)."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            status_code=429,
            detail=f"too many failed logins: try again in {seconds} seconds",
            headers={"Retry-After": str(seconds)},
        )


THROTTLED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Unknown email, wrong password or inactive person."},
    429: {
        "model": ErrorBody,
        "description": "Too many failed logins for this account or from this address "
        "(see the Retry-After header): nothing was checked.",
        "headers": {
            "Retry-After": {
                "description": "Seconds until a login may be tried again.",
                "schema": {"type": "integer"},
            }
        },
    },
}


def _login(
    body: LoginIn, request: Request, db: Session, settings: Settings
) -> tuple[AuthToken, str]:
    """A login through the throttle: 429 while the account or the client
    address has too many recent failures (no password checked then), 401 on
    a failure (counted), the new session token otherwise."""
    account = body.email.strip().lower()
    address = request.client.host if request.client else "unknown"
    now = utcnow()
    wait = retry_after(db, account, address, settings, now)
    if wait is not None:
        raise Throttled(wait)
    issued = login(db, body.email, body.password, settings)
    if issued is None:
        record_failure(db, account, address, settings, now)
        db.commit()
        raise Unauthenticated(_REFUSED)
    forget_failures(db, account)
    db.commit()
    return issued


@public_router.post("/auth/login", responses=THROTTLED)
def sign_in(body: LoginIn, request: Request, db: DB, settings: AppSettings) -> LoginOut:
    """A session token for the person, valid for ``session_hours`` (12 by default)."""
    token, secret = _login(body, request, db, settings)
    assert token.expires_at is not None
    return LoginOut(access_token=secret, expires_at=token.expires_at)


@public_router.post("/auth/session", responses=THROTTLED)
def open_session(
    body: LoginIn, db: DB, settings: AppSettings, request: Request, response: Response
) -> SessionOut:
    """Sign a browser in: its session token goes in an HttpOnly, SameSite=Lax
    cookie (``shotline_session``), sent with every request to this server
    and never readable by scripts; changes made with it need the answer's
    ``csrf_token`` in an ``X-CSRF-Token`` header. Valid for ``session_hours``,
    like a login's token; ``POST /api/auth/logout`` ends it."""
    token, secret = _login(body, request, db, settings)
    assert token.expires_at is not None
    csrf = csrf_token(secret)
    for name, value, httponly in ((SESSION_COOKIE, secret, True), (CSRF_COOKIE, csrf, False)):
        response.set_cookie(
            name,
            value,
            max_age=round(settings.session_hours * 3600),
            path="/",
            samesite="lax",
            # Plain HTTP on 127.0.0.1 must keep working; behind TLS, never sent in clear.
            secure=request.url.scheme == "https",
            httponly=httponly,
        )
    return SessionOut(csrf_token=csrf, expires_at=token.expires_at)


@router.post("/auth/logout", status_code=204)
def sign_out(me: Me, db: DB, response: Response) -> None:
    """Revoke the token this request was made with (and clear a browser's
    session cookies)."""
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    db.execute(
        update(AuthToken)
        .where(AuthToken.id == me.token_id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.commit()


@router.get("/me")
def who_am_i(me: Me) -> MeOut:
    """The signed-in person and their projects (no statement beyond the token's)."""
    return MeOut(
        id=me.person_id,
        first_name=me.first_name,
        last_name=me.last_name,
        email=me.email,
        role=me.role,
        department_id=me.department_id,
        projects=[
            MembershipOut(project_id=project, role=role)
            for project, role in sorted(me.projects.items())
        ],
        token_kind=TokenKind(me.token_kind or TokenKind.SESSION).value,
    )


@router.post("/me/password", responses=errors(400))
def change_password(body: PasswordChange, me: Me, db: DB, settings: AppSettings) -> PasswordChanged:
    """Change your password, giving the current one. Every other session and
    API token of yours is revoked; the token of this request keeps working."""
    revoked = people.change_password(db, me, body.current_password, body.new_password, settings)
    db.commit()
    return PasswordChanged(revoked_tokens=revoked)


def _api_tokens(me: Principal) -> list[ColumnElement[bool]]:
    return [
        AuthToken.person_id == me.person_id,
        AuthToken.kind == TokenKind.API,
        AuthToken.revoked_at.is_(None),
    ]


@router.get("/me/tokens")
def list_tokens(me: Me, db: DB) -> list[TokenOut]:
    """The person's API tokens that are not revoked (expired ones included), oldest first."""
    rows = db.scalars(select(AuthToken).where(*_api_tokens(me)).order_by(AuthToken.id))
    return [TokenOut.model_validate(row) for row in rows]


@router.post("/me/tokens", status_code=201)
def create_token(body: TokenCreate, me: Me, db: DB) -> TokenCreated:
    """A personal API token for scripts: its secret is in this answer only."""
    now = utcnow()
    expires = now + dt.timedelta(days=body.expires_in_days) if body.expires_in_days else None
    token, secret = issue_token(
        db, me.person_id, TokenKind.API, name=body.name, expires_at=expires, now=now
    )
    created = TokenCreated(
        id=token.id,
        name=token.name,
        created_at=now,
        expires_at=expires,
        last_used_at=None,
        token=secret,
    )
    db.commit()
    return created


@router.delete("/me/tokens/{token_id}", status_code=204, responses=errors(404))
def revoke_token(token_id: IdPath, me: Me, db: DB) -> None:
    """Revoke one of the person's API tokens: it stops working at once."""
    revoked = db.execute(
        update(AuthToken)
        .where(AuthToken.id == token_id, *_api_tokens(me))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if revoked.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound("token", token_id)
    db.commit()
