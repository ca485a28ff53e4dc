"""Per-parent pages: the statement each case gets, and what it loads, in both
modes. A single parent's page is read with ``ORDER BY ... LIMIT`` (counted
only when asked); several parents, or a counted page past the start, are
ranked with ``ROW_NUMBER()``. A keyset page (``Arguments.seek``) puts its
bounds in the ``WHERE`` when uncounted; counted, its rows are ranked from
the cursor so that the total ignores it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Arguments, Order, Selection
from loadplan.storage import MODEL_KEY
from loadplan.testing import count_queries
from tests.loadplan.models import Asset, Entity, Person, Project, Task

BY_NAME = (Order("name", descending=True), Order("id"))
ENTITIES_OF_A_PROJECT = 6


def _entities(**arguments: Any) -> Selection:
    return Selection.of(
        "name",
        Selection(
            "entities",
            children=(
                Selection("name"),
                Selection("asset_type", type_condition="Asset"),
                Selection("tasks", children=(Selection("name"),)),
            ),
            arguments=Arguments(order_by=BY_NAME, **arguments),
        ),
    )


def _expected(engine: Engine, project_ids: list[int], start: int, stop: int) -> list[Any]:
    """Each project's entities by name descending then id, sliced, as the
    selection of :func:`_entities` reads them."""
    with Session(engine) as session:
        out = []
        for project_id in project_ids:
            entities = session.scalars(
                select(Entity)
                .where(Entity.project_id == project_id)
                .order_by(Entity.name.desc(), Entity.id)
            ).all()
            rows = []
            for entity in entities[start:stop]:
                row: dict[str, Any] = {"name": entity.name}
                if entity.kind == "asset":
                    row["asset_type"] = entity.asset_type  # type: ignore[attr-defined]
                row["tasks"] = [{"name": t.name} for t in entity.tasks]
                rows.append(row)
            out.append(rows)
        return out


def _run(
    engine: Engine, selection: Selection, project_ids: list[int], mode: str, statements: int = 3
) -> tuple[list[list[Any]], list[int | None], str]:
    """The pages loaded for ``project_ids``, their totals and the page's SQL
    (``statements``: the projects, their entities, and the entities' tasks
    unless no entity came back)."""
    plan = loadplan.plan(Project, selection)
    stmt = select(Project).where(Project.id.in_(project_ids)).order_by(Project.id)
    with Session(engine) as session, count_queries(engine) as log:
        if mode == "rows":
            projects = plan.fetch(session, stmt, mode="rows").items
            pages = [[_row(e) for e in p["entities"]] for p in projects]
            totals = [loadplan.total_count(p, "entities") for p in projects]
        else:
            objects = session.scalars(plan.apply(stmt)).all()
            pages = [[_object(e) for e in p.entities] for p in objects]
            totals = [loadplan.total_count(p, "entities") for p in objects]
    log.assert_count(statements)
    return pages, totals, log[1].sql


def _row(entity: dict[str, Any]) -> dict[str, Any]:
    out = {"name": entity["name"]}
    if entity[MODEL_KEY] is Asset:
        out["asset_type"] = entity["asset_type"]
    out["tasks"] = [{"name": t["name"]} for t in entity["tasks"]]
    return out


def _object(entity: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": entity.name}
    if entity.kind == "asset":
        out["asset_type"] = entity.asset_type
    out["tasks"] = [{"name": t.name} for t in entity.tasks]
    return out


MODES = ["objects", "rows"]


@pytest.mark.parametrize("mode", MODES)
def test_a_single_parents_uncounted_page_is_order_by_and_limit(small: Engine, mode: str) -> None:
    pages, totals, sql = _run(small, _entities(limit=4, counted=False), [2], mode)
    assert " LIMIT " in sql.upper()
    assert "ROW_NUMBER" not in sql.upper()
    assert "COUNT(" not in sql.upper()
    assert pages == _expected(small, [2], 0, 4)
    assert len(pages[0]) == 4
    assert totals == [None]


@pytest.mark.parametrize("mode", MODES)
def test_a_single_parents_counted_first_page_counts_in_a_subquery(small: Engine, mode: str) -> None:
    pages, totals, sql = _run(small, _entities(limit=5), [1], mode)
    assert " LIMIT " in sql.upper()
    assert "ROW_NUMBER" not in sql.upper()
    assert "COUNT(*)" in sql.upper()
    assert pages == _expected(small, [1], 0, 5)
    assert totals == [ENTITIES_OF_A_PROJECT]


@pytest.mark.parametrize("mode", MODES)
def test_a_single_parents_uncounted_later_page_is_limit_and_offset(
    small: Engine, mode: str
) -> None:
    pages, totals, sql = _run(small, _entities(limit=4, offset=4, counted=False), [1], mode)
    assert " LIMIT " in sql.upper()
    assert "ROW_NUMBER" not in sql.upper()
    assert pages == _expected(small, [1], 4, 8)
    assert len(pages[0]) == 2
    assert totals == [None]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("offset", [3, 40])
def test_a_single_parents_counted_later_page_is_ranked_and_keeps_its_total(
    small: Engine, mode: str, offset: int
) -> None:
    pages, totals, sql = _run(
        small, _entities(limit=4, offset=offset), [2], mode, 3 if offset < 6 else 2
    )
    assert "ROW_NUMBER" in sql.upper()
    assert pages == _expected(small, [2], offset, offset + 4)
    assert totals == [ENTITIES_OF_A_PROJECT]


@pytest.mark.parametrize("mode", MODES)
def test_an_uncounted_page_past_the_end_is_empty_without_a_total(small: Engine, mode: str) -> None:
    pages, totals, sql = _run(small, _entities(limit=4, offset=40, counted=False), [2], mode, 2)
    assert " LIMIT " in sql.upper()
    assert pages == [[]]
    assert totals == [None]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("counted", [True, False])
def test_several_parents_are_ranked_and_counted_only_when_asked(
    small: Engine, mode: str, counted: bool
) -> None:
    pages, totals, sql = _run(small, _entities(limit=4, counted=counted), [1, 2], mode)
    assert "ROW_NUMBER" in sql.upper()
    assert ("COUNT(*) OVER" in sql.upper()) is counted
    assert pages == _expected(small, [1, 2], 0, 4)
    assert totals == ([ENTITIES_OF_A_PROJECT] * 2 if counted else [None, None])


def test_a_list_without_a_page_is_always_counted() -> None:
    assert Arguments(order_by=BY_NAME, counted=False) == Arguments(order_by=BY_NAME)
    assert Arguments(limit=1, counted=False) != Arguments(limit=1)


@pytest.mark.parametrize("mode", MODES)
def test_a_single_parents_page_across_a_secondary_table(small: Engine, mode: str) -> None:
    assignees = Selection(
        "assignees",
        children=(Selection("name"),),
        arguments=Arguments(order_by=(Order("name", descending=True),), limit=2),
    )
    selection = Selection.of("name", assignees)
    plan = loadplan.plan(Task, selection)
    stmt = select(Task).where(Task.id == 1)
    with Session(small) as session, count_queries(small) as log:
        if mode == "rows":
            (task,) = plan.fetch(session, stmt, mode="rows").items
            names = [p["name"] for p in task["assignees"]]
            total = loadplan.total_count(task, "assignees")
        else:
            (obj,) = session.scalars(plan.apply(stmt)).all()
            names = [p.name for p in obj.assignees]
            total = loadplan.total_count(obj, "assignees")
    with Session(small) as session:
        expected = session.scalars(
            select(Person)
            .join(Person.tasks)
            .where(Task.id == 1)
            .order_by(Person.name.desc(), Person.id)
        ).all()
    log.assert_count(2)
    assert " LIMIT " in log[1].sql.upper()
    assert "task_assignee" in log[1].sql
    assert names == [p.name for p in expected][:2]
    assert total == len(expected)


@pytest.mark.parametrize("mode", MODES)
def test_a_page_past_the_end_keeps_its_total_below_a_required_to_one(
    small: Engine, mode: str
) -> None:
    # Comment.task may default to an inner join: the marker row carrying the
    # total of a page past the end has no comment, so no task to join.
    comments = Selection(
        "comments",
        children=(Selection("text"), Selection("task", children=(Selection("name"),))),
        arguments=Arguments(order_by=(Order("id"),), limit=1, offset=2),
    )
    plan = loadplan.plan(Task, Selection.of("name", comments))
    stmt = select(Task).order_by(Task.id).limit(3)
    with Session(small) as session, count_queries(small) as log:
        if mode == "rows":
            tasks = plan.fetch(session, stmt, mode="rows").items
        else:
            tasks = session.scalars(plan.apply(stmt)).all()
        found = [
            (len(loadplan.related(t, "comments", "comments")), loadplan.total_count(t, "comments"))
            for t in tasks
        ]
    log.assert_count(2)
    assert found == [(0, 2), (0, 2), (0, 2)]


def _keys_of(engine: Engine, project_id: int, position: int) -> tuple[str, int]:
    """The ordering keys (name, id) of a project's entity at ``position`` by :data:`BY_NAME`."""
    with Session(engine) as session:
        entity = session.scalars(
            select(Entity)
            .where(Entity.project_id == project_id)
            .order_by(Entity.name.desc(), Entity.id)
            .offset(position)
        ).first()
        assert entity is not None
        return entity.name, entity.id


def _after(engine: Engine, project_ids: list[int], keys: tuple[str, int], limit: int) -> Any:
    """:func:`_expected` of the entities after ``keys`` in :data:`BY_NAME`, on each project."""
    name, key = keys
    with Session(engine) as session:
        past = {
            e.id
            for e in session.scalars(select(Entity))
            if e.name < name or (e.name == name and e.id > key)
        }
    pages = []
    for project_id, everything in zip(
        project_ids, _expected(engine, project_ids, 0, 100), strict=True
    ):
        with Session(engine) as session:
            ids = session.scalars(
                select(Entity.id)
                .where(Entity.project_id == project_id)
                .order_by(Entity.name.desc(), Entity.id)
            ).all()
        pages.append([row for row, i in zip(everything, ids, strict=True) if i in past][:limit])
    return pages


@pytest.mark.parametrize("mode", MODES)
def test_a_single_parents_uncounted_keyset_page_seeks_in_its_where(
    small: Engine, mode: str
) -> None:
    keys = _keys_of(small, 2, 1)
    seek = loadplan.Seek(after=keys)
    pages, totals, sql = _run(small, _entities(limit=3, seek=seek, counted=False), [2], mode)
    assert " LIMIT " in sql.upper()
    assert "ROW_NUMBER" not in sql.upper()
    assert pages == _expected(small, [2], 2, 5)
    assert totals == [None]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("counted", [True, False])
def test_several_parents_keyset_pages_are_ranked_after_the_same_keys(
    small: Engine, mode: str, counted: bool
) -> None:
    keys = _keys_of(small, 1, 2)
    arguments = {"limit": 2, "seek": loadplan.Seek(after=keys), "counted": counted}
    pages, totals, sql = _run(small, _entities(**arguments), [1, 2], mode)
    assert "ROW_NUMBER" in sql.upper()
    assert ("SUM(" in sql.upper()) is counted
    assert pages == _after(small, [1, 2], keys, 2)
    assert pages[0] == _expected(small, [1], 3, 5)[0]
    assert totals == ([ENTITIES_OF_A_PROJECT] * 2 if counted else [None, None])


@pytest.mark.parametrize("mode", MODES)
def test_a_counted_keyset_page_past_the_end_keeps_its_total(small: Engine, mode: str) -> None:
    keys = _keys_of(small, 2, ENTITIES_OF_A_PROJECT - 1)
    pages, totals, _ = _run(small, _entities(limit=2, seek=loadplan.Seek(after=keys)), [2], mode, 2)
    assert pages == [[]]
    assert totals == [ENTITIES_OF_A_PROJECT]
