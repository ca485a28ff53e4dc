"""The JSON mode's statement: one per root, the other modes' bytes, and
what it leaves to them."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import PlanError, Selection
from loadplan.documents import Document, Nested, Value
from loadplan.testing import count_queries
from tests.loadplan.models import Status, Task

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


def _json_mode(engine: Engine) -> bool:
    return engine.dialect.name in {"sqlite", "postgresql"}


def test_one_statement_writes_what_the_row_mode_loads(small: Engine) -> None:
    if not _json_mode(small):
        pytest.skip("no JSON mode on MariaDB")
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
    forced = "json" if _json_mode(small) else "auto"
    with Session(small) as session:
        required = _plan(required=True, rules=hidden).fetch(session, stmt, mode=forced)
        optional = _plan(required=False, rules=hidden).fetch(session, stmt, mode="auto")
    assert any(item["status"] is None for item in required.items)
    assert required.mode == "rows"
    if _json_mode(small):
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
