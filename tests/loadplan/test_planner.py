"""Statement counts, loaded columns and results of plans, on every dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

import loadplan
from loadplan import Arguments, Filter, Operator, Order, Selection
from loadplan.testing import assert_queries, count_queries
from tests.loadplan.conftest import dump, load, naive
from tests.loadplan.models import Comment, Entity, Person, Project, Sequence, Shot, Task


def _columns_of(sql: str, table: str) -> set[str]:
    """Columns of ``table`` named in the SELECT list of ``sql``."""
    select_list = sql.split("\nFROM", 1)[0]
    names = set()
    for part in select_list.replace("SELECT", "", 1).split(","):
        expression = part.strip().split(" AS ")[0].strip()
        if "." in expression:
            owner, column = expression.rsplit(".", 1)
            if owner.strip('`"').rstrip("_1234567890") == table:
                names.add(column.strip('`"'))
    return names


def test_three_level_to_one_chain_is_one_statement(small: Engine) -> None:
    selection = Selection.of("name", "entity.name", "entity.project.code")
    tasks, log, plan = load(small, Task, selection)
    log.assert_count(1)
    assert plan.statement_count() == 1
    assert _columns_of(log[0].sql, "task") == {"id", "entity_id", "name"}
    assert _columns_of(log[0].sql, "entity") == {"id", "kind", "name", "project_id"}
    assert _columns_of(log[0].sql, "project") == {"id", "code"}
    assert [dump(t, selection) for t in tasks] == naive(small, Task, selection)
    assert dump(tasks[0], selection) == {
        "name": "task 1",
        "entity": {"name": "asset 1", "project": {"code": "P1"}},
    }


def test_sibling_collections_with_a_to_one_under_each_are_three_statements(
    small: Engine, large: Engine
) -> None:
    selection = Selection.of(
        "name",
        "entities.name",
        "entities.project.code",
        "memberships.role",
        "memberships.person.name",
    )
    for engine in (small, large):
        projects, log, plan = load(engine, Project, selection)
        log.assert_count(3)
        assert plan.statement_count() == 3
        assert [dump(p, selection) for p in projects] == naive(engine, Project, selection)


def test_many_to_many_over_500_parents_is_two_statements(large: Engine) -> None:
    selection = Selection.of("name", "assignees.name")
    stmt = select(Task).order_by(Task.id).limit(500)
    tasks, log, _ = load(large, Task, selection, stmt)
    assert len(tasks) == 500
    log.assert_count(2)
    assert "task_assignee" in log[1].sql
    assert _columns_of(log[1].sql, "person") == {"id", "name"}
    assert [dump(t, selection) for t in tasks] == naive(large, Task, selection, stmt)


def test_association_object_self_reference_and_custom_primaryjoin(small: Engine) -> None:
    selection = Selection.of(
        "code",
        "memberships.role",
        "memberships.person.email",
        "active_sequences.name",
        "entities.tasks.subtasks.name",
        "entities.tasks.parent.name",
    )
    projects, log, plan = load(small, Project, selection)
    # project; memberships (+person joined); active_sequences; entities;
    # tasks (+parent joined); subtasks
    log.assert_count(6)
    assert plan.statement_count() == 6
    assert [dump(p, selection) for p in projects] == naive(small, Project, selection)
    archived = [s for s in projects[0].active_sequences if s.name == "SQ003"]
    assert archived == []


def test_relationship_order_by_is_kept(small: Engine) -> None:
    selection = Selection.of("name", "comments.text")
    tasks, log, _ = load(small, Task, selection)
    log.assert_count(2)
    assert [c.text for c in tasks[0].comments] == ["comment 2", "comment 1"]


def test_same_relationship_along_two_paths_and_twice_with_different_subselections(
    small: Engine,
) -> None:
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection("tasks", children=(Selection("name"),)),
            Selection(
                "tasks",
                alias="again",
                children=(
                    Selection("priority"),
                    Selection("status", children=(Selection("name"),)),
                ),
            ),
            Selection("project", children=(Selection("entities", children=(Selection("name"),)),)),
        ),
    )
    entities, log, plan = load(small, Entity, selection)
    # entity+project joined; tasks once (union of columns) with status joined; project.entities
    log.assert_count(3)
    tasks_sql = next(s.sql for s in log if "FROM task" in s.sql)
    assert _columns_of(tasks_sql, "task") == {"id", "entity_id", "name", "priority", "status_id"}
    assert entities[0].tasks[0].status.name
    assert plan.explain().count("tasks -> Task") == 1


def test_computed_fields_at_any_depth(small: Engine) -> None:
    open_tasks = loadplan.count(
        "tasks", lambda task_cls, context: task_cls.status_id != context["done"]
    )
    selection = Selection.of(
        "code",
        Selection(
            "entities",
            children=(
                Selection("name"),
                Selection("task_count", hints=loadplan.hint(annotate=loadplan.count("tasks"))),
                Selection("open_tasks", hints=loadplan.hint(annotate={"open_tasks": open_tasks})),
                Selection(
                    "has_comments",
                    hints=loadplan.hint(
                        annotate=loadplan.exists("tasks", lambda t, c: t.comments.any())
                    ),
                ),
            ),
        ),
    )
    projects, log, _ = load(small, Project, selection, context={"done": 3})
    log.assert_count(2)
    entity = projects[0].entities[0]
    assert entity.task_count == 3
    with Session(small) as session:
        expected_open = session.scalar(
            select(func.count(Task.id)).where(Task.entity_id == entity.id, Task.status_id != 3)
        )
    assert entity.open_tasks == expected_open
    assert bool(entity.has_comments) is True


def test_expression_on_a_to_one_target_loads_it_separately(small: Engine) -> None:
    selection = Selection.of(
        "name",
        Selection(
            "entity",
            children=(
                Selection("name"),
                Selection("task_count", hints=loadplan.hint(annotate=loadplan.count("tasks"))),
            ),
        ),
    )
    tasks, log, plan = load(small, Task, selection)
    assert "entity -> Entity [selectin]" in plan.explain()
    log.assert_count(2)
    assert all(t.entity.task_count == 3 for t in tasks)


def test_hints_only_select_related_prefetch_related_and_callables(small: Engine) -> None:
    selection = Selection.of(
        "name",
        Selection(
            "summary",
            hints=loadplan.hint(
                only=["priority", "status.short_name"],
                select_related=["task_type"],
                prefetch_related=["assignees", lambda context: [selectinload(Task.comments)]],
                annotate={"summary": loadplan.count("comments")},
            ),
        ),
    )
    tasks, log, _ = load(small, Task, selection)
    # task + status + task_type joined; assignees; comments (loader option from the callable)
    log.assert_count(3)
    task = tasks[0]
    assert (task.priority, task.status.short_name, task.task_type.id) == (5, "wip", 1)
    assert [p.id for p in task.assignees] == [2, 4]
    assert task.summary == 2
    assert len(task.comments) == 2


def test_model_properties_and_hybrids(small: Engine) -> None:
    selection = Selection.of("is_late", "label", "entity.name")
    tasks, log, _ = load(small, Task, selection)
    log.assert_count(1)
    with Session(small) as session:
        expected = [(t.is_late, t.label) for t in session.scalars(select(Task).order_by(Task.id))]
    assert [(t.is_late, t.label) for t in tasks] == expected
    assert expected[:3] == [(True, "mod:task 1"), (False, "rig:task 2"), (False, "anim:task 3")]
    with Session(small) as session, count_queries(small) as rows_log:
        plan = loadplan.plan(Task, selection, strict="raise")
        rows = plan.fetch(session, select(Task).order_by(Task.id), mode="rows").items
    # The row mode runs the properties on views of the rows: same statements.
    assert plan.supports_rows
    assert rows_log.count == 1
    assert [(r["is_late"], r["label"]) for r in rows] == expected
    shots_selection = Selection.of("name", "duration")
    shots, log, _ = load(small, Shot, shots_selection)
    log.assert_count(1)
    assert [loadplan.value(s, "duration") for s in shots] == [
        s.frame_out - s.frame_in + 1 for s in naive_shots(small)
    ]


def naive_shots(engine: Engine) -> list[Shot]:
    with Session(engine, expire_on_commit=False) as session:
        shots = list(session.scalars(select(Shot).order_by(Shot.id)))
        session.expunge_all()
    return shots


def test_per_parent_limit_is_two_statements_whatever_the_number_of_parents(
    small: Engine, large: Engine
) -> None:
    tasks = Selection(
        "tasks",
        children=(Selection("name"), Selection("priority")),
        arguments=Arguments(order_by=(Order("priority", descending=True),), limit=2),
    )
    selection = Selection.of("name", tasks)
    for engine in (small, large):
        entities, log, plan = load(engine, Entity, selection)
        log.assert_count(2)
        assert plan.statement_count() == 2
        assert "ROW_NUMBER() OVER (PARTITION BY" in log[1].sql.upper()
        assert all(len(e.tasks) == 2 for e in entities)
        assert all(loadplan.total_count(e, "tasks") == 3 for e in entities)
        assert [dump(e, selection) for e in entities] == naive(engine, Entity, selection)


def test_nested_filters_and_aliases_with_different_arguments(small: Engine) -> None:
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection("tasks", children=(Selection("name"),)),
            Selection(
                "tasks",
                alias="done",
                children=(Selection("name"),),
                arguments=Arguments(filters=(Filter("status_id", Operator.EQ, 3),)),
            ),
            Selection(
                "tasks",
                alias="first",
                children=(
                    Selection("name"),
                    Selection("status", children=(Selection("short_name"),)),
                ),
                arguments=Arguments(order_by=(Order("id", descending=True),), limit=1),
            ),
        ),
    )
    entities, log, plan = load(small, Entity, selection)
    # entities; all tasks (selectin); done tasks (windowed); first task (windowed)
    log.assert_count(4)
    assert plan.statement_count() == 4
    assert [dump(e, selection) for e in entities] == naive(small, Entity, selection)
    first = entities[0]
    assert [t.name for t in loadplan.related(first, "tasks", "first")] == ["task 3"]
    assert loadplan.total_count(first, "first") == 3
    assert len(first.tasks) == 3


def test_filter_through_a_to_one_and_order_through_a_to_one(small: Engine) -> None:
    selection = Selection.of(
        "name",
        Selection(
            "tasks",
            children=(Selection("name"),),
            arguments=Arguments(
                filters=(Filter("status.is_done", Operator.EQ, False),),
                order_by=(Order("task_type.name"), Order("id")),
            ),
        ),
    )
    entities, log, _ = load(small, Entity, selection)
    log.assert_count(2)
    with Session(small) as session:
        for entity in entities:
            expected = session.scalars(
                select(Task)
                .join(Task.status)
                .join(Task.task_type)
                .where(Task.entity_id == entity.id, ~Task.status.has(is_done=True))
                .order_by(Task.task_type.property.mapper.class_.name, Task.id)
            ).all()
            assert [t.name for t in entity.tasks] == [t.name for t in expected]
            assert loadplan.total_count(entity, "tasks") == len(expected)


def test_a_page_past_the_end_still_knows_the_total(small: Engine) -> None:
    selection = Selection.of(
        "name",
        Selection("tasks", children=(Selection("name"),), arguments=Arguments(limit=2, offset=5)),
    )
    entities, log, _ = load(small, Entity, selection)
    log.assert_count(2)
    assert all(e.tasks == [] and loadplan.total_count(e, "tasks") == 3 for e in entities)


def test_joined_inheritance_root_loads_selected_subtypes_in_one_statement(small: Engine) -> None:
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection("asset_type", type_condition="Asset"),
            Selection("frame_in", type_condition="Shot"),
        ),
    )
    entities, log, _ = load(small, Entity, selection)
    log.assert_count(1)
    assert "LEFT OUTER JOIN asset" in log[0].sql
    assert "LEFT OUTER JOIN shot" in log[0].sql
    assert "description" not in log[0].sql
    assert "frame_out" not in log[0].sql
    assert [dump(e, selection) for e in entities] == naive(small, Entity, selection)


def test_subtype_relationships_load_only_for_that_subtype(small: Engine) -> None:
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection("sequence", type_condition="Shot", children=(Selection("name"),)),
        ),
    )
    entities, log, _ = load(small, Entity, selection)
    log.assert_count(1)
    assert [dump(e, selection) for e in entities] == naive(small, Entity, selection)


def test_polymorphic_relationship_target_is_loaded_separately(small: Engine) -> None:
    selection = Selection(
        "",
        children=(
            Selection("name"),
            Selection(
                "entity",
                children=(
                    Selection("name"),
                    Selection("asset_type", type_condition="Asset"),
                    Selection("frame_out", type_condition="Shot"),
                ),
            ),
        ),
    )
    tasks, log, plan = load(small, Task, selection)
    assert "entity -> Entity [selectin]" in plan.explain()
    log.assert_count(2)
    assert [dump(t, selection) for t in tasks] == naive(small, Task, selection)


def test_single_table_inheritance(small: Engine) -> None:
    selection = Selection.of(
        "code",
        Selection(
            "notes",
            children=(
                Selection("body"),
                Selection("client_name", type_condition="ClientNote"),
                Selection("department", type_condition="InternalNote"),
            ),
        ),
    )
    projects, log, _ = load(small, Project, selection)
    log.assert_count(2)
    assert [dump(p, selection) for p in projects] == naive(small, Project, selection)


def test_known_objects_get_the_columns_needed_deeper(small: Engine) -> None:
    with Session(small) as session:
        shallow = loadplan.plan(Task, Selection.of("name"))
        tasks = session.scalars(shallow.apply(select(Task).order_by(Task.id))).all()
        deep = loadplan.plan(
            Entity,
            Selection.of("name", "tasks.priority", "tasks.due_date", "tasks.entity.description"),
        )
        with count_queries(small) as log:
            entities = session.scalars(deep.apply(select(Entity).order_by(Entity.id))).all()
            values = [
                (t.priority, t.due_date, t.entity.description) for e in entities for t in e.tasks
            ]
        log.assert_count(2)
        assert tasks[0].priority == values[0][0]
        assert values[0][2] == "d1"


def test_strict_modes(small: Engine) -> None:
    import warnings

    import pytest
    from sqlalchemy.exc import InvalidRequestError

    selection = Selection.of("name")
    with Session(small) as session:
        task = session.scalars(
            loadplan.plan(Task, selection, strict="raise").apply(select(Task))
        ).first()
        with pytest.raises(InvalidRequestError, match="priority"):
            _ = task.priority
        with pytest.raises(InvalidRequestError, match="status"):
            _ = task.status
    with Session(small) as session:
        task = session.scalars(
            loadplan.plan(Task, selection, strict="warn").apply(select(Task))
        ).first()
        with pytest.warns(loadplan.UnplannedLoadWarning) as caught:
            _ = task.status
        assert [str(w.message).split(":")[0] for w in caught] == [
            "a column load of Task that the plan did not load",
            "a lazy load of Task that the plan did not load",
        ]
    with Session(small) as session, warnings.catch_warnings():
        warnings.simplefilter("error")
        task = session.scalars(
            loadplan.plan(Task, selection, strict="off").apply(select(Task))
        ).first()
        with assert_queries(2, small):  # the unloaded foreign key, then the status
            _ = task.status


def test_bad_selections_raise_before_any_statement(small: Engine) -> None:
    import pytest

    cases = [
        (Selection.of("nope"), "Task", "nope", "is not an attribute of this model"),
        (Selection.of("status.nope"), "Status", "nope", "is not an attribute of this model"),
        (Selection.of("name.first"), "Task", "name", "is a column, not a relationship"),
        (
            Selection.of(Selection("status", arguments=Arguments(limit=1))),
            "Task",
            "status",
            "is a to-one relationship and takes no arguments",
        ),
        (
            Selection.of(Selection("asset_type", type_condition="Person")),
            "Task",
            "Person",
            "is not a subtype of this entity",
        ),
    ]
    for selection, model, attribute, reason in cases:
        with count_queries(small) as log, pytest.raises(loadplan.PlanError) as failure:
            loadplan.plan(Task, selection)
        assert (failure.value.model, failure.value.attribute, failure.value.reason) == (
            model,
            attribute,
            reason,
        )
        log.assert_count(0)


def test_plans_are_cached_by_shape_and_bound_to_new_values(small: Engine) -> None:
    loadplan.clear_plan_cache()

    def selection(limit: int) -> Selection:
        return Selection.of(
            "name",
            Selection("tasks", children=(Selection("name"),), arguments=Arguments(limit=limit)),
        )

    first = loadplan.plan(Entity, selection(1))
    second = loadplan.plan(Entity, selection(2))
    assert first.root is second.root
    from loadplan.planner import plan_cache

    assert (plan_cache.hits, plan_cache.misses) == (1, 1)
    with Session(small) as session:
        entities = session.scalars(second.apply(select(Entity).order_by(Entity.id))).all()
        assert [len(e.tasks) for e in entities] == [2] * len(entities)


def test_explain(small: Engine) -> None:
    plan = loadplan.plan(
        Project,
        Selection.of(
            "name",
            Selection(
                "entities",
                children=(
                    Selection("name"),
                    Selection(
                        "tasks",
                        children=(Selection("status", children=(Selection("name"),)),),
                        arguments=Arguments(order_by=(Order("id", descending=True),), limit=3),
                    ),
                ),
            ),
        ),
    )
    assert plan.explain() == "\n".join(
        [
            "Project (3 statements)",
            "  columns: id, name",
            "  entities -> Entity [selectin]",
            "    columns: id, kind, project_id, name",
            "    tasks -> Task [windowed; order -id; page per parent]",
            "      columns: id, entity_id, status_id",
            "      status -> Status [joined]",
            "        columns: id, name",
        ]
    )


def test_user_filters_ordering_and_options_stay(small: Engine) -> None:
    stmt = (
        select(Task)
        .where(Task.priority > 3)
        .order_by(Task.priority.desc(), Task.id)
        .options(selectinload(Task.comments))
    )
    selection = Selection.of("name", "priority")
    tasks, log, _ = load(small, Task, selection, stmt)
    log.assert_count(2)
    assert all(t.priority > 3 for t in tasks)
    assert [t.priority for t in tasks] == sorted((t.priority for t in tasks), reverse=True)
    assert all(isinstance(c, Comment) for t in tasks for c in t.comments)


def test_root_arguments_filter_order_and_page(small: Engine) -> None:
    selection = Selection(
        "",
        children=(Selection("name"),),
        arguments=Arguments(
            filters=(Filter("status.short_name", Operator.EQ, "done"),),
            order_by=(Order("id", descending=True),),
            limit=2,
            offset=1,
        ),
    )
    tasks, log, _ = load(small, Task, selection, select(Task))
    log.assert_count(1)
    with Session(small) as session:
        expected = session.scalars(
            select(Task.name)
            .join(Task.status)
            .where(Task.status.has(short_name="done"))
            .order_by(Task.id.desc())
            .limit(2)
            .offset(1)
        ).all()
    assert [t.name for t in tasks] == expected


def test_people_with_tasks_through_secondary(small: Engine) -> None:
    selection = Selection.of("name", "tasks.name", "tasks.entity.name")
    people, log, _ = load(small, Person, selection)
    log.assert_count(2)
    assert [dump(p, selection) for p in people] == naive(small, Person, selection)


def test_sequences_shots_tasks_nested_pages(small: Engine, large: Engine) -> None:
    selection = Selection.of(
        "name",
        Selection(
            "shots",
            arguments=Arguments(order_by=(Order("id"),), limit=2),
            children=(
                Selection("name"),
                Selection(
                    "tasks",
                    arguments=Arguments(order_by=(Order("id", descending=True),), limit=1),
                    children=(Selection("name"),),
                ),
            ),
        ),
    )
    for engine in (small, large):
        sequences, log, _ = load(engine, Sequence, selection)
        log.assert_count(3)
        assert [dump(s, selection) for s in sequences] == naive(engine, Sequence, selection)


def test_a_page_never_overwrites_a_full_list_of_the_same_object(small: Engine) -> None:
    # tasks(limit: 1) at the root; the same entities' full task lists below.
    selection = Selection(
        "",
        children=(
            Selection(
                "tasks",
                arguments=Arguments(limit=1),
                children=(
                    Selection("id"),
                    Selection(
                        "entity", children=(Selection("tasks", children=(Selection("id"),)),)
                    ),
                ),
            ),
        ),
    )
    entities, log, plan = load(small, Entity, selection)
    log.assert_count(3)
    assert "tasks -> Task [windowed; page per parent; as tasks]" in plan.explain()
    first = entities[0]
    page = loadplan.related(first, "tasks", "tasks")
    assert [t.id for t in page] == [1]
    assert [t.id for t in page[0].entity.tasks] == [1, 2, 3]


def test_arguments_below_a_merged_alias_apply(small: Engine) -> None:
    selection = Selection(
        "",
        children=(
            Selection("tasks", children=(Selection("id"),)),
            Selection(
                "tasks",
                alias="more",
                children=(
                    Selection(
                        "comments", arguments=Arguments(limit=1), children=(Selection("id"),)
                    ),
                ),
            ),
        ),
    )
    entities, log, _ = load(small, Entity, selection)
    log.assert_count(3)
    assert "ROW_NUMBER() OVER" in log[2].sql.upper()
    assert [len(t.comments) for t in entities[0].tasks] == [1, 1, 1]


def test_rules_restrict_a_class_everywhere_it_is_loaded(small: Engine) -> None:
    def high_priority(task: Any, context: Any) -> Any:
        return task.priority >= context["min"]

    rules = {Task: high_priority}
    selection = Selection.of(
        "name",
        Selection("task_count", hints=loadplan.hint(annotate=loadplan.count("tasks"))),
        Selection("tasks", children=(Selection("priority"),)),
        Selection(
            "tasks", alias="first", arguments=Arguments(limit=1), children=(Selection("priority"),)
        ),
    )
    entities, log, plan = load(small, Entity, selection, rules=rules, context={"min": 4})
    log.assert_count(3)
    with Session(small) as session:
        for entity in entities:
            expected = session.scalars(
                select(Task.priority)
                .where(Task.entity_id == entity.id, Task.priority >= 4)
                .order_by(Task.id)
            ).all()
            assert [t.priority for t in entity.tasks] == expected
            assert entity.task_count == len(expected)
            assert [t.priority for t in loadplan.related(entity, "tasks", "first")] == expected[:1]
            assert loadplan.total_count(entity, "first") == len(expected)

    # A to-one to a ruled class is joined with the rule in the ON clause, and
    # a row it hides comes back as None (not a comment fewer).
    comments, log, plan = load(
        small, Comment, Selection.of("text", "task.priority"), rules=rules, context={"min": 4}
    )
    log.assert_count(1)
    assert "task -> Task [joined]" in plan.explain()
    with Session(small) as session, count_queries(small) as rows_log:
        rows = plan.fetch(session, select(Comment).order_by(Comment.id), mode="rows").items
    rows_log.assert_count(1)
    with Session(small) as session:
        assert len(comments) == session.scalar(select(func.count()).select_from(Comment))
    assert [r["task"] and r["task"]["priority"] for r in rows] == [
        c.task and c.task.priority for c in comments
    ]
    assert {r["task"] is None for r in rows} == {True, False}
    with Session(small) as session:
        visible = set(session.scalars(select(Task.id).where(Task.priority >= 4)))
    assert all((c.task is not None) == (c.task_id in visible) for c in comments)

    tasks, log, plan = load(small, Task, Selection.of("priority"), rules=rules, context={"min": 4})
    assert sorted({t.priority for t in tasks}) == [4, 5, 6]
    with Session(small) as session:
        assert session.scalar(plan.count(select(Task))) == len(tasks)


def test_a_rule_on_a_joined_to_one_in_the_middle_of_a_chain(small: Engine) -> None:
    """Shot → sequence (ruled: the second project's hidden) → project, one
    statement: a hidden sequence hides what lies below it, in both modes."""

    def live(sequence: Any, context: Any) -> Any:
        return sequence.project_id == 1

    selection = Selection.of("name", "sequence.name", "sequence.project.name")
    shots, log, plan = load(small, Shot, selection, rules={Sequence: live})
    log.assert_count(1)
    with Session(small) as session, count_queries(small) as rows_log:
        rows = plan.fetch(session, select(Shot).order_by(Shot.id), mode="rows").items
    rows_log.assert_count(1)
    with Session(small) as session:
        expected = [
            (shot.name, shot.sequence.project.name if shot.sequence.project_id == 1 else None)
            for shot in session.scalars(select(Shot).order_by(Shot.id))
            if shot.sequence is not None
        ]
    orm = [(s.name, s.sequence and s.sequence.project.name) for s in shots if s.sequence_id]
    by_rows = [
        (r["name"], r["sequence"] and r["sequence"]["project"]["name"])
        for r, s in zip(rows, shots, strict=True)
        if s.sequence_id
    ]
    assert orm == by_rows == expected
    assert {name is None for _, name in expected} == {True, False}
