"""Keyset connections (``lp.connection(keyset=True)``): cursors holding the
ordering keys of their row, at the root and per parent, in both modes, on
every dialect, with exact payloads and statement counts at two data sizes.

The models are the module's own (loadplan.strawberry keeps one registry
from mapped classes to types): books on shelves, with a rating full of ties
and NULLs and an optional writer, so that an ordering by the rating or the
writer's name ties and meets NULLs on every page.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import strawberry
from sqlalchemy import Engine, ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    column_property,
    mapped_column,
    relationship,
)
from strawberry import auto

import loadplan.strawberry as lp
from loadplan import NullsPlacement, Order
from loadplan.keysets import keyset_orders
from loadplan.testing import QueryLog, count_queries
from tests.async_databases import async_engine_of
from tests.databases import IsolatedDatabase


class Base(DeclarativeBase):
    pass


class Writer(Base):
    __tablename__ = "ks_writer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))


class Shelf(Base):
    __tablename__ = "ks_shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    books: Mapped[list[Book]] = relationship(back_populates="shelf", order_by="Book.id")
    label: Mapped[Label | None] = relationship()


class Label(Base):
    """A shelf's label, if it has one: a one-to-one read from the shelf,
    which holds no key of it."""

    __tablename__ = "ks_label"
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ks_shelf.id"), unique=True)
    text: Mapped[str] = mapped_column(String(40))


class Book(Base):
    __tablename__ = "ks_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(40))
    rating: Mapped[int | None] = mapped_column()
    shelf_id: Mapped[int] = mapped_column(ForeignKey("ks_shelf.id"))
    writer_id: Mapped[int | None] = mapped_column(ForeignKey("ks_writer.id"))
    shelf: Mapped[Shelf] = relationship(back_populates="books")
    writer: Mapped[Writer | None] = relationship()
    doubled: Mapped[int | None] = column_property(rating * 2)
    """A computed column: ties and NULLs as the rating's."""


@lp.type(Writer)
class WriterType:
    id: auto
    name: auto


@lp.type(Book)
class BookType:
    id: auto
    title: auto
    rating: auto
    doubled: auto
    writer: auto
    writer_name: str | None = lp.field(field_name="writer.name")


@lp.type(Shelf)
class ShelfType:
    id: auto
    name: auto
    book_connection: lp.Connection[BookType] = lp.connection(field_name="books", keyset=True)

    @lp.connection(field_name="books", keyset=True)
    def rated(self, min_rating: int) -> lp.Connection[BookType]:
        return select(Book).where(Book.rating >= min_rating)  # type: ignore[return-value]


@strawberry.type
class Query:
    books: lp.Connection[BookType] = lp.connection(keyset=True)
    shelves: list[ShelfType] = lp.field()

    @lp.connection(keyset=True)
    def rated_books(self, min_rating: int) -> lp.Connection[BookType]:
        return select(Book).where(Book.rating >= min_rating)  # type: ignore[return-value]

    @lp.connection(keyset=True)
    def books_by_title(self) -> lp.Connection[BookType]:
        return select(Book).order_by(Book.title)  # type: ignore[return-value]


def _schema(**options: Any) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[lp.OptimizerExtension.with_options(**options)],
        execution_context_class=lp.RowExecutionContext if options.get("rows") else None,
    )


SCHEMAS = {
    "orm": _schema(),
    "rows": _schema(rows=True),
    "off": _schema(enabled=False),
    "orm, at most 3": _schema(max_page_size=3),
    "rows, at most 3": _schema(rows=True, max_page_size=3),
    "off, at most 3": _schema(enabled=False, max_page_size=3),
}

SHELVES = 3


def _rating(book: int) -> int | None:
    """Ties (0 to 2) and NULLs (every fourth book)."""
    return None if book % 4 == 0 else book % 3


def populate(engine: Engine, size: int) -> None:
    """``SHELVES`` shelves of ``size`` books each; three writers, and books without one."""
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        writers = [Writer(id=i, name=n) for i, n in ((1, "Cy"), (2, "Ana"), (3, "Bo"))]
        session.add_all(writers)
        book = 0
        for s in range(1, SHELVES + 1):
            shelf = Shelf(id=s, name=f"shelf {s}")
            session.add(shelf)
            for _ in range(size):
                book += 1
                session.add(
                    Book(
                        id=book,
                        title=f"book {book}",
                        rating=_rating(book),
                        shelf=shelf,
                        writer=None if book % 5 == 0 else writers[book % 3],
                    )
                )
        session.commit()


SIZES = (4, 12)


@pytest.fixture(scope="module")
def databases(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[dict[int, IsolatedDatabase]]:
    made = {size: make_database(dialect) for size in SIZES}
    try:
        for size, database in made.items():
            populate(database.engine(), size)
        yield made
    finally:
        for database in made.values():
            database.close_sync()


@pytest.fixture(scope="module")
def engines(databases: dict[int, IsolatedDatabase]) -> dict[int, Engine]:
    return {size: database.engines[0] for size, database in databases.items()}


def run(
    engine: Engine, query: str, variables: dict[str, Any] | None = None, mode: str = "orm"
) -> tuple[dict[str, Any], QueryLog]:
    with Session(engine) as session, count_queries(engine) as log:
        result = SCHEMAS[mode].execute_sync(
            query, variable_values=variables, context_value={"session": session}
        )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data, log


WRITERS = {0: "Cy", 1: "Ana", 2: "Bo"}


def _writer_name(book: int) -> str | None:
    return None if book % 5 == 0 else WRITERS[book % 3]


KEYS: dict[str, Callable[[int], Any]] = {
    "rating": _rating,
    "writerName": _writer_name,
    "title": lambda book: f"book {book}",
    "doubled": lambda book: None if _rating(book) is None else 2 * _rating(book),
}


def expected(books: list[int], order: list[tuple[str, str]]) -> list[int]:
    """``books`` in the order a keyset connection gives them: each key's
    direction, NULLs last ascending and first descending unless placed,
    then the id."""
    ordered = sorted(books)
    for field, direction in reversed(order):
        descending = direction.startswith("DESC")
        nulls_first = direction.endswith("NULLS_FIRST") or (
            descending and not direction.endswith("NULLS_LAST")
        )
        read = KEYS[field]
        present = [b for b in ordered if read(b) is not None]
        present.sort(key=read, reverse=descending)
        missing = [b for b in ordered if read(b) is None]
        ordered = missing + present if nulls_first else present + missing
    return ordered


def _order_argument(order: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"{{{field}: {direction}}}" for field, direction in order) + "]"


ORDERS: list[list[tuple[str, str]]] = [
    [],
    [("rating", "ASC")],
    [("rating", "DESC")],
    [("rating", "DESC_NULLS_LAST")],
    [("doubled", "ASC_NULLS_FIRST"), ("title", "DESC")],
    [("writerName", "ASC"), ("rating", "DESC")],
    [("writerName", "DESC_NULLS_LAST")],
]

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  books(first: $first, after: $after, last: $last, before: $before, order: ORDER) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}
"""


def _walk_checking_each_page(
    engine: Engine,
    query: str,
    size: int,
    mode: str,
    forward: bool,
    connection_of: Callable[[dict[str, Any]], dict[str, Any]],
    check: Callable[[dict[str, Any], str | None], None],
) -> tuple[list[int], int, int]:
    """Every row of the connection ``connection_of`` finds in the data,
    page after page (``first``/``after``, or from the end with
    ``last``/``before``), ``check`` asserting on each page and the cursor
    it was read from; the ids in order, the pages read and the statements
    they ran."""
    seen: list[int] = []
    cursor: str | None = None
    pages = statements = 0
    while True:
        variables = (
            {"first": size, "after": cursor} if forward else {"last": size, "before": cursor}
        )
        data, log = run(engine, query, variables, mode)
        pages += 1
        statements += log.count
        connection = connection_of(data)
        check(connection, cursor)
        ids = [int(edge["node"]["id"]) for edge in connection["edges"]]
        info = connection["pageInfo"]
        seen = seen + ids if forward else ids + seen
        if not (info["hasNextPage"] if forward else info["hasPreviousPage"]):
            return seen, pages, statements
        cursor = info["endCursor"] if forward else info["startCursor"]


def _walk(
    engine: Engine, order: list[tuple[str, str]], size: int, mode: str, forward: bool
) -> tuple[list[int], int, int]:
    """Every book, page after page: each page's cursors are its edges', it
    has a page behind it but the first, and it is full but the last."""

    def check(connection: dict[str, Any], cursor: str | None) -> None:
        info = connection["pageInfo"]
        cursors = [edge["cursor"] for edge in connection["edges"]]
        assert info["startCursor"] == (cursors[0] if cursors else None)
        assert info["endCursor"] == (cursors[-1] if cursors else None)
        more = info["hasNextPage"] if forward else info["hasPreviousPage"]
        back = info["hasPreviousPage"] if forward else info["hasNextPage"]
        assert back is (cursor is not None)
        if more:
            assert len(cursors) == size

    query = PAGE.replace("ORDER", _order_argument(order))
    return _walk_checking_each_page(
        engine, query, size, mode, forward, lambda data: data["books"], check
    )


@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
@pytest.mark.parametrize("order", ORDERS, ids=lambda o: _order_argument(o) or "key")
def test_paging_through_the_root_list_reads_every_row_once_in_order(
    engines: dict[int, Engine], order: list[tuple[str, str]], mode: str
) -> None:
    size = SIZES[1]
    books = list(range(1, SHELVES * size + 1))
    want = expected(books, order)
    for page_size in (2, 7, 36, 40):
        for forward in (True, False):
            seen, pages, statements = _walk(engines[size], order, page_size, mode, forward)
            assert seen == want, (page_size, forward)
            assert pages == max(1, -(-len(books) // page_size))
            if mode != "off":
                assert statements == pages


NESTED = """
query Page($first: Int, $after: String, $last: Int, $before: String) {
  shelves(filter: {id: {eq: "2"}}) {
    bookConnection(first: $first, after: $after, last: $last, before: $before, order: ORDER) {
      TOTAL
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id } }
    }
  }
}
"""


def _walk_nested(
    engine: Engine, query: str, size: int, mode: str, forward: bool, total: int | None
) -> tuple[list[int], int, int]:
    """Every book of shelf 2, page after page, each page counting ``total``."""

    def check(connection: dict[str, Any], cursor: str | None) -> None:
        assert connection.get("totalCount") == total

    return _walk_checking_each_page(
        engine,
        query,
        size,
        mode,
        forward,
        lambda data: data["shelves"][0]["bookConnection"],
        check,
    )


@pytest.mark.parametrize("counted", [True, False], ids=["totalCount", "no-total"])
@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
@pytest.mark.parametrize("order", ORDERS[1:], ids=_order_argument)
def test_paging_through_a_list_per_parent_reads_every_row_once_in_order(
    engines: dict[int, Engine], order: list[tuple[str, str]], mode: str, counted: bool
) -> None:
    size = SIZES[1]
    books = list(range(size + 1, 2 * size + 1))
    want = expected(books, order)
    query = NESTED.replace("ORDER", _order_argument(order))
    query = query.replace("TOTAL", "totalCount" if counted else "")
    for page_size in (1, 5, 12):
        for forward in (True, False):
            seen, pages, statements = _walk_nested(
                engines[size], query, page_size, mode, forward, size if counted else None
            )
            assert seen == want, (page_size, forward)
            if mode != "off":
                assert statements == 2 * pages


def cursor_of(order: str, keys: list[Any]) -> str:
    """A keyset cursor as the connection writes it."""
    payload = json.dumps({"order": order, "keys": keys}, separators=(",", ":"))
    return base64.b64encode(f"loadplan:{payload}".encode()).decode()


def test_a_cursor_is_base64_of_the_ordering_and_the_row_keys(engines: dict[int, Engine]) -> None:
    data, _ = run(
        engines[SIZES[0]],
        "{ books(first: 1, order: [{rating: DESC}]) { edges { cursor node { id } } } }",
    )
    assert data == {
        "books": {
            "edges": [
                {"cursor": cursor_of("rating desc nulls first, id", [None, 4]), "node": {"id": "4"}}
            ]
        }
    }


PER_PARENT = """
query Page($after: String) {
  shelves {
    id
    bookConnection(first: 1, after: $after, order: [{rating: DESC}]) {
      TOTAL
      pageInfo { hasNextPage hasPreviousPage }
      edges { node { id rating } }
    }
  }
}
"""


@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
@pytest.mark.parametrize("counted", [True, False], ids=["totalCount", "no-total"])
def test_first_after_per_parent(engines: dict[int, Engine], mode: str, counted: bool) -> None:
    """Each shelf's books after the same keys: (rating 1, id 7) in rating
    descending, NULLs first."""
    query = PER_PARENT.replace("TOTAL", "totalCount" if counted else "")
    after = {"after": cursor_of("rating desc nulls first, id", [1, 7])}
    total = {"totalCount": 4} if counted else {}

    def shelf(id: int, book: int, rating: int, more: bool) -> dict[str, Any]:
        return {
            "id": str(id),
            "bookConnection": {
                **total,
                "pageInfo": {"hasNextPage": more, "hasPreviousPage": True},
                "edges": [{"node": {"id": str(book), "rating": rating}}],
            },
        }

    data, log = run(engines[SIZES[0]], query, after, mode)
    assert data == {
        "shelves": [shelf(1, 3, 0, False), shelf(2, 6, 0, False), shelf(3, 10, 1, True)]
    }
    if mode != "off":
        assert log.count == 2
        _, log = run(engines[SIZES[1]], query, after, mode)
        assert log.count == 2


RESOLVED = """
query Page($after: String) {
  ratedBooks(minRating: 2, first: 2, after: $after, order: [{title: DESC}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id } }
  }
  shelves {
    rated(minRating: 2, first: 1, after: $after, order: [{title: DESC}]) { edges { node { id } } }
  }
}
"""


@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
def test_over_a_resolvers_statement(engines: dict[int, Engine], mode: str) -> None:
    """Books rated 2 at the small size: 2, 5 and 11 (titles "book 5" >
    "book 2" > "book 11" descending)."""
    after = cursor_of("title desc, id", ["book 5", 5])
    data, log = run(engines[SIZES[0]], RESOLVED, {"after": after}, mode)
    assert data == {
        "ratedBooks": {
            "totalCount": 3,
            "pageInfo": {
                "hasNextPage": False,
                "endCursor": cursor_of("title desc, id", ["book 11", 11]),
            },
            "edges": [{"node": {"id": "2"}}, {"node": {"id": "11"}}],
        },
        "shelves": [
            {"rated": {"edges": [{"node": {"id": "2"}}]}},
            {"rated": {"edges": []}},
            {"rated": {"edges": [{"node": {"id": "11"}}]}},
        ],
    }
    if mode != "off":
        assert log.count == 4
        _, log = run(engines[SIZES[1]], RESOLVED, {"after": after}, mode)
        assert log.count == 4


def errors(query: str, engine: Engine, variables: dict[str, Any] | None = None) -> Any:
    """The errors of ``query``, which must run no statement."""
    with Session(engine) as session, count_queries(engine) as log:
        result = SCHEMAS["orm"].execute_sync(
            query, variable_values=variables, context_value={"session": session}
        )
    assert log.count == 0
    assert result.errors is not None
    return [error.formatted for error in result.errors]


def test_a_statement_with_an_order_of_its_own_is_refused(engines: dict[int, Engine]) -> None:
    assert errors("{ booksByTitle(first: 1) { edges { node { id } } } }", engines[SIZES[0]]) == [
        {
            "message": "books_by_title: the statement of a keyset connection must not have "
            "an order_by (its cursors hold the values of the client's order, then of the key)",
            "locations": [{"line": 1, "column": 3}],
            "path": ["booksByTitle"],
        }
    ]


def _error(message: str, path: list[Any], column: int) -> dict[str, Any]:
    return {"message": message, "locations": [{"line": 1, "column": column}], "path": path}


MALFORMED = [
    "abc",
    base64.b64encode(b"loadplan:12").decode(),
    base64.b64encode(b"arrayconnection:{}").decode(),
    cursor_of("rating nulls last, id", [1]),
    cursor_of("rating nulls last, id", ["1", 2]),
    cursor_of("rating nulls last, id", [1, True]),
    cursor_of("rating nulls last, id", [1, None]),
    base64.b64encode(b'loadplan:{"order":"rating nulls last, id","keys":[1,2],"x":1}').decode(),
]


@pytest.mark.parametrize("cursor", MALFORMED)
def test_a_malformed_cursor_is_an_error_before_any_statement(
    engines: dict[int, Engine], cursor: str
) -> None:
    """Not base64, an offset cursor, another prefix, too few keys, a key of
    the wrong type (text for an integer, a boolean for the key, NULL for a
    key that is never NULL), a field too many."""
    message = f"invalid cursor: {cursor!r}"
    query = (
        "query ($c: String) { books(first: 1, after: $c, order: [{rating: ASC}]) { totalCount } }"
    )
    assert errors(query, engines[SIZES[0]], {"c": cursor}) == [_error(message, ["books"], 22)]
    nested = (
        "query ($c: String) { shelves { bookConnection(before: $c, last: 1, "
        "order: [{rating: ASC}]) { totalCount } } }"
    )
    assert errors(nested, engines[SIZES[0]], {"c": cursor}) == [_error(message, ["shelves"], 22)]


def test_a_cursor_made_for_another_order_is_refused(engines: dict[int, Engine]) -> None:
    cursor = cursor_of("rating desc nulls first, id", [1, 7])
    query = (
        "query ($c: String) { books(first: 1, after: $c, order: [{rating: ASC}]) { totalCount } }"
    )
    assert errors(query, engines[SIZES[0]], {"c": cursor}) == [
        _error(
            f"the cursor {cursor!r} was made for another order ('rating desc nulls first, id'); "
            "this connection is ordered by 'rating nulls last, id'",
            ["books"],
            22,
        )
    ]


PAYLOADS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "root, desc nulls last",
        "{ books(first: 5, order: [{rating: DESC_NULLS_LAST}]) "
        "{ pageInfo { hasNextPage hasPreviousPage } edges { node { id rating } } } }",
        {
            "books": {
                "pageInfo": {"hasNextPage": True, "hasPreviousPage": False},
                "edges": [
                    {"node": {"id": "2", "rating": 2}},
                    {"node": {"id": "5", "rating": 2}},
                    {"node": {"id": "11", "rating": 2}},
                    {"node": {"id": "1", "rating": 1}},
                    {"node": {"id": "7", "rating": 1}},
                ],
            }
        },
    ),
    (
        "root, last rows of a joined column order",
        "{ books(last: 4, order: [{writerName: ASC}]) "
        "{ pageInfo { hasNextPage hasPreviousPage } edges { node { id writer { name } } } } }",
        {
            "books": {
                "pageInfo": {"hasNextPage": False, "hasPreviousPage": True},
                "edges": [
                    {"node": {"id": "9", "writer": {"name": "Cy"}}},
                    {"node": {"id": "12", "writer": {"name": "Cy"}}},
                    {"node": {"id": "5", "writer": None}},
                    {"node": {"id": "10", "writer": None}},
                ],
            }
        },
    ),
]


@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
@pytest.mark.parametrize(
    ("query", "payload"), [p[1:] for p in PAYLOADS], ids=[p[0] for p in PAYLOADS]
)
def test_root_payloads(
    engines: dict[int, Engine], mode: str, query: str, payload: dict[str, Any]
) -> None:
    data, log = run(engines[SIZES[0]], query, mode=mode)
    assert data == payload
    if mode != "off":
        assert log.count == 1
        _, log = run(engines[SIZES[1]], query, mode=mode)
        assert log.count == 1


@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
def test_without_first_or_last_a_page_is_the_largest_size(
    engines: dict[int, Engine], mode: str
) -> None:
    """With ``max_page_size``, a connection asked for no size reads that many
    rows, and one more to tell whether a page follows."""
    query = (
        "{ books { pageInfo { hasNextPage } edges { node { id } } } "
        "shelves { bookConnection(order: [{id: DESC}]) { pageInfo { hasNextPage } "
        "edges { node { id } } } } }"
    )

    def page(*ids: int) -> dict[str, Any]:
        return {
            "pageInfo": {"hasNextPage": True},
            "edges": [{"node": {"id": str(i)}} for i in ids],
        }

    data, log = run(engines[SIZES[0]], query, mode=f"{mode}, at most 3")
    assert data == {
        "books": page(1, 2, 3),
        "shelves": [
            {"bookConnection": page(4, 3, 2)},
            {"bookConnection": page(8, 7, 6)},
            {"bookConnection": page(12, 11, 10)},
        ],
    }
    if mode != "off":
        assert log.count == 3


BETWEEN = """
query Between($after: String, $before: String, $first: Int, $last: Int) {
  books(first: $first, last: $last, after: $after, before: $before, order: [{rating: ASC}]) {
    TOTAL
    pageInfo { hasNextPage hasPreviousPage }
    edges { node { id } }
  }
  shelves {
    bookConnection(
      first: $first, last: $last, after: $after, before: $before, order: [{rating: ASC}]
    ) {
      TOTAL
      pageInfo { hasNextPage hasPreviousPage }
      edges { node { id } }
    }
  }
}
"""


def _page(ids: list[int], more: bool, less: bool, total: int | None) -> dict[str, Any]:
    return {
        **({} if total is None else {"totalCount": total}),
        "pageInfo": {"hasNextPage": more, "hasPreviousPage": less},
        "edges": [{"node": {"id": str(i)}} for i in ids],
    }


@pytest.mark.parametrize("counted", [True, False], ids=["totalCount", "no-total"])
@pytest.mark.parametrize("mode", ["orm", "rows", "off"])
@pytest.mark.parametrize(
    ("size", "root", "shelves"),
    [
        (
            {"first": 10},
            ([1, 7, 10, 2, 5, 11, 4], False, True),
            [([1, 2, 4], False, True), ([7, 5], False, True), ([10, 11], False, True)],
        ),
        (
            {"first": 2},
            ([1, 7], True, True),
            [([1, 2], True, True), ([7, 5], False, True), ([10, 11], False, True)],
        ),
        (
            {"last": 2},
            ([11, 4], True, True),
            [([2, 4], True, True), ([7, 5], True, False), ([10, 11], True, False)],
        ),
        (
            {"last": 10},
            ([1, 7, 10, 2, 5, 11, 4], True, False),
            [([1, 2, 4], True, False), ([7, 5], True, False), ([10, 11], True, False)],
        ),
    ],
    ids=["first 10", "first 2", "last 2", "last 10"],
)
def test_between_two_cursors(
    engines: dict[int, Engine],
    counted: bool,
    mode: str,
    size: dict[str, int],
    root: tuple[list[int], bool, bool],
    shelves: list[tuple[list[int], bool, bool]],
) -> None:
    """The rows after book 9 (rating 0) and before book 8 (rating NULL) in
    rating ascending, NULLs last: 1, 7, 10, 2, 5, 11, 4 of all books; on
    each shelf, its own rows between the same keys."""
    query = BETWEEN.replace("TOTAL", "totalCount" if counted else "")
    order = "rating nulls last, id"
    variables = {"after": cursor_of(order, [0, 9]), "before": cursor_of(order, [None, 8]), **size}
    data, log = run(engines[SIZES[0]], query, variables, mode)
    assert data == {
        "books": _page(*root, 12 if counted else None),
        "shelves": [{"bookConnection": _page(*s, 4 if counted else None)} for s in shelves],
    }
    if mode != "off":
        statements = 3 + counted
        assert log.count == statements
        _, log = run(engines[SIZES[1]], query, variables, mode)
        assert log.count == statements


async def test_an_async_session_runs_the_same_statements(
    engines: dict[int, Engine], databases: dict[int, IsolatedDatabase]
) -> None:
    database = databases[SIZES[0]]
    async_engine = async_engine_of(database)
    variables = {"after": cursor_of("rating desc nulls first, id", [1, 7])}
    query = PER_PARENT.replace("TOTAL", "totalCount")
    try:
        async with AsyncSession(async_engine) as session:
            with count_queries(async_engine) as log:
                result = await SCHEMAS["orm"].execute(
                    query, variable_values=variables, context_value={"session": session}
                )
        assert result.errors is None
        log.assert_count(2)
        expected, _ = run(engines[SIZES[0]], query, variables)
        assert result.data == expected
    finally:
        await async_engine.dispose()
        database.engines.remove(async_engine)


def test_keys_that_may_be_null_get_an_explicit_place() -> None:
    """After every value ascending, before every value descending, unless
    the client placed them; the key ends the ordering."""
    last, first = NullsPlacement.LAST, NullsPlacement.FIRST
    orders = [Order("rating"), Order("title", descending=True), Order("writer.name", True)]
    assert keyset_orders(Book, orders) == (
        Order("rating", nulls=last),
        Order("title", descending=True),
        Order("writer.name", descending=True, nulls=first),
        Order("id"),
    )
    assert keyset_orders(Book, [Order("rating", nulls=first), Order("id", True)]) == (
        Order("rating", nulls=first),
        Order("id", descending=True),
    )
    assert keyset_orders(Book, [Order("shelf.name")]) == (Order("shelf.name"), Order("id"))
    assert keyset_orders(Shelf, [Order("label.text")]) == (
        Order("label.text", nulls=last),
        Order("id"),
    )
