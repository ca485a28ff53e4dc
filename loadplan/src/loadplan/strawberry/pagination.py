"""Relay connections and offset pages over planned, per-parent-paginated lists.

Cursors are opaque offsets (as in strawberry-django): stable for a given filter
and ordering, which is what a per-parent window can serve in one statement.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError

T = TypeVar("T")

_PREFIX = "loadplan:"


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        return int(text[len(_PREFIX) :])
    except ValueError as exc:
        raise GraphQLError(f"invalid cursor: {cursor!r}") from exc


@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    """Relay's ``pageInfo``: whether pages come before or after this one, and its cursors."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    """One node of a connection, with the cursor that points at it."""

    cursor: str
    node: T


@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    """A Relay connection: the type of a field made with ``connection()``."""

    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A page of a list by limit and offset.")
class OffsetPage(Generic[T]):
    """A page by limit and offset with the list's total: the type of ``offset_page()`` fields."""

    results: list[T]
    total_count: int


@dataclass(frozen=True)
class Window:
    """The slice a connection's arguments ask for: ``offset``/``limit`` in the
    list's order, or, for ``last`` without ``before``, the last ``limit`` rows
    (loaded in reverse order and turned back)."""

    offset: int
    limit: int | None
    from_end: bool = False


def connection_window(
    first: int | None, after: str | None, last: int | None, before: str | None, max_size: int | None
) -> Window:
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise GraphQLError(f"{name} must not be negative")
        if value is not None and max_size is not None and value > max_size:
            raise GraphQLError(f"{name} must not exceed {max_size}")
    start = decode_cursor(after) + 1 if after else 0
    end = decode_cursor(before) if before else None
    if first is not None:
        limit = first if end is None else max(0, min(first, end - start))
        return Window(start, limit)
    if last is not None:
        if end is None:
            return Window(0, last, from_end=True)
        begin = max(start, end - last)
        return Window(begin, end - begin)
    default = None if end is None else max(0, end - start)
    if default is None and max_size is not None:
        default = max_size
    return Window(start, default)


def make_connection(nodes: list[Any], total: int, window: Window) -> Connection[Any]:
    offset = max(0, total - len(nodes)) if window.from_end else window.offset
    edges = [Edge(cursor=encode_cursor(offset + i), node=node) for i, node in enumerate(nodes)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=offset + len(nodes) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def make_window_dict(
    rows: list[Any], total: int, window: Window, encode: Callable[[int], str]
) -> dict[str, Any]:
    """:func:`make_connection` for row dicts: the same values, as a dict keyed
    by the Python names of the connection types' fields."""
    nodes = list(reversed(rows)) if window.from_end else rows
    offset = max(0, total - len(nodes)) if window.from_end else window.offset
    edges = [{"cursor": encode(offset + i), "node": node} for i, node in enumerate(nodes)]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": offset + len(nodes) < total,
            "has_previous_page": offset > 0,
            "start_cursor": edges[0]["cursor"] if edges else None,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        "total_count": total,
    }
