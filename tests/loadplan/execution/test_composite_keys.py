"""Lists and pages below parents whose key spans two columns, in both modes:
their children are batched by key tuples, and read back per parent."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, ForeignKeyConstraint, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

import loadplan
from loadplan import Arguments, Order, Selection
from loadplan.testing import count_queries

MODES = ["rows", "orm"]


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "ck_shelf"
    room: Mapped[str] = mapped_column(String(10), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    books: Mapped[list[Book]] = relationship(back_populates="shelf", order_by="Book.id")


class Book(Base):
    __tablename__ = "ck_book"
    __table_args__ = (
        ForeignKeyConstraint(["room", "number"], ["ck_shelf.room", "ck_shelf.number"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(10))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(40))
    shelf: Mapped[Shelf] = relationship(back_populates="books")


SHELVES = [("attic", 1), ("attic", 2), ("study", 1), ("study", 3)]
BOOKS = {
    ("attic", 1): ["Dune", "Emma", "Ulysses"],
    ("attic", 2): ["Beloved"],
    ("study", 1): ["Solaris", "Kindred"],
    ("study", 3): [],
}


@pytest.fixture
def shelves(engine: Engine) -> Engine:
    Base.metadata.create_all(engine)
    with Session(engine) as session, session.begin():
        session.add_all(Shelf(room=room, number=number) for room, number in SHELVES)
        book_id = 0
        for (room, number), titles in BOOKS.items():
            for title in titles:
                book_id += 1
                session.add(Book(id=book_id, room=room, number=number, title=title))
    return engine


def _titles(engine: Engine, mode: str, selection: Selection, stmt: Any) -> list[Any]:
    """Each shelf's (room, number, book titles), with the statements it took."""
    plan = loadplan.plan(Shelf, selection)
    with Session(engine) as session, count_queries(engine) as log:
        if mode == "rows":
            shelves = [
                (s["room"], s["number"], [b["title"] for b in s["books"]])
                for s in plan.fetch(session, stmt, mode="rows").items
            ]
        else:
            shelves = [
                (s.room, s.number, [b.title for b in loadplan.related(s, "books")])
                for s in session.scalars(plan.apply(stmt))
            ]
    log.assert_count(2)
    return shelves


ALL_SHELVES = select(Shelf).order_by(Shelf.room, Shelf.number)


@pytest.mark.parametrize("mode", MODES)
def test_every_shelf_gets_its_own_books(shelves: Engine, mode: str) -> None:
    selection = Selection.of("room", "number", "books.title")

    assert _titles(shelves, mode, selection, ALL_SHELVES) == [
        (room, number, BOOKS[room, number]) for room, number in SHELVES
    ]


@pytest.mark.parametrize("mode", MODES)
def test_a_page_of_books_per_shelf(shelves: Engine, mode: str) -> None:
    by_title = Arguments(order_by=(Order("title"),), limit=2)
    selection = Selection.of(
        "room", "number", Selection("books", children=(Selection("title"),), arguments=by_title)
    )

    assert _titles(shelves, mode, selection, ALL_SHELVES) == [
        (room, number, sorted(BOOKS[room, number])[:2]) for room, number in SHELVES
    ]
    one = ALL_SHELVES.where(Shelf.room == "attic", Shelf.number == 1)
    assert _titles(shelves, mode, selection, one) == [("attic", 1, ["Dune", "Emma"])]


@pytest.mark.parametrize("mode", MODES)
def test_books_read_their_shelf(shelves: Engine, mode: str) -> None:
    plan = loadplan.plan(Book, Selection.of("title", "shelf.room", "shelf.number"))
    stmt = select(Book).order_by(Book.id)
    with Session(shelves) as session:
        if mode == "rows":
            found = [
                (b["title"], b["shelf"]["room"], b["shelf"]["number"])
                for b in plan.fetch(session, stmt, mode="rows").items
            ]
        else:
            found = [
                (b.title, b.shelf.room, b.shelf.number) for b in session.scalars(plan.apply(stmt))
            ]

    assert found == [
        (title, room, number) for (room, number), titles in BOOKS.items() for title in titles
    ]
