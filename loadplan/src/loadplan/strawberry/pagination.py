"""Relay connections and offset pages over planned, per-parent-paginated lists.

Cursors are opaque offsets (as in strawberry-django): stable for a given filter
and ordering, which is what a per-parent window can serve in one statement;
a connection made with ``keyset=True`` has keyset cursors instead
(:mod:`loadplan.strawberry.keyset`).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError

from loadplan.keysets import read_keys
from loadplan.selection import Arguments, Order
from loadplan.strawberry.definitions import CURSOR_PREFIX
from loadplan.strawberry.keyset import Keyset, decode_keys, encode_keys
from loadplan.strawberry.names import generated

T = TypeVar("T")


def encode_cursor(offset: int, prefix: str = CURSOR_PREFIX) -> str:
    return base64.b64encode(f"{prefix}{offset}".encode()).decode()


def decode_cursor(cursor: str, prefix: str = CURSOR_PREFIX) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(prefix):
            raise ValueError(cursor)
        return int(text[len(prefix) :])
    except ValueError as exc:
        raise GraphQLError(f"invalid cursor: {cursor!r}") from exc


@generated
@strawberry.type(description="Where a page of a connection sits in the whole list.")
class PageInfo:
    """Relay's ``pageInfo``: whether pages come before or after this one, and its cursors."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@generated
@strawberry.type
class Edge(Generic[T]):
    """One node of a connection, with the cursor that points at it."""

    cursor: str
    node: T


@generated
@strawberry.type(description="A page of a list, Relay style.")
class Connection(Generic[T]):
    """A Relay connection: the type of a field made with ``connection()``."""

    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


@generated
@strawberry.type(description="Where a page of a list by limit and offset sits in the whole list.")
class OffsetPageInfo:
    """The page's own ``limit`` (none: the rest of the list) and ``offset``,
    and whether rows come after or before it."""

    limit: int | None
    offset: int
    has_next_page: bool
    has_previous_page: bool


@generated
@strawberry.type(description="A page of a list by limit and offset.")
class OffsetPage(Generic[T]):
    """A page by limit and offset with the list's total: the type of
    ``offset_page()`` fields. ``page_info`` is ``None`` only on a page a
    resolver builds without it."""

    results: list[T]
    total_count: int
    page_info: OffsetPageInfo | None = None


def offset_page_info(limit: int | None, offset: int, count: int, total: int) -> OffsetPageInfo:
    """The metadata of a page of ``count`` rows out of ``total``."""
    return OffsetPageInfo(
        limit=limit,
        offset=offset,
        has_next_page=offset + count < total,
        has_previous_page=offset > 0,
    )


def make_page(rows: list[Any], total: int, limit: int | None, offset: int) -> OffsetPage[Any]:
    return OffsetPage(
        results=rows,
        total_count=total,
        page_info=offset_page_info(limit, offset, len(rows), total),
    )


def make_page_dict(rows: list[Any], total: int, limit: int | None, offset: int) -> dict[str, Any]:
    """:func:`make_page` for row dicts, keyed by the Python names of the page types' fields."""
    return {
        "results": rows,
        "total_count": total,
        "page_info": {
            "limit": limit,
            "offset": offset,
            "has_next_page": offset + len(rows) < total,
            "has_previous_page": offset > 0,
        },
    }


@dataclass(frozen=True)
class Window:
    """The slice a connection's arguments ask for: ``offset``/``limit`` in the
    list's order, or, for ``last`` without ``before``, the last ``limit`` rows
    (loaded in reverse order and turned back)."""

    offset: int
    limit: int | None
    from_end: bool = False
    prefix: str = CURSOR_PREFIX
    keyset: Keyset | None = None
    """A keyset page (``offset`` is then 0 and ``limit`` one row more than
    the page, to tell whether another follows)."""
    probe: bool = False
    """The page is read with one row more than ``limit``, which says whether
    another page follows, where the list is not counted (a root connection
    whose ``totalCount`` nobody selected)."""


def probing(window: Window, arguments: Arguments) -> tuple[Window, Arguments]:
    """``window`` and its list's ``arguments`` answered without a count:
    ``hasNextPage`` from one row read beyond the page (none to read for a
    page without a limit: the rest of the list is the page). Counting from
    the end still needs the total, to place the cursors."""
    assert not window.from_end
    assert window.keyset is None
    if window.limit is None:
        return replace(window, probe=True), arguments
    return replace(window, probe=True), replace(arguments, limit=window.limit + 1)


def _probed(nodes: list[Any], window: Window, offset: int, total: int) -> tuple[list[Any], bool]:
    """An offset page's nodes (the first at ``offset``) and whether rows
    follow it: from the row read beyond a probing page, else from the
    list's total."""
    if not window.probe:
        return nodes, offset + len(nodes) < total
    more = window.limit is not None and len(nodes) > window.limit
    return (nodes[: window.limit] if more else nodes), more


def _check_sizes(first: int | None, last: int | None, max_size: int | None) -> None:
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise GraphQLError(f"{name} must not be negative")
        if value is not None and max_size is not None and value > max_size:
            raise GraphQLError(f"{name} must not exceed {max_size}")


def keyset_window(
    model: type[Any],
    orders: Sequence[Order],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_size: int | None,
    prefix: str = CURSOR_PREFIX,
) -> Window:
    """The keyset page the arguments ask for, ``orders`` being the whole
    ordering (:func:`~loadplan.keysets.keyset_orders`): ``first``
    rows after ``after`` (and before ``before``), or, with ``last`` (and no
    ``first``), the last rows before ``before``, read from the end. Both
    cursors are checked before anything runs."""
    _check_sizes(first, last, max_size)
    bounds = [
        decode_keys(cursor, model, orders, prefix) if cursor else None for cursor in (after, before)
    ]
    from_end = first is None and last is not None
    size = first if first is not None else last if last is not None else max_size
    keyset = Keyset(tuple(orders), bounds[0], bounds[1], size)
    limit = None if size is None else size + 1
    return Window(0, limit, from_end=from_end, prefix=prefix, keyset=keyset)


def connection_window(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    max_size: int | None,
    prefix: str = CURSOR_PREFIX,
) -> Window:
    _check_sizes(first, last, max_size)
    start = decode_cursor(after, prefix) + 1 if after else 0
    end = decode_cursor(before, prefix) if before else None
    if first is not None:
        limit = first if end is None else max(0, min(first, end - start))
        return Window(start, limit, prefix=prefix)
    if last is not None:
        if end is None:
            return Window(0, last, from_end=True, prefix=prefix)
        begin = max(start, end - last)
        return Window(begin, end - begin, prefix=prefix)
    default = None if end is None else max(0, end - start)
    if default is None and max_size is not None:
        default = max_size
    return Window(start, default, prefix=prefix)


def _keyset_page(rows: list[Any], window: Window) -> tuple[list[Any], bool, bool, list[str]]:
    """A keyset page's nodes (in the list's order), whether pages come
    after and before it, and its cursors. The row read beyond the page says
    whether more rows lie in the direction read; in the other direction,
    rows lie beyond a cursor the client gave (the row it names, at least,
    unless deleted since), as the Relay specification lets a server answer."""
    keyset = window.keyset
    assert keyset is not None
    more = keyset.size is not None and len(rows) > keyset.size
    nodes = rows[: keyset.size] if more else list(rows)
    if window.from_end:
        nodes.reverse()
        has_next, has_previous = keyset.before is not None, more
    else:
        has_next, has_previous = more, keyset.after is not None
    cursors = [
        encode_keys(read_keys(n, keyset.orders), keyset.orders, window.prefix) for n in nodes
    ]
    return nodes, has_next, has_previous, cursors


def make_connection(nodes: list[Any], total: int, window: Window) -> Connection[Any]:
    """The connection of ``nodes`` (in the list's order; a keyset page's
    rows as read, with the row beyond the page)."""
    if window.keyset is not None:
        nodes, has_next, has_previous, cursors = _keyset_page(nodes, window)
        keyed = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
        return Connection(
            edges=keyed,
            page_info=PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=total,
        )
    offset = max(0, total - len(nodes)) if window.from_end else window.offset
    nodes, has_next = _probed(nodes, window, offset, total)
    edges = [
        Edge(cursor=encode_cursor(offset + i, window.prefix), node=node)
        for i, node in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


def make_window_dict(rows: list[Any], total: int, window: Window) -> dict[str, Any]:
    """:func:`make_connection` for row dicts: the same values, as a dict keyed
    by the Python names of the connection types' fields."""
    if window.keyset is not None:
        nodes, has_next, has_previous, cursors = _keyset_page(rows, window)
        return {
            "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, nodes, strict=True)],
            "page_info": {
                "has_next_page": has_next,
                "has_previous_page": has_previous,
                "start_cursor": cursors[0] if cursors else None,
                "end_cursor": cursors[-1] if cursors else None,
            },
            "total_count": total,
        }
    nodes = list(reversed(rows)) if window.from_end else rows
    offset = max(0, total - len(nodes)) if window.from_end else window.offset
    nodes, has_next = _probed(nodes, window, offset, total)
    edges = [
        {"cursor": encode_cursor(offset + i, window.prefix), "node": node}
        for i, node in enumerate(nodes)
    ]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": has_next,
            "has_previous_page": offset > 0,
            "start_cursor": edges[0]["cursor"] if edges else None,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        "total_count": total,
    }
