"""Model properties run on views of row-mode dicts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Arguments, Order, Selection
from loadplan import views as row_views
from loadplan.testing import count_queries
from loadplan.views import NotLoadedError, view_of
from tests.loadplan.models import Entity, Task


def test_a_view_reads_nested_rows_and_runs_properties_on_them() -> None:
    view = view_of({"name": "task 1", "task_type": {"short_name": "mod"}}, Task)
    assert view.label == "mod:task 1"
    assert view.task_type.short_name == "mod"


def test_reading_what_the_hints_do_not_name_raises() -> None:
    view = view_of({"name": "task 1"}, Task)
    with pytest.raises(
        NotLoadedError, match=r"^Task.due_date was not loaded: name it in the hints"
    ):
        _ = view.due_date
    with pytest.raises(AttributeError):
        _ = view.no_such_attribute


def test_a_property_needing_an_object_keeps_the_orm_mode() -> None:
    assert not loadplan.plan(Task, Selection.of("in_session")).supports_rows
    assert loadplan.plan(Task, Selection.of("is_late", "label")).supports_rows


def test_a_property_reads_the_full_list_beside_a_page_of_it(small: Engine) -> None:
    # ``tasks`` is asked as a page, ``task_names`` reads every task.
    page = Arguments(order_by=(Order("id", descending=True),), limit=1)
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection("tasks", (Selection("name"),), arguments=page),
            Selection("task_names"),
        ),
    )
    plan = loadplan.plan(Entity, selection, strict="raise")
    with Session(small) as session, count_queries(small) as log:
        rows = plan.fetch(session, select(Entity).order_by(Entity.id).limit(2), mode="rows").items
    assert log.count == plan.statement_count() == 3
    # The page is kept beside the attribute, which holds every task (the
    # rule of loadplan.storage, the same on objects).
    assert [
        (r["name"], [t["name"] for t in loadplan.related(r, "tasks", "tasks")], r["task_names"])
        for r in rows
    ] == [
        ("asset 1", ["task 3"], ["task 1", "task 2", "task 3"]),
        ("shot 2", ["task 6"], ["task 4", "task 5", "task 6"]),
    ]


def test_rows_shared_by_several_parents_are_wrapped_once_per_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The row mode shares one dict per repeated entity: both tasks' type.
    made: list[dict[str, object]] = []
    new_view = row_views._new_view

    def counting(view_class: type[row_views.RowView], row: dict[str, object]) -> object:
        made.append(row)
        return new_view(view_class, row)

    monkeypatch.setattr(row_views, "_new_view", counting)
    modeling = {"id": 9, "short_name": "mod"}
    tasks = [{"id": i, "name": f"task {i}", "task_type": modeling} for i in (1, 2)]
    plan = loadplan.plan(Task, Selection.of("label")).root
    row_views.compute_properties(plan, tasks)
    assert [t["label"] for t in tasks] == ["mod:task 1", "mod:task 2"]
    # Each task, then their one task type: three views, not four.
    assert [row["id"] for row in made] == [1, 9, 2]
    # Outside a pass nothing is kept: each read wraps again.
    view = view_of(tasks[0], Task)
    assert view.task_type is not view.task_type
