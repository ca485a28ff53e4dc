"""Unknown query parameters are refused, not ignored.

FastAPI passes an endpoint the query parameters it declares and drops the
rest, so a mistyped filter (``?role=artist`` on a list without that filter,
``?due_date_lt=`` for ``?due_before=``) answered every row as if no filter
had been asked for. Every ``/api`` route depends on :func:`known_only`,
which answers a 400 naming the first unknown parameter and listing the
ones the route accepts (read from its dependencies).
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

__all__ = ["known_only"]


def _declared(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _declared(dependency)
    return names


def accepted(route: APIRoute) -> set[str]:
    """The query parameters ``route`` declares, its dependencies' included
    (a walk of a few objects, cheaper than any cache keyed by route)."""
    return _declared(route.dependant)


NESTED = ("limit", "offset", "order")
"""The arguments of a planned list's nested lists (``task_details.limit=1``),
which loadplan reads from the query itself and checks against the response's
lists (an unknown list is its own 400)."""


def _nested(name: str, names: set[str]) -> bool:
    """``<list>.limit``, ``.offset`` or ``.order`` on a planned list (one with ``fields``)."""
    path, dot, argument = name.rpartition(".")
    return bool(dot and path) and argument in NESTED and "fields" in names


async def known_only(request: Request) -> None:
    """Refuse a request whose query names a parameter its route does not declare.

    ``async``: a walk of a few objects, on the event loop rather than worth
    a worker thread's round trip (see :mod:`shotline.deps`)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names = accepted(route)
    for name in request.query_params:
        if name not in names and not _nested(name, names):
            raise HTTPException(
                status_code=400,
                detail={
                    "field": name,
                    "message": "unknown query parameter",
                    "valid": sorted(names)
                    + ([f"<list>.{argument}" for argument in NESTED] if "fields" in names else []),
                },
            )
