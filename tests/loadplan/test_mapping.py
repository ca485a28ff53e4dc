"""Facts about the mapping: Python types of columns (decorated ones too),
key pairs of relationships, and path checks that fail before any SQL."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

import loadplan
from loadplan import Arguments, Filter, Operator, Order
from loadplan.mapping import (
    check_arguments,
    coerce_value,
    discriminator_key,
    distinct_per_parent,
    key_pairs,
    mapper_of,
    primary_key,
    python_type,
)
from tests.loadplan.models import Entity, Membership, Person, Project, Sequence, Task


class UTCStamp(TypeDecorator[dt.datetime]):
    """A decorated timestamp, as applications write them (SQLAlchemy 2.0
    raises for its python_type, 2.1 answers ``object``)."""

    impl = DateTime(timezone=True)
    cache_ok = True


class Twice(TypeDecorator[dt.datetime]):
    impl = UTCStamp
    cache_ok = True


class Point(UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "POINT"


@pytest.mark.parametrize(
    ("column_type", "expected"),
    [
        (Integer(), int),
        (String(10), str),
        (Numeric(10, 2), decimal.Decimal),
        (UTCStamp(), dt.datetime),
        (Twice(), dt.datetime),
        (JSON(), None),
        (Point(), None),
    ],
    ids=["int", "str", "decimal", "decorated", "decorated twice", "json (any value)", "unknown"],
)
def test_python_type_unwraps_decorated_types(column_type: TypeEngine[Any], expected: Any) -> None:
    assert python_type(column_type) is expected


def test_key_pairs_of_each_relationship_shape() -> None:
    many_to_one = key_pairs(mapper_of(Task).relationships["entity"])
    assert (many_to_one.parent_keys, many_to_one.child_keys) == (("entity_id",), ("id",))
    one_to_many = key_pairs(mapper_of(Entity).relationships["tasks"])
    assert (one_to_many.parent_keys, one_to_many.child_keys) == (("id",), ("entity_id",))
    secondary = key_pairs(mapper_of(Task).relationships["assignees"])
    assert (secondary.parent_keys, secondary.child_keys) == (("id",), ("id",))
    assert [c.table.name for c in secondary.remote_columns] == ["task_assignee"]
    association = key_pairs(mapper_of(Person).relationships["memberships"])
    assert association.child_keys == ("person_id",)


def test_primary_keys_and_discriminators() -> None:
    assert primary_key(Membership) == ("project_id", "person_id")
    assert discriminator_key(mapper_of(Entity)) == "kind"
    assert discriminator_key(mapper_of(Project)) is None


@pytest.mark.parametrize(
    ("cls", "arguments", "message"),
    [
        (
            Task,
            Arguments(filters=(Filter("nope", Operator.EQ, 1),)),
            "Task.nope: is not an attribute of this model",
        ),
        (
            Task,
            Arguments(filters=(Filter("assignees.name", Operator.EQ, "x"),)),
            "Task.assignees: is not a to-one relationship",
        ),
        (
            Task,
            Arguments(filters=(Filter("status", Operator.EQ, 1),)),
            "Task.status: is not a column",
        ),
        (
            Task,
            Arguments(filters=(Filter("id", Operator.IN, ["1", "x"]),)),
            "Task.id: 'x' is not an integer",
        ),
        (
            Task,
            Arguments(order_by=(Order("entity.project.nope"),)),
            "Project.nope: is not an attribute of this model",
        ),
        (
            Project,
            Arguments(order_by=(Order("entities.name"),)),
            "Project.entities: is not a to-one relationship",
        ),
        (Sequence, Arguments(order_by=(Order("project"),)), "Sequence.project: is not a column"),
    ],
)
def test_argument_paths_and_values_are_checked(
    cls: type[Any], arguments: Arguments, message: str
) -> None:
    with pytest.raises(loadplan.PlanError) as error:
        check_arguments(cls, arguments)
    assert str(error.value) == message


def test_good_arguments_pass_and_integer_text_is_coerced() -> None:
    check_arguments(Task, Arguments(filters=(Filter("entity.project.code", Operator.EQ, "P1"),)))
    check_arguments(Task, Arguments(order_by=(Order("entity.project.code", descending=True),)))
    column = mapper_of(Task).attrs["id"]
    assert coerce_value(column, ["1", 2]) == [1, 2]
    assert coerce_value(mapper_of(Task).attrs["name"], "1") == "1"


class _Base(DeclarativeBase):
    pass


class Shelf(_Base):
    __tablename__ = "shelf"
    id: Mapped[int] = mapped_column(primary_key=True)
    books: Mapped[list[Book]] = relationship()


class Genre(_Base):
    __tablename__ = "genre"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    label: Mapped[str] = mapped_column(String(20))


class Book(_Base):
    __tablename__ = "book"
    __table_args__ = (UniqueConstraint("shelf_id", "genre_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shelf_id: Mapped[int] = mapped_column(ForeignKey("shelf.id"))
    genre_id: Mapped[int] = mapped_column(ForeignKey("genre.id"))
    slot: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(20))
    genre: Mapped[Genre] = relationship()


@pytest.mark.parametrize(
    ("path", "distinct"),
    [
        ("genre.name", True),  # one book per genre on a shelf, a name per genre
        ("genre.label", False),  # labels may repeat across genres
        ("id", True),  # the primary key
        ("slot", False),  # no unique key covers it
        ("title", False),  # NULLs repeat
        ("genre.id", True),
    ],
)
def test_keys_distinct_per_parent_follow_the_unique_constraints(path: str, distinct: bool) -> None:
    books = mapper_of(Shelf).relationships["books"]
    assert distinct_per_parent(books, path) is distinct


def test_keys_are_not_distinct_through_a_many_to_one_or_a_secondary_table() -> None:
    assert not distinct_per_parent(mapper_of(Book).relationships["genre"], "name")
    assert not distinct_per_parent(mapper_of(Task).relationships["assignees"], "id")
