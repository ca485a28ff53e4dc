"""Both modes give the same answer at the same cost: random selections, two
data sizes, every dialect.

The selections are those of :mod:`tests.loadplan.test_property` (columns,
hybrids and model properties, polymorphic fields under type conditions,
per-parent orderings and pages with or without their totals, aliased
variants kept beside their attribute), each run on the root list as a
whole or as a page with its total. For each one, on a small and a larger
data set, ``Plan.fetch`` runs once in the ORM mode and once in the row
mode, each in a fresh session, and:

(a) both read the same data through loadplan's readers
    (:func:`loadplan.related`, :func:`loadplan.total_count`,
    :func:`loadplan.value`), which take an object or a row alike;
(b) both issue the same number of statements, the one the plan predicts
    for that data (less the loads whose parent level is empty, as
    :func:`tests.loadplan.test_property.expected_statements` computes);
(c) both say the same about the page: its total and whether another follows.

The JSON mode is held to the row mode the same way, on every selection it
can answer (one with a polymorphic field, a hybrid, a model property or a
float is not eligible): a document mirroring the selection (response keys
as keys, in order) is built by the database in one statement (and the
page's count), with the bytes orjson writes for what the row mode loads.
"""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, Session

import loadplan
from loadplan import Paging, Selection
from loadplan.documents import Document, Nested, Value
from loadplan.mapping import primary_key, python_type
from loadplan.storage import MODEL_KEY
from loadplan.testing import count_queries
from tests.loadplan.test_property import (
    SUBTYPES,
    expected_statements,
    rooted_selections,
)


def _class_of(item: Any, cls: type[Any]) -> type[Any]:
    """The mapped class ``item`` (an object, or a row loaded as ``cls``) stands for."""
    if type(item) is dict:
        found: type[Any] = item.get(MODEL_KEY, cls)
        return found
    return type(item)


def _identity(item: Any, cls: type[Any]) -> tuple[Any, ...]:
    if type(item) is dict:
        return tuple(item[key] for key in primary_key(_class_of(item, cls)))
    return tuple(inspect(item).identity)


def read(item: Any, cls: type[Any], selection: Selection) -> dict[str, Any]:
    """Plain data for ``item`` (an object or a row of ``cls``) along
    ``selection``, through loadplan's readers only."""
    actual = _class_of(item, cls)
    relationships = inspect(actual).relationships
    out: dict[str, Any] = {}
    for node in selection.children:
        if node.type_condition and not issubclass(actual, SUBTYPES[node.type_condition]):
            continue
        prop = relationships.get(node.name)
        if prop is None:
            out[node.key] = loadplan.value(item, node.name)
            continue
        target = prop.mapper.class_
        value = loadplan.related(item, node.name, node.key)
        if not prop.uselist:
            out[node.key] = None if value is None else read(value, target, node)
            continue
        items = list(value)
        if not (node.arguments.order_by or prop.order_by):
            items.sort(key=lambda child: _identity(child, target))
        rows = [read(child, target, node) for child in items]
        if node.arguments:
            out[node.key] = {"rows": rows, "total": loadplan.total_count(item, node.key)}
        else:
            out[node.key] = rows
    return out


def fetched(
    engine: Engine, root: type[Any], selection: Selection, mode: str, page: Paging | None
) -> tuple[list[dict[str, Any]], int | None, bool, str, int, str]:
    """What one mode loads, read inside the counted block, with the page's
    total and whether more follows, the mode that ran, and the statements."""
    plan = loadplan.plan(root, selection, strict="raise")
    with Session(engine) as session, count_queries(engine) as log:
        loaded = plan.fetch(session, select(root), mode=mode, page=page, total=page is not None)  # type: ignore[arg-type]
        items = loaded.items
        if page is None:
            items = sorted(items, key=lambda item: _identity(item, root))
        rows = [read(item, root, selection) for item in items]
    return rows, loaded.total, loaded.more, loaded.mode, log.count, log.describe()


def expected(engine: Engine, root: type[Any], selection: Selection, page: Paging | None) -> int:
    """The statements the plan should issue on this data: its prediction
    less the loads of empty levels, plus a page's count. A page reads one
    row more than its limit (to tell whether another page follows), and
    loads below it as below the others."""
    plan = loadplan.plan(root, selection, strict="raise")
    with Session(engine) as session:
        stmt = select(root).order_by(*inspect(root).primary_key)
        if page is not None and page.limit is not None:
            stmt = stmt.limit(page.limit + 1)
        objects = list(session.scalars(stmt))
        count, _ = expected_statements(plan, objects)
    return count + (1 if page is not None else 0)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    case=rooted_selections(),
    limit=st.none() | st.integers(0, 5),
)
def test_both_modes_load_the_same_with_the_same_statements(
    datasets: dict[int, Engine], case: tuple[type[Any], Selection], limit: int | None
) -> None:
    root, selection = case
    page = Paging(limit=limit) if limit is not None else None
    plan = loadplan.plan(root, selection, strict="raise")
    note(f"root: {root.__name__}\nselection: {selection!r}\npage: {page}\n{plan.explain()}")
    assert plan.mode("auto") == "rows"
    for size, engine in datasets.items():
        orm = fetched(engine, root, selection, "orm", page)
        rows = fetched(engine, root, selection, "rows", page)
        assert (orm[3], rows[3]) == ("orm", "rows")
        assert rows[0] == orm[0], f"size {size}"
        assert rows[1:3] == orm[1:3], f"size {size}: total and more"
        wanted = expected(engine, root, selection, page)
        assert (orm[4], rows[4]) == (wanted, wanted), (
            f"size {size}: expected {wanted} statement(s)\norm:\n{orm[5]}\nrows:\n{rows[5]}"
        )


def document_for(cls: type[Any], selection: Selection) -> Document | None:
    """The document writing ``selection`` of ``cls`` as the row mode loads
    it (response keys in order), or ``None`` where a field is read in Python
    or only on some subtypes."""
    attributes = inspect(cls).attrs
    fields: list[Value | Nested] = []
    for node in selection.children:
        prop = attributes.get(node.name)
        if node.type_condition or prop is None:
            return None
        if isinstance(prop, RelationshipProperty):
            inner = document_for(prop.mapper.class_, node)
            if inner is None:
                return None
            many = bool(prop.uselist)
            fields.append(Nested(node.key, (node.name,), inner, many, alias=node.key))
            continue
        assert isinstance(prop, ColumnProperty)
        column = prop.columns[0]
        kind = python_type(column.type)
        if kind is None:
            return None
        fields.append(Value(node.key, (node.name,), kind, nullable=bool(column.nullable)))
    return Document(tuple(fields))


def written(item: Any, cls: type[Any], selection: Selection) -> dict[str, Any]:
    """What a document of ``selection`` holds for ``item`` (a row of
    ``cls``), read through loadplan's readers."""
    relationships = inspect(_class_of(item, cls)).relationships
    out: dict[str, Any] = {}
    for node in selection.children:
        prop = relationships.get(node.name)
        if prop is None:
            out[node.key] = loadplan.value(item, node.name)
            continue
        target = prop.mapper.class_
        value = loadplan.related(item, node.name, node.key)
        if not prop.uselist:
            out[node.key] = None if value is None else written(value, target, node)
        else:
            out[node.key] = [written(child, target, node) for child in value]
    return out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    case=rooted_selections(),
    limit=st.none() | st.integers(0, 5),
)
def test_the_json_mode_writes_what_the_row_mode_loads(
    datasets: dict[int, Engine], case: tuple[type[Any], Selection], limit: int | None
) -> None:
    root, selection = case
    page = Paging(limit=limit) if limit is not None else None
    document = document_for(root, selection)
    plan = loadplan.plan(root, selection, strict="raise").with_document(document)
    note(f"root: {root.__name__}\nselection: {selection!r}\npage: {page}\n{plan.explain()}")
    for size, engine in datasets.items():
        if not plan.supports_json(engine.dialect):
            event("not eligible")
            continue
        event("eligible")
        with Session(engine) as session, count_queries(engine) as log:
            built = plan.fetch(
                session, select(root), mode="json", page=page, total=page is not None
            )
        with Session(engine) as session:
            rows = plan.fetch(session, select(root), mode="rows", page=page, total=page is not None)
            by_key = sorted(rows.items, key=lambda item: _identity(item, root))
            wanted = [
                orjson.dumps(written(r, root, selection), option=orjson.OPT_UTC_Z) for r in by_key
            ]
        texts = [
            item["__document__"].encode()
            for item in sorted(built.items, key=lambda item: _identity(item, root))
        ]
        assert built.mode == "json"
        assert texts == wanted, f"size {size}"
        assert (built.total, built.more) == (rows.total, rows.more), f"size {size}"
        assert log.count == (1 if page is None else 2), log.describe()
