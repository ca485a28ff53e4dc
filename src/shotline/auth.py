"""Authentication: passwords, bearer tokens, and the principal of each request.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's
low-memory profile). A login opens a *session* token, valid for
``Settings.session_hours``; people also make named *API* tokens for their
scripts. Both are random 256-bit secrets sent as ``Authorization: Bearer``,
stored as their SHA-256 only (:class:`~shotline.models.AuthToken`).

:class:`AuthenticationMiddleware` answers 401 to every request that needs a
token and has none, or a bad one, before routing, validation or anything else
runs; otherwise it resolves the token, with the person and their project
memberships, in one statement and leaves the :class:`~shotline.access.Principal`
in the request's state, where :func:`current_principal` (the dependency
endpoints declare, which also documents the scheme in OpenAPI) reads it.
Only the health check, the login and the API documentation (and the GraphiQL
page) answer without a token.

Browsers hold their session token in an HttpOnly, SameSite cookie instead
(:data:`SESSION_COOKIE`, set by ``POST /api/auth/session``), which scripts in
the page cannot read. A cookie goes with every request the browser makes to
the server, whoever made the page that asks, so a request authenticated by
the cookie that may change something (any method but GET, HEAD and OPTIONS)
must also carry the session's CSRF token in the :data:`CSRF_HEADER` header,
which only pages of this server can read (from :data:`CSRF_COOKIE`, or the
sign-in answer); without it the answer is a 403. The token is derived from
the session's secret (:func:`csrf_token`), so nothing more is stored. A
bearer token takes precedence over the cookie and needs no CSRF token:
browsers never add it on their own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from functools import cache
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from shotline.access import Principal
from shotline.errors import error_body
from shotline.models import AuthToken, Person, ProjectMember, Role, TokenKind
from shotline.settings import Settings
from shotline.sqltypes import utcnow

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "AuthenticationMiddleware",
    "Me",
    "Unauthenticated",
    "csrf_token",
    "current_principal",
    "hash_password",
    "issue_token",
    "login",
    "resolve_token",
    "token_hash",
    "verify_password",
]

REALM = "shotline"
TOKEN_PREFIX = "shl_"
"""Makes a leaked token recognisable to secret scanners and people alike."""

SESSION_COOKIE = "shotline_session"
"""The browser's session token: HttpOnly, SameSite=Lax."""
CSRF_COOKIE = "shotline_csrf"
"""The CSRF token of the browser's session, readable by the app's pages."""
CSRF_HEADER = "X-CSRF-Token"
"""Where a cookie-authenticated change carries the session's CSRF token."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that change nothing, so need no CSRF token."""

_hasher = PasswordHasher()


# -- Passwords ----------------------------------------------------------------------


def hash_password(password: str) -> str:
    """An Argon2id hash of the password, salted, in PHC string format."""
    return _hasher.hash(password)


@cache
def _decoy() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``. Someone without a password (or
    unknown) costs a hash all the same, so timing does not tell who exists."""
    try:
        return _hasher.verify(stored or _decoy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


# -- Tokens -------------------------------------------------------------------------


def token_hash(secret: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def csrf_token(secret: str) -> str:
    """The CSRF token of a session: an HMAC of a constant keyed by its secret,
    which whoever cannot read the secret cannot make."""
    return hmac.new(secret.encode("utf-8", "surrogatepass"), b"csrf", hashlib.sha256).hexdigest()


def issue_token(
    session: Session,
    person_id: int,
    kind: TokenKind,
    *,
    name: str | None = None,
    expires_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[AuthToken, str]:
    """Add a token for the person (flushed, not committed); returns it with
    its secret, which is shown once and never stored.

    A session token counts as used when it is issued (by a login): it
    authenticates with one statement until ``token_touch_seconds`` pass.
    """
    now = now or utcnow()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AuthToken(
        kind=kind,
        person_id=person_id,
        name=name,
        token_hash=token_hash(secret),
        created_at=now,
        expires_at=expires_at,
        last_used_at=now if kind is TokenKind.SESSION else None,
    )
    session.add(token)
    session.flush()
    return token, secret


def login(
    session: Session, email: str, password: str, settings: Settings
) -> tuple[AuthToken, str] | None:
    """A session token for an active person whose password matches, else
    ``None``; committed. An outdated hash is upgraded on the way."""
    person = session.scalars(select(Person).where(Person.email == email.strip().lower())).first()
    stored = person.password_hash if person is not None else None
    if not verify_password(stored, password) or person is None or not person.active:
        return None
    if stored is not None and _hasher.check_needs_rehash(stored):
        person.password_hash = hash_password(password)
    now = utcnow()
    expires = now + dt.timedelta(hours=settings.session_hours)
    issued = issue_token(session, person.id, TokenKind.SESSION, expires_at=expires, now=now)
    session.commit()
    return issued


def resolve_token(
    sessions: sessionmaker[Session], secret: str, settings: Settings
) -> Principal | None:
    """The principal of a live token (not revoked, not expired, of an active
    person), or ``None``: one statement, plus one UPDATE when the token's
    ``last_used_at`` is older than ``token_touch_seconds``."""
    now = utcnow()
    stmt = (
        select(
            AuthToken.id,
            AuthToken.kind,
            AuthToken.last_used_at,
            Person.id,
            Person.role,
            Person.department_id,
            Person.first_name,
            Person.last_name,
            Person.email,
            ProjectMember.project_id,
            ProjectMember.role,
        )
        .join(AuthToken.person)
        .outerjoin(ProjectMember, ProjectMember.person_id == Person.id)
        .where(
            AuthToken.token_hash == token_hash(secret),
            AuthToken.revoked_at.is_(None),
            or_(AuthToken.expires_at.is_(None), AuthToken.expires_at > now),
            Person.active.is_(True),
        )
    )
    with sessions() as session:
        rows = session.execute(stmt).all()
        if not rows:
            return None
        token_id, kind, last_used, person_id, role, department_id, first, last, email = rows[0][:9]
        stale = dt.timedelta(seconds=settings.token_touch_seconds)
        if last_used is None or now - last_used >= stale:
            session.execute(
                update(AuthToken)
                .where(AuthToken.id == token_id)
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
            session.commit()
    projects = {
        project_id: Role(override or role) for *_, project_id, override in rows if project_id
    }
    return Principal(
        person_id=person_id,
        role=Role(role),
        department_id=department_id,
        projects=projects,
        token_id=token_id,
        token_kind=TokenKind(kind),
        first_name=first,
        last_name=last,
        email=email,
    )


# -- Requests -----------------------------------------------------------------------


class Unauthenticated(HTTPException):
    """401 with the ``WWW-Authenticate`` challenge of RFC 6750."""

    def __init__(self, detail: str = "not authenticated", *, invalid: bool = False) -> None:
        super().__init__(status_code=401, detail=detail, headers=challenge(detail, invalid))


def challenge(detail: str, invalid: bool) -> dict[str, str]:
    value = f'Bearer realm="{REALM}"'
    if invalid:
        value += f', error="invalid_token", error_description="{detail}"'
    return {"WWW-Authenticate": value}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            found: str = value.decode("latin-1")
            return found
    return None


def _bearer_secret(scope: Scope) -> str | None:
    header = _header(scope, b"authorization")
    if header is None:
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def _cookie_secret(scope: Scope) -> str | None:
    cookies = _header(scope, b"cookie")
    if cookies is None:
        return None
    return cookie_parser(cookies).get(SESSION_COOKIE) or None


def _csrf_matches(scope: Scope, secret: str) -> bool:
    sent = _header(scope, CSRF_HEADER.lower().encode())
    return sent is not None and hmac.compare_digest(sent.strip(), csrf_token(secret))


def _same_origin(scope: Scope) -> bool:
    """Whether a WebSocket was opened by a page of this server (its
    ``Origin`` names the host the socket is opened to)."""
    origin, host = _header(scope, b"origin"), _header(scope, b"host")
    return origin is not None and host is not None and urlsplit(origin).netloc == host


class AuthenticationMiddleware:
    """401 for every HTTP request but ``public`` paths, paths starting with
    one of ``public_prefixes`` (and the GraphiQL page: a GET of
    ``graphql_path`` without a ``query``), before anything else runs; the
    resolved principal goes to ``scope["state"]["principal"]``. A change
    authenticated by the session cookie without its CSRF token is a 403.

    WebSockets are GraphQL subscriptions only: one to ``graphql_path`` with
    a live token (bearer, or the session cookie from a page of this server:
    its ``Origin`` must be the server itself, as a cookie goes with a socket
    any page opens) is let through, with its principal; any other is closed
    with 1008 before anything runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        public: Iterable[str],
        public_prefixes: Iterable[str] = (),
        graphql_path: str = "/graphql",
    ) -> None:
        self.app = app
        self.public = frozenset(public)
        self.public_prefixes = tuple(public_prefixes)
        self.graphql_path = graphql_path

    def _is_public(self, scope: Scope) -> bool:
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if path in self.public or path.startswith(self.public_prefixes):
            return True
        if path == self.graphql_path and scope["method"] in {"GET", "HEAD"}:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            return "query" not in query
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            principal = await self._socket_principal(scope)
            if principal is None:
                await send({"type": "websocket.close", "code": 1008})
                return
            scope.setdefault("state", {})["principal"] = principal
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http" or self._is_public(scope):
            await self.app(scope, receive, send)
            return
        secret = _bearer_secret(scope)
        if (
            secret is None
            and (secret := _cookie_secret(scope)) is not None
            and scope["method"] not in SAFE_METHODS
            and not _csrf_matches(scope, secret)
        ):
            detail = f"a change made with the session cookie needs its {CSRF_HEADER} header"
            await self._refusal(scope, detail, status=403)(scope, receive, send)
            return
        if secret is None:
            response = self._refusal(scope, "not authenticated", invalid=False)
        else:
            app = scope["app"]
            principal = await run_in_threadpool(
                resolve_token, app.state.sessions, secret, app.state.settings
            )
            if principal is not None:
                scope.setdefault("state", {})["principal"] = principal
                await self.app(scope, receive, send)
                return
            response = self._refusal(scope, "invalid, expired or revoked token", invalid=True)
        await response(scope, receive, send)

    async def _socket_principal(self, scope: Scope) -> Principal | None:
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if path != self.graphql_path:
            return None
        secret = _bearer_secret(scope)
        if secret is None:
            secret = _cookie_secret(scope)
            if secret is None or not _same_origin(scope):
                return None
        app = scope["app"]
        principal: Principal | None = await run_in_threadpool(
            resolve_token, app.state.sessions, secret, app.state.settings
        )
        return principal

    def _refusal(
        self, scope: Scope, detail: str, *, invalid: bool = False, status: int = 401
    ) -> JSONResponse:
        body = error_body(status, detail)
        if scope["path"].startswith(self.graphql_path):
            # GraphQL clients read ``errors``; the code tells them to sign in.
            code = "UNAUTHENTICATED" if status == 401 else "FORBIDDEN"
            body = {
                "data": None,
                "errors": [{"message": detail, "extensions": {"code": code}}],
                **body,
            }
        headers = challenge(detail, invalid) if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)


_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="A session token from POST /api/auth/login, or a personal API token "
    "(POST /api/me/tokens).",
)


async def current_principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_scheme)] = None,
) -> Principal:
    """The request's principal, resolved by :class:`AuthenticationMiddleware`."""
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        raise Unauthenticated()
    return principal


Me = Annotated[Principal, Depends(current_principal)]
"""The principal a request acts for."""
