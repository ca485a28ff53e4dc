"""Errors a client can act on, answered as GraphQL errors with a code.

They are :class:`~graphql.GraphQLError` subclasses, so their message reaches
the client as written (the schema masks every other exception, see
:mod:`shotline.graphql.schema`) with ``extensions.code`` telling a UI which
kind of mistake it made without parsing the message.
"""

from __future__ import annotations

from graphql import GraphQLError


class NotFound(GraphQLError):
    """A mutation names a row that does not exist (or is soft-deleted, or
    the principal may not see it)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found", extensions={"code": "NOT_FOUND"})


class Forbidden(GraphQLError):
    """The principal sees the row but may not make this change."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})


class BadInput(GraphQLError):
    """Input that cannot be applied: a malformed id, a status the project does not use…"""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


def key(ident: str, what: str) -> int:
    """The integer primary key behind a GraphQL ``ID``."""
    try:
        return int(ident)
    except ValueError:
        raise BadInput(f"{what} id must be an integer, got {ident!r}") from None
