"""The planner's passes, one at a time and composed."""

from __future__ import annotations

from functools import reduce

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Arguments, Order, PlanSettings, Selection, Strategy
from loadplan.planner import PASSES, build_plan
from loadplan.planner.conflicts import separate_conflicts
from loadplan.planner.fields import resolve_fields
from loadplan.planner.keys import add_key_columns
from loadplan.planner.planning import Planning
from loadplan.planner.strategies import choose_strategies
from loadplan.planner.variants import group_variants
from loadplan.plans import EntityPlan
from loadplan.testing import assert_queries
from tests.loadplan.models import Entity, Project, Task

TWO_ALIASES = Selection.of(
    "name",
    Selection("tasks", children=(Selection("name"),)),
    Selection(
        "tasks", alias="again", children=(Selection("status", children=(Selection("name"),)),)
    ),
    Selection(
        "tasks",
        alias="latest",
        children=(Selection("name"),),
        arguments=Arguments(order_by=(Order("id", descending=True),), limit=1),
    ),
)


def _run(
    cls: type, selection: Selection, count: int, settings: PlanSettings | None = None
) -> EntityPlan:
    planning = Planning(selection, None, settings or PlanSettings())
    return reduce(lambda plan, step: step(plan, planning), PASSES[:count], EntityPlan(cls, ()))


def test_the_passes_in_order() -> None:
    assert (
        resolve_fields,
        group_variants,
        add_key_columns,
        choose_strategies,
        separate_conflicts,
    ) == PASSES


def test_resolving_gives_one_load_per_selection_node_and_only_selected_columns() -> None:
    plan = _run(Entity, TWO_ALIASES, 1)
    assert plan.columns == ("name",)
    assert [(r.key, r.keys) for r in plan.relationships] == [
        ("tasks", ("tasks",)),
        ("tasks", ("again",)),
        ("tasks", ("latest",)),
    ]
    assert plan.relationships[1].target.relationships[0].target.columns == ("name",)


def test_grouping_merges_equal_arguments_and_keeps_the_others_beside() -> None:
    plan = _run(Entity, TWO_ALIASES, 2)
    merged, latest = plan.relationships
    assert (merged.keys, merged.side, latest.keys, latest.side) == (
        ("tasks", "again"),
        False,
        ("latest",),
        True,
    )
    assert merged.target.columns == ("name",)
    assert [r.key for r in merged.target.relationships] == ["status"]


def test_keys_then_strategies() -> None:
    keyed = _run(Entity, TWO_ALIASES, 3)
    assert keyed.columns == ("id", "kind", "name")
    assert keyed.relationships[0].target.columns == ("id", "entity_id", "name", "status_id")
    assert keyed.relationships[0].target.relationships[0].target.columns == ("id", "name")
    chosen = _run(Entity, TWO_ALIASES, 4)
    assert [r.strategy for r in chosen.relationships] == [Strategy.SELECTIN, Strategy.WINDOWED]
    assert chosen.relationships[0].target.relationships[0].strategy is Strategy.JOINED


def test_conflicting_pages_are_separated_last() -> None:
    # The project's entities are the tasks' entities: a page of their tasks
    # must not fill the attribute the full list fills.
    selection = Selection.of(
        Selection(
            "entities",
            children=(
                Selection("tasks", children=(Selection("name"),), arguments=Arguments(limit=1)),
                Selection(
                    "project",
                    children=(
                        Selection(
                            "entities",
                            children=(Selection("tasks", children=(Selection("name"),)),),
                        ),
                    ),
                ),
            ),
        ),
    )
    before = _run(Project, selection, 4)
    after = _run(Project, selection, 5)
    assert not before.relationships[0].target.relationships[0].side
    assert after.relationships[0].target.relationships[0].side


def test_settings_are_applied_at_planning(small: Engine) -> None:
    every_column = build_plan(Task, Selection.of("name"), None, PlanSettings(only=False))
    assert set(every_column.columns) == {
        "id",
        "entity_id",
        "task_type_id",
        "status_id",
        "parent_id",
        "name",
        "priority",
        "due_date",
    }
    batched = build_plan(
        Task, Selection.of("status.name"), None, PlanSettings(joined=False, batch_size=7)
    )
    assert [(r.strategy, r.batch_size) for r in batched.relationships] == [(Strategy.SELECTIN, 7)]
    plan = loadplan.plan(Task, Selection.of("name"), settings=PlanSettings(only=False))
    with Session(small) as session, assert_queries(1, small) as log:
        session.scalars(plan.apply(select(Task))).all()
    assert "task.due_date" in log[0].sql
