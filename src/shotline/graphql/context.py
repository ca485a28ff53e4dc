"""What every GraphQL resolver can reach: the request's database session.

The context is a dict (Strawberry adds ``request``, ``response`` and
``background_tasks`` to it): a session per request, opened by the same
dependency as the REST endpoints' (:func:`shotline.deps.get_session`), so it is
closed (and anything uncommitted rolled back) once the request is answered.
Mutations commit themselves; a query never writes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shotline.deps import DB


def get_context(session: DB) -> dict[str, Any]:
    """The ``context_getter`` dependency of the GraphQL router."""
    return {"session": session}


def session_of(info: Any) -> Session:
    """The request's session, for resolvers and for ``OptimizerExtension``.

    ``info`` is Strawberry's ``Info`` or graphql-core's ``GraphQLResolveInfo``:
    both carry the context.
    """
    session: Session = info.context["session"]
    return session
