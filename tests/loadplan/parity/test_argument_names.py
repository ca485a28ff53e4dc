"""A list field may leave out its generated arguments or rename them
(``arguments=``), and answers alike in both modes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

import loadplan.strawberry as lp
from loadplan.errors import LoadplanError
from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run


def _arguments(type_name: str, field_name: str) -> list[str]:
    return list(ORM._schema.get_type(type_name).fields[field_name].args)


def test_the_schema_has_the_arguments_as_declared() -> None:
    assert _arguments("MilestoneType", "plainIssues") == []
    assert _arguments("MilestoneType", "renamedIssues") == ["where", "orderBy", "limit"]
    assert _arguments("MilestoneType", "renamedConnection") == [
        "filter",
        "order",
        "take",
        "from",
        "before",
    ]
    assert _arguments("Query", "issueList") == ["where", "size", "skip"]
    assert _arguments("MilestoneType", "issues") == ["filter", "order", "limit", "offset"]


def test_an_unknown_argument_name_is_refused() -> None:
    with pytest.raises(LoadplanError, match="arguments= names page: a list field's arguments"):
        lp.field(arguments={"page": "p"})


QUERY = (
    "{ milestone(id: 2) { plainIssues { id } "
    "renamedIssues(where: {priority: {gt: 1}}, orderBy: [{priority: DESC}], limit: 1) { id } "
    'renamedConnection(take: 1, from: "bG9hZHBsYW46MA==") { totalCount edges { cursor node { id } } } } '
    "issueList(where: {priority: {eq: 5}}, size: 2, skip: 1) { totalCount results { id } } }"
)


def test_renamed_arguments_in_both_modes(small: Engine, large: Engine) -> None:
    expected = {
        "milestone": {
            "plainIssues": [{"id": "4"}, {"id": "5"}, {"id": "6"}],
            "renamedIssues": [{"id": "6"}],
            "renamedConnection": {
                "totalCount": 3,
                "edges": [{"cursor": "bG9hZHBsYW46MQ==", "node": {"id": "5"}}],
            },
        },
        "issueList": {"totalCount": 6, "results": [{"id": "6"}, {"id": "9"}]},
    }
    for engine in (small, large):
        data, log = run(engine, QUERY)
        log.assert_count(6)
        rows, row_log = run(engine, QUERY, ROWS)
        row_log.assert_count(6)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, QUERY, OFF)[0]
        if engine is small:
            assert data == expected
        else:
            assert data["issueList"]["totalCount"] == 18
