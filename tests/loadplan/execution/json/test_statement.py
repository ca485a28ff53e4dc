"""The JSON mode's statement: one per root, the other modes' bytes, and
what it leaves to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, case, delete, insert, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import PlanError, Selection, hint
from loadplan.documents import Document, Nested, Value
from loadplan.testing import count_queries
from tests.loadplan.data import populate
from tests.loadplan.models import Comment, Entity, Status, Task

STATUS = Document((Value("short_name", ("short_name",), str),))


def _plan(required: bool, rules: loadplan.Rules | None = None) -> loadplan.Plan:
    selection = Selection.of("name", "status.short_name")
    document = Document(
        (
            Value("name", ("name",), str),
            Nested("status", ("status",), STATUS, many=False, nullable=not required),
        )
    )
    return loadplan.plan(Task, selection, rules=rules).with_document(document)


def test_one_statement_writes_what_the_row_mode_loads(small: Engine) -> None:
    stmt = select(Task).order_by(Task.id)
    with Session(small) as session, count_queries(small) as log:
        built = _plan(required=True).fetch(session, stmt, mode="json")
    with Session(small) as session:
        rows = _plan(required=True).fetch(session, stmt, mode="rows").items
    assert (built.mode, log.count) == ("json", 1)
    wanted = [
        {"name": r["name"], "status": {"short_name": r["status"]["short_name"]}} for r in rows
    ]
    assert [orjson.loads(text) for text in built.documents] == wanted
    assert built.documents[0].encode() == orjson.dumps(wanted[0])


def test_a_required_row_a_rule_hides_leaves_the_item_to_the_row_mode(small: Engine) -> None:
    # The rule hides the statuses that are done: a task's required status is
    # then missing, which the other modes refuse; the row mode answers.
    hidden: loadplan.Rules = {Status: lambda status, _context: status.is_done.is_(False)}
    stmt = select(Task).order_by(Task.id)
    with Session(small) as session:
        required = _plan(required=True, rules=hidden).fetch(session, stmt, mode="json")
        optional = _plan(required=False, rules=hidden).fetch(session, stmt, mode="auto")
    assert any(item["status"] is None for item in required.items)
    assert required.mode == "rows"
    assert optional.mode == "json"
    assert any('"status":null' in text for text in optional.documents)


def test_forcing_the_json_mode_on_an_ineligible_plan_says_why(small: Engine) -> None:
    document = Document((Value("name", ("name",), float),))
    plan = loadplan.plan(Task, Selection.of("name")).with_document(document)
    with Session(small) as session:
        assert not plan.supports_json(small.dialect)
        before = plan.fetch(session, select(Task), mode="auto")
        with pytest.raises(PlanError, match=r"^the JSON mode cannot answer this plan: "):
            plan.fetch(session, select(Task), mode="json")
    assert before.mode == "rows"


def test_a_list_below_a_joined_row_keeps_its_parent_row(small: Engine) -> None:
    # Each entity's project is joined; its sequences are a subquery whose
    # own rows join their project too: under an alias of its own, or the
    # subquery's correlation to the entity's project would read its own join
    # and list every project's sequences.
    project = Document((Value("id", ("id",), int),))
    sequence = Document(
        (
            Value("id", ("id",), int),
            Nested("project", ("project",), project, many=False, nullable=False),
        )
    )
    document = Document(
        (
            Value("id", ("id",), int),
            Nested(
                "project",
                ("project",),
                Document((Nested("sequences", ("sequences",), sequence, many=True),)),
                many=False,
                nullable=False,
            ),
        )
    )
    selection = Selection.of("id", "project.sequences.project.id")
    plan = loadplan.plan(Entity, selection).with_document(document)
    stmt = select(Entity).order_by(Entity.id)
    with Session(small) as session:
        built = plan.fetch(session, stmt, mode="json")
    for text in built.documents:
        item = orjson.loads(text)
        assert item["project"]["sequences"]
        parents = {s["project"]["id"] for s in item["project"]["sequences"]}
        assert len(parents) == 1
    with Session(small) as session:
        entities = session.scalars(stmt).all()
        expected = [
            {
                "id": e.id,
                "project": {
                    "sequences": [
                        {"id": s.id, "project": {"id": s.project_id}}
                        for s in sorted(e.project.sequences, key=lambda s: s.id)
                    ]
                },
            }
            for e in entities
        ]
    assert [orjson.loads(text) for text in built.documents] == expected


BY_URGENCY = loadplan.column_map(
    "tasks",
    loadplan.Computed(
        lambda task, _context: case((task.priority < 3, "low"), else_="high"), label="urgency"
    ),
    "name",
    order_by=["priority"],
)
"""Two keys over three tasks: a key met twice keeps the place of its first
row and the value of its last, as a dict built from the rows does."""


def test_a_map_keeps_each_key_at_its_first_row_with_its_last_value(small: Engine) -> None:
    selection = Selection(
        "",
        children=(Selection("id"), Selection("urgency", hints=hint(annotate=BY_URGENCY))),
    )
    document = Document((Value("id", ("id",), int), Value("urgency", ("urgency",), dict)))
    plan = loadplan.plan(Entity, selection).with_document(document)
    stmt = select(Entity).order_by(Entity.id).limit(2)
    with Session(small) as session, count_queries(small) as log:
        built = plan.fetch(session, stmt, mode="json")
    with Session(small) as session:
        rows = plan.fetch(session, stmt, mode="rows").items
    assert (built.mode, log.count) == ("json", 1)
    assert built.documents == [
        '{"id":1,"urgency":{"low":"task 3","high":"task 1"}}',
        '{"id":2,"urgency":{"low":"task 6","high":"task 4"}}',
    ]
    assert [orjson.loads(text) for text in built.documents] == [
        {"id": row["id"], "urgency": row["urgency"]} for row in rows
    ]


def _comments_plan() -> loadplan.Plan:
    comment = Document((Value("id", ("id",), int), Value("text", ("text",), str)))
    document = Document(
        (Value("id", ("id",), int), Nested("comments", ("comments",), comment, many=True))
    )
    return loadplan.plan(Task, Selection.of("id", "comments.text")).with_document(document)


def _with_comments(engine: Engine, count: int) -> None:
    """One task with ``count`` comments of 200 characters each (escapes,
    accents and a character of four bytes among them)."""
    populate(engine, 1)
    text = ('é"\\\t😀' * 40)[:190]
    with Session(engine) as session:
        session.execute(delete(Comment))
        rows = [
            {"id": i, "task_id": 1, "author_id": 1, "text": f"{i:010d}{text}"}
            for i in range(1, count + 1)
        ]
        for start in range(0, count, 10_000):
            session.execute(insert(Comment), rows[start : start + 10_000])
        session.commit()


def _written(loaded: loadplan.Loaded) -> list[bytes]:
    """Each item's JSON: the database's text, or the row mode's item written."""
    if loaded.mode == "json":
        return [text.encode() for text in loaded.documents]
    return [
        orjson.dumps(
            {
                "id": item["id"],
                "comments": [{"id": c["id"], "text": c["text"]} for c in item["comments"]],
            }
        )
        for item in loaded.items
    ]


def _both_modes(engine: Engine) -> tuple[loadplan.Loaded, int, list[bytes]]:
    """The plan's answer asking for the JSON mode, its statement count, and
    the row mode's answer."""
    stmt = select(Task).where(Task.id == 1)
    with Session(engine) as session, count_queries(engine) as log:
        built = _comments_plan().fetch(session, stmt, mode="json")
    with Session(engine) as session:
        rows = _comments_plan().fetch(session, stmt, mode="rows")
    return built, log.count, _written(rows)


def test_a_list_longer_than_mariadbs_group_concat_max_len_is_whole(engine: Engine) -> None:
    # 6,000 comments of about 250 bytes of JSON each: 1.5 MB, over the 1 MiB
    # MariaDB cuts a GROUP_CONCAT at by default.
    _with_comments(engine, 6_000)
    built, count, wanted = _both_modes(engine)
    assert (built.mode, count) == ("json", 1)
    assert _written(built) == wanted
    assert len(wanted[0]) > 1024 * 1024
    assert len(orjson.loads(wanted[0])["comments"]) == 6_000


def test_a_document_longer_than_mariadbs_max_allowed_packet_is_left_to_the_row_mode(
    engine: Engine, dialect: str
) -> None:
    # 80,000 comments: 20 MB of JSON, over the 16 MiB of MariaDB's default
    # max_allowed_packet, past which it cuts a list (and gives NULL for a
    # longer CONCAT): there the row mode answers (two statements) after the
    # JSON statement.
    _with_comments(engine, 80_000)
    built, count, wanted = _both_modes(engine)
    assert (built.mode, count) == (("rows", 3) if dialect == "mysql" else ("json", 1))
    assert _written(built) == wanted


def _json_sql(engine: Engine, plan: loadplan.Plan, stmt: Any) -> tuple[list[str], str]:
    with Session(engine) as session, count_queries(engine) as log:
        built = plan.fetch(session, stmt, mode="json")
    assert (built.mode, log.count) == ("json", 1)
    return built.documents, log.sql[0]


def test_a_not_null_column_is_written_without_a_null_check(small: Engine) -> None:
    # name is NOT NULL, due_date is not; a check costs the database per value.
    document = Document(
        (Value("name", ("name",), str), Value("due", ("due_date",), dt.date, nullable=True))
    )
    plan = loadplan.plan(Task, Selection.of("name", "due_date")).with_document(document)
    documents, sql = _json_sql(small, plan, select(Task).order_by(Task.id).limit(1))
    assert documents == ['{"name":"task 1","due":"2025-12-12"}']
    if small.dialect.name != "mysql":
        assert sql.count("IS NULL") == 1
        assert "coalesce" not in sql


def test_an_unpaged_list_is_sorted_once_on_postgresql(small: Engine) -> None:
    # By its aggregate's own ORDER BY; its derived table is left unordered.
    tasks = Document((Value("name", ("name",), str),))
    document = Document((Nested("tasks", ("tasks",), tasks, many=True),))
    plan = loadplan.plan(Entity, Selection.of("tasks.name")).with_document(document)
    documents, sql = _json_sql(small, plan, select(Entity).order_by(Entity.id).limit(1))
    assert documents == ['{"tasks":[{"name":"task 1"},{"name":"task 2"},{"name":"task 3"}]}']
    if small.dialect.name == "postgresql":
        assert sql.count("ORDER BY") == 2  # the aggregate's and the root's


def test_a_context_key_keeps_one_statement_per_key_each_with_its_rules(small: Engine) -> None:
    # The rule hides statuses by the context's flag, and the key is that flag:
    # a request with a key seen before builds no rule, one with another key
    # gets its own rule and rows, alike in the row mode.
    built: list[bool] = []

    def by_flag(status: Any, context: dict[str, bool]) -> Any:
        built.append(context["done"])
        return status.is_done.is_(context["done"])

    def fetch(done: bool, mode: loadplan.Mode) -> loadplan.Loaded:
        plan = loadplan.plan(
            Task,
            Selection.of("name", "status.short_name"),
            rules={Status: by_flag},
            context={"done": done},
            context_key=("done", done),
        ).with_document(_plan(required=False).document)
        with Session(small) as session:
            return plan.fetch(session, select(Task).order_by(Task.id), mode=mode)

    def written(loaded: loadplan.Loaded) -> list[Any]:
        if loaded.mode == "json":
            return [orjson.loads(text) for text in loaded.documents]
        return [
            {"name": r["name"], "status": r["status"] and {"short_name": r["status"]["short_name"]}}
            for r in loaded.items
        ]

    first = fetch(False, "json")
    built.clear()
    again = fetch(False, "json")
    assert (again.mode, built) == ("json", [])
    assert again.documents == first.documents
    other = fetch(True, "json")
    assert built == [True]
    assert written(other) == written(fetch(True, "rows"))
    assert written(first) == written(fetch(False, "rows"))
    assert written(first) != written(other)
