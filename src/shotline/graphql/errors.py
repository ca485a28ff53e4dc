"""Errors a client can act on, answered as GraphQL errors with a code.

They are :class:`~graphql.GraphQLError` subclasses, so their message reaches
the client as written (the schema masks every other exception, see
:mod:`shotline.graphql.schema`) with ``extensions.code`` telling a UI which
kind of mistake it made without parsing the message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from fastapi import HTTPException
from graphql import GraphQLError


class BadInput(GraphQLError):
    """Input that cannot be applied: a malformed id, a status the project does not use…"""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


MAX_KEY = 2**31 - 1
"""The largest primary key: an INTEGER on every supported dialect."""


def key(ident: str, what: str) -> int:
    """The integer primary key behind a GraphQL ``ID`` (a larger one would be
    a database error on PostgreSQL, not a row that does not exist)."""
    if len(ident) > 20:
        raise BadInput(f"{what} id must be an integer, got {ident[:20]!r}…")
    try:
        value = int(ident)
    except ValueError:
        raise BadInput(f"{what} id must be an integer, got {ident!r}") from None
    if not 1 <= value <= MAX_KEY:
        raise BadInput(f"{what} id must be between 1 and {MAX_KEY}, got {value}")
    return value


_CODES = {400: "BAD_USER_INPUT", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT"}


@contextmanager
def answered_as_graphql(arguments: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run a service of :mod:`shotline.services` (the same rules as REST):
    its refusal, a 4xx for REST, becomes the GraphQL error of the same kind,
    with the same message; a field-level refusal names its field in
    ``extensions.field``, as ``arguments`` renames REST's fields (``task_status_id``)
    to the operation's (``statusId``)."""
    try:
        yield
    except HTTPException as error:
        extensions: dict[str, object] = {"code": _CODES.get(error.status_code, "BAD_USER_INPUT")}
        message = error.detail
        if isinstance(message, dict):
            field = (arguments or {}).get(message["field"], message["field"])
            extensions["field"] = field
            message = f"{field}: {message['message']}"
        raise GraphQLError(str(message), extensions=extensions) from None
