"""``Plan.fetch`` with a statement key: the JSON mode's statement kept per
key, the root statement built only when needed, on every dialect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import Engine, Integer, Select, bindparam, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.documents import Document, Nested, Value
from loadplan.testing import count_queries
from tests.loadplan.models import Status, Task

STATUS = Document((Value("short_name", ("short_name",), str),))
DOCUMENT = Document(
    (
        Value("id", ("id",), int),
        Value("name", ("name",), str),
        Nested("status", ("status",), STATUS, many=False),
    )
)


class Statements:
    """Root statements of tasks from a first id, each build recorded."""

    def __init__(self) -> None:
        self.built: list[int] = []

    def from_id(self, first: int) -> Callable[[], Select[Any]]:
        def build() -> Select[Any]:
            self.built.append(first)
            return select(Task).where(Task.id >= first).order_by(Task.id)

        return build


def _plan(done: bool | None = None, key: Any = "anyone") -> loadplan.Plan:
    """Tasks with their status; with ``done``, a rule showing only the
    statuses whose ``is_done`` is that flag (the context)."""
    rules: loadplan.Rules = (
        {}
        if done is None
        else {Status: lambda status, context: status.is_done.is_(context["done"])}
    )
    return loadplan.plan(
        Task,
        Selection.of("id", "name", "status.short_name"),
        context={"done": done},
        rules=rules,
        context_key=key,
    ).with_document(DOCUMENT)


def _fetch(engine: Engine, plan: loadplan.Plan, stmt: Any, **options: Any) -> loadplan.Loaded:
    with Session(engine) as session:
        return plan.fetch(session, stmt, **options)


def _written(loaded: loadplan.Loaded) -> list[Any]:
    """The items as the JSON mode writes them, from any mode."""
    if loaded.mode == "json":
        return [orjson.loads(text) for text in loaded.documents]
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "status": r["status"] and {"short_name": r["status"]["short_name"]},
        }
        for r in loaded.items
    ]


def _expected(engine: Engine, first: int, done: bool | None = None, limit: int = 0) -> list[Any]:
    """The row mode's answer, from a statement built here."""
    stmt = select(Task).where(Task.id >= first).order_by(Task.id)
    page = loadplan.Paging(limit=limit) if limit else None
    return _written(_fetch(engine, _plan(done), stmt, mode="rows", page=page))


def test_a_key_seen_reuses_its_statement_without_building_the_root_statement(
    small: Engine,
) -> None:
    statements = Statements()
    plan = _plan()
    with Session(small) as session, count_queries(small) as log:
        first = plan.fetch(session, statements.from_id(2), mode="json", key=("from", 2))
        again = plan.fetch(session, statements.from_id(2), mode="json", key=("from", 2))
    assert (first.mode, again.mode, log.count) == ("json", "json", 2)
    assert statements.built == [2]
    assert again.documents == first.documents
    assert _written(first) == _expected(small, 2)


def test_other_keys_and_other_pages_build_their_own_statements(small: Engine) -> None:
    statements = Statements()
    plan = _plan()

    def fetch(first: int, limit: int | None = None, offset: int = 0) -> loadplan.Loaded:
        page = loadplan.Paging(limit=limit, offset=offset)
        return _fetch(small, plan, statements.from_id(first), mode="json", page=page, key=first)

    two = fetch(3, limit=2)
    three = fetch(3, limit=3)
    skipped = fetch(3, limit=2, offset=1)
    other = fetch(5, limit=2)
    assert fetch(3, limit=2).documents == two.documents
    assert statements.built == [3, 3, 3, 5]
    everything = _expected(small, 3)
    assert (_written(two), two.more) == (everything[:2], True)
    assert _written(three) == everything[:3]
    assert _written(skipped) == everything[1:3]
    assert _written(other) == _expected(small, 5)[:2]


def test_a_keyset_page_is_never_kept(small: Engine) -> None:
    statements = Statements()
    plan = _plan()
    pages = [
        _fetch(
            small,
            plan,
            statements.from_id(1),
            mode="json",
            page=loadplan.Paging(limit=2, after=Task.id > after),
            key="tasks",
        )
        for after in (2, 4)
    ]
    assert statements.built == [1, 1]
    assert [[item["id"] for item in _written(page)] for page in pages] == [[3, 4], [5, 6]]


def test_without_a_context_key_a_key_keeps_nothing(small: Engine) -> None:
    # Rules could read anything of the context: nothing says two requests
    # make the same statement of it.
    statements = Statements()
    plan = _plan(key=None)
    answers = [_fetch(small, plan, statements.from_id(2), mode="json", key=2) for _ in range(2)]
    assert statements.built == [2, 2]
    assert _written(answers[0]) == _written(answers[1]) == _expected(small, 2)


def test_one_key_under_two_context_keys_gets_each_its_rules(small: Engine) -> None:
    statements = Statements()
    answers = {
        done: _fetch(
            small,
            _plan(done, key=("done", done)),
            statements.from_id(1),
            mode="json",
            key="tasks",
        )
        for done in (False, True)
    }
    assert statements.built == [1, 1]
    assert _written(answers[False]) == _expected(small, 1, done=False)
    assert _written(answers[True]) == _expected(small, 1, done=True)
    assert _written(answers[False]) != _written(answers[True])


def test_the_other_modes_build_the_root_statement_once_even_with_a_total(small: Engine) -> None:
    statements = Statements()
    total = len(_expected(small, 2))
    for mode in ("rows", "orm"):
        loaded = _fetch(
            small,
            _plan(),
            statements.from_id(2),
            mode=mode,
            page=loadplan.Paging(limit=2),
            total=True,
            key="tasks",
        )
        assert (loaded.mode, len(loaded.items), loaded.total) == (mode, 2, total)
    assert statements.built == [2, 2]


def test_a_json_answer_left_to_the_row_mode_builds_the_root_statement_once(
    small: Engine,
) -> None:
    # A required status hidden by the rule: the JSON mode leaves the items to
    # the row mode, which runs the statement built for the JSON mode.
    statements = Statements()
    required = Document(
        (
            Value("id", ("id",), int),
            Nested("status", ("status",), STATUS, many=False, nullable=False),
        )
    )
    plan = loadplan.plan(
        Task,
        Selection.of("id", "status.short_name"),
        context={"done": True},
        rules={Status: lambda status, context: status.is_done.is_(context["done"])},
        context_key="done",
    ).with_document(required)
    loaded = _fetch(small, plan, statements.from_id(1), mode="json", key="tasks")
    assert loaded.mode == "rows"
    assert any(item["status"] is None for item in loaded.items)
    assert statements.built == [1]


def test_a_root_statement_binding_a_value_computed_at_execution_is_never_kept(
    small: Engine,
) -> None:
    # A value computed at execution (as with_parent binds) would be computed
    # from the first request's objects by every later one.
    built: list[int] = []
    first = {"id": 2}

    def build() -> Select[Any]:
        built.append(first["id"])
        computed = bindparam("first", callable_=lambda: first["id"], type_=Integer)
        return select(Task).where(Task.id >= computed).order_by(Task.id)

    answers = []
    for ident in (2, 4):
        first["id"] = ident
        answers.append(_fetch(small, _plan(), build, mode="json", key="computed"))
    assert built == [2, 4]
    assert [_written(answer) for answer in answers] == [_expected(small, 2), _expected(small, 4)]


def test_a_whole_list_and_an_unlimited_page_keep_their_own_statements(small: Engine) -> None:
    # A page orders by the primary key after the statement's own order;
    # the whole list keeps the statement's order alone.
    statements = Statements()
    plan = _plan()
    whole = _fetch(small, plan, statements.from_id(2), mode="json", key="tasks")
    page = _fetch(
        small, plan, statements.from_id(2), mode="json", page=loadplan.Paging(), key="tasks"
    )
    assert statements.built == [2, 2]
    assert _written(whole) == _written(page) == _expected(small, 2)
