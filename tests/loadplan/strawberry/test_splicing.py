"""The GraphQL JSON mode with ``splice=True``: the database's texts left
unparsed, as an ``orjson.Fragment`` that ``orjson.dumps`` writes into the
response, byte for byte the response of the other modes. (Apart from
``test_documents``: these tests need orjson, the fastapi extra's.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import loadplan as lp
from loadplan.strawberry import extension
from loadplan.strawberry.documents import spliced
from loadplan.testing import count_queries
from tests.loadplan.strawberry.schema import make_schema
from tests.loadplan.strawberry.test_documents import WRITTEN

HEADER = "X-Loadplan-Mode"
ORM = make_schema()
ROWS = make_schema(rows=True, mode_header=HEADER, json="off")
SPLICED = make_schema(rows=True, mode_header=HEADER, splice=True)


def answer(
    engine: Engine, schema: Any, query: str, variables: dict[str, Any] | None = None
) -> tuple[bytes, int, str | None, Any]:
    """The response as orjson writes it (data and errors), its statement
    count, the modes that ran and the data as execution left it."""
    response = SimpleNamespace(headers={})
    with Session(engine) as session, count_queries(engine) as log:
        result = schema.execute_sync(
            query,
            variable_values=variables,
            context_value={"session": session, "response": response},
        )
    errors = [error.formatted for error in result.errors or []]
    body = orjson.dumps({"data": result.data, "errors": errors})
    return body, log.count, response.headers.get(HEADER), result.data


@pytest.mark.parametrize(
    ("query", "variables"), [c[1:] for c in WRITTEN], ids=[c[0] for c in WRITTEN]
)
def test_spliced_answers_are_the_bytes_of_the_other_modes(
    small: Engine, large: Engine, query: str, variables: dict[str, Any] | None
) -> None:
    for engine in (small, large):
        orm, _, _, _ = answer(engine, ORM, query, variables)
        rows, _, ran, _ = answer(engine, ROWS, query, variables)
        assert ran == "rows"
        written, count, ran, data = answer(engine, SPLICED, query, variables)
        assert (ran, count) == ("json", 1)
        assert written == rows == orm
        assert b'"errors":[]' in written
        (value,) = data.values()
        assert value is None or isinstance(value, orjson.Fragment)


def test_the_exact_bytes_of_a_spliced_answer(small: Engine) -> None:
    query = (
        "{ p: projects(limit: 2) { __typename code c: code status "
        "seqs: sequences(limit: 1) { name } } }"
    )
    body, count, ran, _ = answer(small, SPLICED, query)
    assert (ran, count) == ("json", 1)
    assert body == (
        b'{"data":{"p":['
        b'{"__typename":"ProjectGQL","code":"P1","c":"P1","status":"open",'
        b'"seqs":[{"name":"SQ000"}]},'
        b'{"__typename":"ProjectGQL","code":"P2","c":"P2","status":"open",'
        b'"seqs":[{"name":"SQ000"}]}'
        b']},"errors":[]}'
    )


@pytest.mark.parametrize(
    "query",
    [
        # Out of GraphQL's Int: a field error, as the row mode raises it.
        "{ tasks(limit: 2) { id hugeNumber } }",
        # A non-null field over a NULL: the error nulls the item's parent.
        "{ tasks(limit: 2) { id parentKey } }",
    ],
)
def test_what_would_be_a_field_error_is_not_spliced(small: Engine, query: str) -> None:
    body, count, ran, _ = answer(small, SPLICED, query)
    assert (ran, count) == ("rows", 2)
    assert body == answer(small, ORM, query)[0]
    assert orjson.loads(body)["errors"]


def test_root_fields_beside_a_spliced_one_run_as_before(small: Engine) -> None:
    query = "{ tasks(limit: 1) { title } projects(limit: 1) { name } }"
    body, count, ran, data = answer(small, SPLICED, query)
    assert (ran, count) == ("rows,json", 2)
    assert isinstance(data["projects"], orjson.Fragment)
    assert body == answer(small, ORM, query)[0]


def test_the_texts_are_spliced_as_a_list_or_one_item() -> None:
    texts = ['{"b":[1,{"a":null}],"a":"x"}', '{"b":[],"a":""}']
    many = spliced(texts, is_list=True)
    one = spliced(texts[:1], is_list=False)
    assert many is not None
    assert one is not None
    assert orjson.dumps({"x": many.value}) == b'{"x":[' + ",".join(texts).encode() + b"]}"
    assert orjson.dumps(one.value) == texts[0].encode()
    none = spliced([], is_list=True)
    assert none is not None
    assert orjson.dumps(none.value) == b"[]"
    assert spliced([], is_list=False) is None


def test_splicing_without_orjson_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extension, "SPLICING", False)
    with pytest.raises(lp.LoadplanError, match=r"splice=True\) needs orjson"):
        extension.OptimizerExtension(splice=True)
