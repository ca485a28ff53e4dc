"""What every GraphQL resolver can reach: the request's database session and
principal.

The context is a dict (Strawberry adds ``request``, ``response`` and
``background_tasks`` to it): a session per request, opened by the same
dependency as the REST endpoints' (:func:`shotline.deps.get_session`), so it is
closed (and anything uncommitted rolled back) once the request is answered.
Mutations commit themselves; a query never writes. ``principal`` is who the
request acts for (:class:`shotline.access.Principal`), resolved from its
token by the authentication middleware; only the GraphiQL page, which runs
no operation, has none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from shotline.access import Principal, principal_of
from shotline.deps import DB


async def get_context(request: HTTPConnection, session: DB) -> dict[str, Any]:
    """The ``context_getter`` dependency of the GraphQL router."""
    return {"session": session, "principal": getattr(request.state, "principal", None)}


def principal(info: Any) -> Principal:
    """The request's principal, for resolvers."""
    return principal_of(info)


def session_of(info: Any) -> Session:
    """The request's session, for resolvers and for ``OptimizerExtension``.

    ``info`` is Strawberry's ``Info`` or graphql-core's ``GraphQLResolveInfo``:
    both carry the context.
    """
    session: Session = info.context["session"]
    return session
