"""REST endpoints planned from their response models, on every dialect."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import quote

import pytest
from fastapi import Depends, FastAPI
from fastapi.responses import Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import loadplan
from loadplan import PlanError, hint
from loadplan.fastapi import PlannedEndpoint, PlannedRequest
from loadplan.model_documents import document_of
from loadplan.pydantic import selection_from_model
from loadplan.testing import count_queries
from tests.async_databases import async_engine_of
from tests.databases import IsolatedDatabase
from tests.loadplan import models as m
from tests.loadplan.data import populate
from tests.loadplan.rest_app import TaskOut, make_app


@pytest.fixture(scope="module")
def client(small: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(small)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def large_client(large: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(large)) as test_client:
        yield test_client


def get(client: TestClient, url: str, engine: Engine) -> tuple[Any, int, list[str]]:
    """The response in the row mode (or the ORM mode where it needs objects),
    checked against the other modes: the same body byte for byte from each,
    the same statements in the row and ORM modes, at most as many in the JSON
    mode (one per root, where the response allows it), which the endpoint
    chooses by itself whenever it can. Returns the row mode's response and
    statements."""
    runs: dict[str, tuple[Any, Any]] = {}
    for mode in ("rows", "orm", "json"):
        with count_queries(engine) as log:
            response = client.get(url, headers={"X-Loadplan-Mode": mode})
        runs[mode] = (response, log)
    response, log = runs["rows"]
    chosen = response.headers.get("x-loadplan-mode")
    if response.status_code == 200 and chosen is not None:
        for mode, (other, other_log) in runs.items():
            assert other.content == response.content, (chosen, mode)
            ran = other.headers["x-loadplan-mode"]
            if ran != "json":
                assert other_log.count == log.count, mode
            else:
                assert other_log.count <= log.count
        automatic = client.get(url)
        assert automatic.content == response.content
        assert automatic.headers["x-loadplan-mode"] == runs["json"][0].headers["x-loadplan-mode"]
    return response, log.count, log.sql


def _without_counts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != "comment_count"} for item in items]


@pytest.mark.parametrize("limit", [1, 10, 250, 500])
def test_statement_count_is_constant_from_one_to_500_rows(
    large_client: TestClient, large: Engine, limit: int
) -> None:
    response, statements, _ = get(large_client, f"/tasks?limit={limit}", large)
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == limit
    # tasks with status, task type joined; assignees; comments with authors joined
    assert statements == 3


def test_full_list_equals_the_naive_endpoint(client: TestClient, small: Engine) -> None:
    planned, statements, _ = get(client, "/tasks", small)
    naive, naive_statements, _ = get(client, "/naive/tasks", small)
    assert statements == 3
    assert naive_statements > len(naive.json())  # one per task at least: the N+1 it replaces
    items = planned.json()["items"]
    assert _without_counts(items) == _without_counts(naive.json())
    with Session(small) as session:
        counts = dict(
            session.execute(
                select(m.Comment.task_id, func.count()).group_by(m.Comment.task_id)
            ).all()
        )
    assert [item["comment_count"] for item in items] == [counts.get(i["id"], 0) for i in items]


def test_exact_payload_of_one_task(client: TestClient, small: Engine) -> None:
    response, statements, _ = get(client, "/tasks?limit=1", small)
    assert statements == 3
    assert response.json() == {
        "items": [
            {
                "id": 1,
                "name": "task 1",
                "priority": 5,
                "due_date": "2025-12-12",
                "status": {"shortName": "wip", "is_done": False},
                "type_name": "Modeling",
                "assignees": [
                    {"id": 2, "name": "Person 2", "email": "p2@studio.test"},
                    {"id": 4, "name": "Person 4", "email": "p4@studio.test"},
                ],
                "comments": [
                    {
                        "id": 2,
                        "text": "comment 2",
                        "author": {"id": 2, "name": "Person 2", "email": "p2@studio.test"},
                    },
                    {
                        "id": 1,
                        "text": "comment 1",
                        "author": {"id": 1, "name": "Person 1", "email": "p1@studio.test"},
                    },
                ],
                "comment_count": 2,
                "is_late": True,
            }
        ],
        "next_cursor": "eyJvcmRlciI6ImlkIiwia2V5cyI6WzFdfQ==",
    }


def test_a_list_response_model_answers_a_bare_list(client: TestClient, small: Engine) -> None:
    paged, _, _ = get(client, "/tasks?limit=3", small)
    bare, statements, _ = get(client, "/task-list?limit=3", small)
    assert statements == 3
    assert bare.json() == paged.json()["items"]
    assert bare.content.startswith(b"[{")
    assert b"next_cursor" not in bare.content
    narrowed, _, _ = get(client, "/task-list?fields=id,name&limit=2", small)
    assert narrowed.json() == [{"id": 1, "name": "task 1"}, {"id": 2, "name": "task 2"}]
    whole, _, _ = get(client, "/task-list?fields=id", small)
    assert len(whole.json()) == small_task_count(small)


def test_a_bare_list_has_no_total(client: TestClient, small: Engine) -> None:
    with count_queries(small) as log:
        response = client.get("/task-list?total=true")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": {"message": "a list response carries no total", "field": "total"}},
    )
    assert log.count == 0


def small_task_count(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(m.Task)) or 0)


def test_sparse_fieldset_shrinks_json_and_columns(client: TestClient, small: Engine) -> None:
    response, statements, sql = get(
        client, "/tasks?limit=2&fields=id,name,status.shortName,assignees.name", small
    )
    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "id": 1,
            "name": "task 1",
            "status": {"shortName": "wip"},
            "assignees": [{"name": "Person 2"}, {"name": "Person 4"}],
        },
        {
            "id": 2,
            "name": "task 2",
            "status": {"shortName": "done"},
            "assignees": [{"name": "Person 3"}, {"name": "Person 5"}],
        },
    ]
    assert statements == 2
    assert "priority" not in sql[0]
    assert "is_done" not in sql[0]
    assert "email" not in sql[1]
    assert "comment" not in " ".join(sql)


def test_a_relationship_named_alone_keeps_all_its_fields(client: TestClient, small: Engine) -> None:
    response, statements, _ = get(client, "/tasks?limit=1&fields=status", small)
    assert response.json()["items"] == [{"status": {"shortName": "wip", "is_done": False}}]
    assert statements == 1


def test_unknown_field_is_a_400_naming_it(client: TestClient) -> None:
    response = client.get("/tasks?fields=id,status.bogus")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert (detail["message"], detail["field"]) == ("unknown field", "status.bogus")
    assert detail["valid"][:6] == [
        "id",
        "name",
        "priority",
        "due_date",
        "status",
        "status.shortName",
    ]


def test_nested_list_arguments(client: TestClient, small: Engine) -> None:
    response, statements, sql = get(
        client, "/tasks?limit=3&fields=id,comments.id&comments.limit=1&comments.order=id", small
    )
    assert statements == 2
    assert "row_number() over (partition by comment.task_id" in sql[1].lower()
    assert response.json()["items"] == [
        {"id": 1, "comments": [{"id": 1}]},
        {"id": 2, "comments": [{"id": 3}]},
        {"id": 3, "comments": [{"id": 5}]},
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("status.limit=1", "status", "not a list: status.limit"),
        ("comments.limit=x", "comments.limit", "not an integer"),
        ("comments.limit=-1", "comments.limit", "must not be negative"),
        ("comments.limit=501", "comments.limit", "must not exceed 500"),
        ("comments.order=nope", "comments.nope", "cannot order by"),
        ("order=bogus", "bogus", "cannot order by"),
        ("cursor=nope&limit=1", "cursor", "invalid cursor"),
    ],
)
def test_invalid_arguments_are_400(
    client: TestClient, query: str, field: str, message: str
) -> None:
    response = client.get(f"/tasks?{query}")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert (detail["field"], detail["message"]) == (field, message)


def test_the_openapi_document_names_what_a_list_may_be_ordered_by(client: TestClient) -> None:
    """``order`` is declared per endpoint: its pattern accepts exactly the
    terms the endpoint orders by (or none: the default order), which the
    description names too."""
    [order] = [
        parameter
        for parameter in client.get("/openapi.json").json()["paths"]["/tasks"]["get"]["parameters"]
        if parameter["name"] == "order"
    ]
    names = ["due_date", "id", "name", "priority"]
    assert order["description"] == (
        f"Comma-separated fields, '-' for descending, of: {', '.join(names)} (e.g. -due_date)."
    )
    pattern = re.compile(order["schema"]["pattern"])
    for accepted in ["", "name", "-priority,id", " +due_date , -name"]:
        assert pattern.match(accepted), accepted
        assert client.get(f"/tasks?order={quote(accepted)}").status_code == 200
    for refused in ["bogus", "name,", "status.short_name", "namex"]:
        assert not pattern.match(refused), refused
    assert client.get("/tasks?order=namex").status_code == 400


def test_limit_above_the_maximum_is_422(client: TestClient) -> None:
    response = client.get("/tasks?limit=501")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_page_returns_exactly_n_roots_with_many_children(client: TestClient, small: Engine) -> None:
    response, _, _ = get(client, "/tasks?limit=5&fields=id,comments.id,assignees.id", small)
    assert [item["id"] for item in response.json()["items"]] == [1, 2, 3, 4, 5]


def test_offset_total_and_keyset_cursor(client: TestClient, small: Engine) -> None:
    first, statements, _ = get(
        client, "/tasks?limit=4&order=-priority&fields=id,priority&total=true", small
    )
    body = first.json()
    assert statements == 2
    assert body["total"] == 36
    with Session(small) as session:
        expected = (
            session.execute(select(m.Task.id).order_by(m.Task.priority.desc(), m.Task.id))
            .scalars()
            .all()
        )
    assert [i["id"] for i in body["items"]] == expected[:4]
    second = client.get(
        f"/tasks?limit=4&order=-priority&fields=id&cursor={body['next_cursor']}"
    ).json()
    assert [i["id"] for i in second["items"]] == expected[4:8]
    by_offset = client.get("/tasks?limit=4&offset=4&order=-priority&fields=id").json()
    assert by_offset["items"] == second["items"]
    last = client.get("/tasks?limit=4&offset=32&order=-priority&fields=id").json()
    assert last["next_cursor"] is None


def test_polymorphic_union_and_annotation(client: TestClient, small: Engine) -> None:
    response, statements, sql = get(client, "/projects/1", small)
    assert statements == 2
    assert "LEFT OUTER JOIN asset" in sql[1]
    assert response.json() == {
        "id": 1,
        "code": "P1",
        "entity_count": 6,
        "entities": [
            {"kind": "asset", "id": 1, "name": "asset 1", "asset_type": "char"},
            {"kind": "shot", "id": 2, "name": "shot 2", "frame_in": 2, "frame_out": 27},
            {"kind": "asset", "id": 3, "name": "asset 3", "asset_type": "set"},
            {"kind": "shot", "id": 4, "name": "shot 4", "frame_in": 4, "frame_out": 33},
            {"kind": "asset", "id": 5, "name": "asset 5", "asset_type": "prop"},
            {"kind": "shot", "id": 6, "name": "shot 6", "frame_in": 6, "frame_out": 39},
        ],
    }


def test_unknown_object_is_404(client: TestClient) -> None:
    response = client.get("/projects/999")
    assert (response.status_code, response.json()) == (404, {"detail": "not found"})


def test_an_empty_page_runs_if_empty(client: TestClient, small: Engine) -> None:
    """``if_empty`` (here: does the entity exist?) costs a statement only
    when the page has no rows."""
    rows, count, _ = get(client, "/entities/1/tasks?fields=id", small)
    assert (rows.json(), count) == ({"items": [{"id": 1}, {"id": 2}, {"id": 3}]}, 1)
    past_the_end, count, sql = get(client, "/entities/1/tasks?fields=id&offset=3", small)
    assert (past_the_end.json(), count) == ({"items": []}, 2)
    assert "FROM entity" in sql[1]
    missing, count, _ = get(client, "/entities/999/tasks?fields=id", small)
    assert (missing.status_code, missing.json(), count) == (
        404,
        {"detail": "entity 999 not found"},
        2,
    )


def test_explain_in_debug_mode(client: TestClient) -> None:
    response = client.get("/tasks?limit=2&fields=id,status.shortName&explain=1")
    body = response.json()
    assert body["statement_count"] == 1
    assert body["plan"].startswith("Task (1 statements)")
    assert "status -> Status [joined]" in body["plan"]
    header = client.get("/tasks?limit=2&fields=id", headers={"X-Loadplan-Explain": "1"}).json()
    assert set(header) == {"plan", "mode", "statement_count", "statements"}


async def test_async_endpoint(small: Engine, small_database: IsolatedDatabase) -> None:
    # No pool: the client serves requests on an event loop of its own, and a
    # MariaDB driver connection must not outlive the request that opened it.
    async_engine = async_engine_of(small_database, poolclass=NullPool)
    try:
        with TestClient(make_app(small, async_engine)) as async_client:
            with count_queries(async_engine) as log:
                response = async_client.get("/async/tasks?limit=3")
            sync = async_client.get("/tasks?limit=3")
        assert log.count == 3
        assert response.json() == sync.json()
        with count_queries(async_engine) as log:
            rows = async_client.get("/async/entities/1/tasks?fields=id")
            past_the_end = async_client.get("/async/entities/1/tasks?fields=id&offset=3")
            missing = async_client.get("/async/entities/999/tasks?fields=id")
        assert [len(r.json()["items"]) for r in (rows, past_the_end)] == [3, 0]
        assert (missing.status_code, missing.json()) == (404, {"detail": "entity 999 not found"})
        assert log.count == 1 + 2 + 2
    finally:
        await async_engine.dispose()
        small_database.engines.remove(async_engine)


def test_a_schema_field_nothing_can_load_fails_at_declaration() -> None:
    from pydantic import BaseModel

    from loadplan import LoadplanError
    from loadplan.fastapi import PlannedEndpoint

    class Broken(BaseModel):
        id: int
        nickname: str

    with pytest.raises(LoadplanError) as failure:
        PlannedEndpoint(m.Person, Broken)
    assert str(failure.value) == (
        "Broken.nickname: Person.nickname is not an attribute of the model; "
        "give the field loadplan.hint(...) or map it with validation_alias"
    )


def test_a_page_and_a_full_list_of_one_relationship(client: TestClient, small: Engine) -> None:
    response, statements, _ = get(client, "/entities?limit=2&tasks.limit=1&tasks.order=-id", small)
    # entities; all tasks (for task_names); the page of tasks
    assert statements == 3
    assert response.json()["items"] == [
        {
            "id": 1,
            "name": "asset 1",
            "tasks": [{"id": 3, "name": "task 3"}],
            "task_names": ["task 1", "task 2", "task 3"],
        },
        {
            "id": 2,
            "name": "shot 2",
            "tasks": [{"id": 6, "name": "task 6"}],
            "task_names": ["task 4", "task 5", "task 6"],
        },
    ]


def test_the_mode_is_chosen_per_response(client: TestClient) -> None:
    # is_late is a model property: it runs on the row. in_session needs the object.
    assert client.get("/tasks?limit=1").headers["x-loadplan-mode"] == "rows"
    state = client.get("/tasks/1/state", headers={"X-Loadplan-Mode": "rows"})
    assert state.headers["x-loadplan-mode"] == "orm"
    assert state.json() == {"id": 1, "in_session": True}
    assert client.get("/projects/1").headers["x-loadplan-mode"] == "rows"
    forced = client.get("/projects/1", headers={"X-Loadplan-Mode": "orm"})
    assert forced.headers["x-loadplan-mode"] == "orm"
    # Forcing a mode, and naming the one that ran, are the endpoint's to allow.
    entities = client.get("/entities", headers={"X-Loadplan-Mode": "orm"})
    assert "x-loadplan-mode" not in entities.headers
    # A response of plain values is built by the database (the JSON mode).
    explained = client.get("/tasks?limit=1&fields=id&explain=1").json()
    assert explained["mode"] == "json"
    assert explained["statement_count"] == 1


@pytest.fixture(scope="module")
def nullable(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """The small data set with a due date shared by many tasks and missing
    from every third one: an ordering key with ties and NULLs."""
    database = make_database(dialect)
    engine = database.engine()
    populate(engine, 3, every_parent_has_children=True)
    with Session(engine) as session:
        for task in session.scalars(select(m.Task)):
            task.due_date = None if task.id % 3 == 0 else dt.date(2025, 12, 1 + task.id % 4)
        session.commit()
    yield engine
    database.close_sync()


@pytest.fixture(scope="module")
def nullable_client(nullable: Engine) -> Iterator[TestClient]:
    with TestClient(make_app(nullable)) as test_client:
        yield test_client


def _expected_key(order: str) -> Callable[[Any], tuple[Any, ...]]:
    """Python's order of ``order``: ``due_date``'s NULLs after every date
    ascending and before every date descending, as a keyset ordering places
    them, then ``-priority`` if named, then the id."""
    descending = order.startswith("-")

    def key(task: Any) -> tuple[Any, ...]:
        day = (task.due_date or dt.date.min).toordinal()
        due = (task.due_date is not None, -day) if descending else (task.due_date is None, day)
        priority = (-task.priority,) if order.endswith("-priority") else ()
        return (*due, *priority, task.id)

    return key


@pytest.mark.parametrize("order", ["due_date", "-due_date", "-due_date,-priority"])
@pytest.mark.parametrize("limit", [1, 5, 36])
def test_keyset_pages_over_a_nullable_key_read_every_row_once_in_order(
    nullable_client: TestClient, nullable: Engine, order: str, limit: int
) -> None:
    """Paging by cursor over a key with ties and NULLs reads the rows of the
    unpaged list, each once, in its order, on every dialect (whose own NULL
    placements differ), at the unpaged list's statement count per page."""
    whole, statements, _ = get(nullable_client, f"/tasks?order={order}&fields=id", nullable)
    assert statements == 1
    expected = [item["id"] for item in whole.json()["items"]]
    with Session(nullable) as session:
        tasks = list(session.scalars(select(m.Task)))
    tasks.sort(key=_expected_key(order))
    assert expected == [t.id for t in tasks]
    seen: list[int] = []
    url = f"/tasks?order={order}&fields=id&limit={limit}"
    cursor: str | None = None
    for _ in range(40):
        page, statements, _ = get(
            nullable_client, url + (f"&cursor={cursor}" if cursor else ""), nullable
        )
        assert page.status_code == 200, page.json()
        assert statements == 1
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected


def test_a_cursor_of_another_order_or_of_the_old_form_is_a_400(
    client: TestClient, small: Engine
) -> None:
    """A cursor records the order it was made for (with where its NULLs go):
    passed with another ``order`` it is refused before any statement runs,
    as is a cursor of the earlier form (the bare list of keys)."""
    by_due = client.get("/tasks?order=due_date&fields=id&limit=2").json()["next_cursor"]
    assert base64.urlsafe_b64decode(by_due) == (
        b'{"order":"due_date nulls last, id","keys":["2025-12-03",22]}'
    )
    for url, message in [
        (
            f"/tasks?order=-due_date&fields=id&limit=2&cursor={by_due}",
            "cursor made for another order",
        ),
        (f"/tasks?fields=id&limit=2&cursor={by_due}", "cursor made for another order"),
        ("/tasks?fields=id&limit=2&cursor=WzFd", "invalid cursor"),
    ]:
        with count_queries(small) as log:
            response = client.get(url)
        assert response.status_code == 400
        assert response.json() == {"detail": {"message": message, "field": "cursor"}}
        assert log.count == 0


def test_the_page_after_a_null_key_seeks_by_is_null_branches(
    nullable_client: TestClient, nullable: Engine, dialect: str
) -> None:
    """Descending, NULLs come first: the page after the last NULL row goes on
    with the rest of the NULLs by id, then every dated row, in one statement
    whose ``ORDER BY`` ranks NULLs explicitly and whose ``LIMIT`` (the page
    and one row more) is written into the SQL."""
    first = nullable_client.get("/tasks?order=-due_date&fields=id,due_date&limit=11").json()
    assert [item["due_date"] for item in first["items"]] == [None] * 11
    assert json.loads(base64.urlsafe_b64decode(first["next_cursor"])) == {
        "order": "due_date desc nulls first, id",
        "keys": [None, 33],
    }
    url = f"/tasks?order=-due_date&fields=id,due_date&limit=2&cursor={first['next_cursor']}"
    second, statements, sql = get(nullable_client, url, nullable)
    assert statements == 1
    assert second.json() == {
        "items": [{"id": 36, "due_date": None}, {"id": 7, "due_date": "2025-12-04"}],
        "next_cursor": "eyJvcmRlciI6ImR1ZV9kYXRlIGRlc2MgbnVsbHMgZmlyc3QsIGlkIiwia2V5cyI6WyIyMDI1LTEyLTA0Iiw3XX0=",
    }
    if dialect == "sqlite":
        assert sql == [
            "SELECT task.id, task.due_date \nFROM task \n"
            "WHERE task.due_date IS NOT NULL OR task.due_date IS NULL AND task.id > ? "
            "ORDER BY CASE WHEN (task.due_date IS NULL) THEN ? ELSE ? END ASC, "
            "task.due_date DESC, task.id\n LIMIT 3 OFFSET ?"
        ]


def test_a_page_limit_is_written_into_the_statement_in_every_mode(
    nullable_client: TestClient, nullable: Engine
) -> None:
    """The page's ``LIMIT`` (its size and one row more) is in the SQL, not a
    bound parameter: PostgreSQL would plan a statement it prepared for any
    limit at all after five runs."""
    for mode in ("rows", "orm", "json"):
        with count_queries(nullable) as log:
            response = nullable_client.get(
                "/tasks?fields=id&limit=2", headers={"X-Loadplan-Mode": mode}
            )
        assert response.status_code == 200
        assert response.headers["x-loadplan-mode"] == mode
        assert [item["id"] for item in response.json()["items"]] == [1, 2]
        assert log.count == 1
        assert re.search(r"\bLIMIT 3\b", log.sql[0]), (mode, log.sql[0])


PERSON_BY_ROLE = loadplan.column_map("memberships", "role", "person_id", order_by=["role"])


class ProjectPeople(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    people: Annotated[dict[str, int], hint(annotate=PERSON_BY_ROLE)]


def test_a_json_mode_asked_for_falls_back_from_a_refusal_found_when_building(
    small: Engine,
) -> None:
    # A map over rows of a composite key (memberships) keeps one entry per
    # key on MariaDB by the item's single primary key: it has none, which
    # is known only once the statement is built. Asked for by the header,
    # the JSON mode falls back as auto does; forced, it says why.
    endpoint = PlannedEndpoint(m.Project, ProjectPeople, mode_header="X-Loadplan-Mode")
    app = FastAPI()

    def session() -> Iterator[Session]:
        with Session(small) as s:
            yield s

    @app.get("/projects/{project_id}/people", response_model=ProjectPeople)
    def people(
        project_id: int,
        planned: PlannedRequest = Depends(endpoint),
        db: Session = Depends(session),
    ) -> Response:
        return planned.one(db, select(m.Project).where(m.Project.id == project_id))

    with TestClient(app) as test_client:
        answers = {
            mode: test_client.get("/projects/1/people", headers={"X-Loadplan-Mode": mode})
            for mode in ("rows", "json")
        }
    on_mariadb = small.dialect.name == "mysql"
    assert answers["rows"].json() == {"id": 1, "people": {"role0": 3, "role1": 1, "role2": 2}}
    assert answers["json"].content == answers["rows"].content
    assert answers["json"].headers["X-Loadplan-Mode"] == ("rows" if on_mariadb else "json")
    plan = loadplan.plan(m.Project, selection_from_model(m.Project, ProjectPeople))
    plan = plan.with_document(document_of(ProjectPeople))
    stmt = select(m.Project).where(m.Project.id == 1)
    with Session(small) as db:
        if not on_mariadb:
            assert plan.fetch(db, stmt, mode="json").mode == "json"
            return
        with pytest.raises(PlanError) as refused:
            plan.fetch(db, stmt, mode="json")
    assert str(refused.value) == (
        "the JSON mode cannot answer this plan: "
        "a map projection over rows of a composite key on MariaDB"
    )


PARITY = {"even": 0, "odd": 1}
"""Two principals, each allowed the tasks and comments of one id parity."""


def _parity_rule(entity: Any, request: Any) -> Any:
    return entity.id % 2 == PARITY[request.headers["x-principal"]]


@pytest.fixture(scope="module")
def ruled(small: Engine) -> Iterator[tuple[PlannedEndpoint, TestClient]]:
    endpoint = PlannedEndpoint(
        m.Task, TaskOut, rules={m.Task: _parity_rule, m.Comment: _parity_rule}
    )
    with TestClient(_tasks_app(endpoint, small)) as test_client:
        yield endpoint, test_client


def _tasks_app(endpoint: PlannedEndpoint, small: Engine) -> FastAPI:
    app = FastAPI()

    def session() -> Iterator[Session]:
        with Session(small) as s:
            yield s

    @app.get("/tasks", response_model=endpoint.page_model)
    def tasks(
        planned: PlannedRequest = Depends(endpoint), db: Session = Depends(session)
    ) -> Response:
        return planned.page(db, select(m.Task))

    return app


def _expected_tasks(engine: Engine, parity: int, limit: int, descending: bool) -> list[Any]:
    """The ids of the principal's first tasks and of their comments it may see."""
    key = m.Task.id.desc() if descending else m.Task.id
    with Session(engine) as db:
        tasks = db.scalars(select(m.Task).where(m.Task.id % 2 == parity).order_by(key).limit(limit))
        return [
            {"id": t.id, "comments": [{"id": c.id} for c in t.comments if c.id % 2 == parity]}
            for t in tasks
        ]


def test_principals_sharing_a_cached_request_shape_get_their_own_rows(
    ruled: tuple[PlannedEndpoint, TestClient], small: Engine
) -> None:
    endpoint, client = ruled
    endpoint._shaped.cache_clear()
    url = "/tasks?fields=id,comments.id&limit=4"
    answers = {
        principal: client.get(url, headers={"X-Principal": principal}).json()
        for principal in ("even", "odd", "even")
    }
    assert answers["even"]["items"] == _expected_tasks(small, 0, 4, False)
    assert answers["odd"]["items"] == _expected_tasks(small, 1, 4, False)
    assert {t["id"] % 2 for t in answers["odd"]["items"]} == {1}
    # One shape, planned once, bound per request.
    info = endpoint._shaped.cache_info()
    assert (info.misses, info.currsize) == (1, 1)


def test_requests_of_other_fields_limits_or_orders_get_their_own_plans(
    ruled: tuple[PlannedEndpoint, TestClient], small: Engine
) -> None:
    endpoint, client = ruled
    endpoint._shaped.cache_clear()
    odd = {"X-Principal": "odd"}
    first = client.get("/tasks?fields=id,comments.id&limit=2", headers=odd).json()
    longer = client.get("/tasks?fields=id,comments.id&limit=3", headers=odd).json()
    narrower = client.get("/tasks?fields=id&limit=3", headers=odd).json()
    reversed_ = client.get("/tasks?fields=id,comments.id&limit=2&order=-id", headers=odd).json()
    assert first["items"] == _expected_tasks(small, 1, 2, False)
    assert longer["items"] == _expected_tasks(small, 1, 3, False)
    assert narrower["items"] == [{"id": t["id"]} for t in longer["items"]]
    assert reversed_["items"] == _expected_tasks(small, 1, 2, True)
    # The page size is a value: the first two share a shape.
    assert endpoint._shaped.cache_info().currsize == 3


def test_a_context_key_spares_rebuilding_the_rules_below_the_root_for_a_key_seen(
    small: Engine,
) -> None:
    built: list[str] = []

    def comment_rule(entity: Any, request: Any) -> Any:
        built.append(request.headers["x-principal"])
        return _parity_rule(entity, request)

    endpoint = PlannedEndpoint(
        m.Task,
        TaskOut,
        rules={m.Task: _parity_rule, m.Comment: comment_rule},
        context_key=lambda request: request.headers["x-principal"],
        mode_header="X-Loadplan-Mode",
    )
    url = "/tasks?fields=id,comments.id&limit=4"
    with TestClient(_tasks_app(endpoint, small)) as client:
        answers = [
            client.get(url, headers={"X-Principal": principal})
            for principal in ("even", "odd", "even")
        ]
    assert [a.headers["X-Loadplan-Mode"] for a in answers] == ["json"] * 3
    assert answers[0].json()["items"] == _expected_tasks(small, 0, 4, False)
    assert answers[1].json()["items"] == _expected_tasks(small, 1, 4, False)
    assert answers[2].content == answers[0].content
    assert built == ["even", "odd"]


def test_a_page_key_spares_building_the_statement_and_is_the_endpoints_own(
    small: Engine,
) -> None:
    # Two endpoints of one plan with the same keys for different statements
    # (tasks from id 1, tasks from id 3): each keeps its own.
    built: list[str] = []
    endpoints = {
        first: PlannedEndpoint(
            m.Task,
            TaskOut,
            rules={m.Task: _parity_rule},
            context_key=lambda request: request.headers["x-principal"],
            mode_header="X-Loadplan-Mode",
        )
        for first in (1, 3)
    }
    app = FastAPI()

    def session() -> Iterator[Session]:
        with Session(small) as s:
            yield s

    for first, endpoint in endpoints.items():

        def tasks(
            planned: PlannedRequest = Depends(endpoint),
            db: Session = Depends(session),
            first: int = first,
        ) -> Response:
            def statement() -> Select[Any]:
                built.append(f"from {first}")
                return select(m.Task).where(m.Task.id >= first)

            return planned.page(db, statement, key="tasks")

        app.get(f"/tasks-from-{first}", response_model=endpoint.page_model)(tasks)

    def ids(url: str, principal: str) -> list[int]:
        answer = client.get(url, headers={"X-Principal": principal})
        assert answer.headers["X-Loadplan-Mode"] == "json"
        return [item["id"] for item in answer.json()["items"]]

    with TestClient(app) as client:
        answers = [
            ids("/tasks-from-1?fields=id&limit=3", "even"),
            ids("/tasks-from-3?fields=id&limit=3", "even"),
            ids("/tasks-from-1?fields=id&limit=3", "even"),
            ids("/tasks-from-1?fields=id&limit=3", "odd"),
        ]
    assert built == ["from 1", "from 3", "from 1"]
    assert answers == [[2, 4, 6], [4, 6, 8], [2, 4, 6], [1, 3, 5]]
