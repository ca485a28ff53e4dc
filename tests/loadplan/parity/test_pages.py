"""Offset pages carry their metadata (``pageInfo``: limit, offset, whether
rows come after or before), in both modes, at the same statement count."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from tests.loadplan.parity.test_defects import OFF, ORM, ROWS, run

QUERY = (
    "{ issuePage(limit: 2, offset: 16) { totalCount "
    "pageInfo { limit offset hasNextPage hasPreviousPage } results { id } } "
    "milestones(limit: 2) { issuePage(limit: 2) { pageInfo { limit offset hasNextPage "
    "hasPreviousPage } results { id } } "
    "firstIssues { pageInfo { limit } } } }"
)


def test_page_metadata_in_both_modes(small: Engine, large: Engine) -> None:
    first_two = {"limit": 2, "offset": 0, "hasNextPage": True, "hasPreviousPage": False}
    expected = {
        "issuePage": {
            "totalCount": 18,
            "pageInfo": {"limit": 2, "offset": 16, "hasNextPage": False, "hasPreviousPage": True},
            "results": [{"id": "17"}, {"id": "18"}],
        },
        "milestones": [
            {
                "issuePage": {"pageInfo": first_two, "results": [{"id": "1"}, {"id": "2"}]},
                # A page its resolver builds without metadata.
                "firstIssues": {"pageInfo": None},
            },
            {
                "issuePage": {"pageInfo": first_two, "results": [{"id": "4"}, {"id": "5"}]},
                "firstIssues": {"pageInfo": None},
            },
        ],
    }
    for engine in (small, large):
        data, log = run(engine, QUERY)
        log.assert_count(5)
        rows, row_log = run(engine, QUERY, ROWS)
        row_log.assert_count(5)
        assert json.dumps(rows) == json.dumps(data)
        assert data == run(engine, QUERY, OFF)[0]
        if engine is small:
            assert data == expected
        else:
            assert data["issuePage"]["pageInfo"]["hasNextPage"] is True


def test_the_page_type_has_its_metadata() -> None:
    page = ORM._schema.get_type("IssueTypeOffsetPage")
    assert list(page.fields) == ["results", "totalCount", "pageInfo"]
    info = ORM._schema.get_type("OffsetPageInfo")
    assert list(info.fields) == ["limit", "offset", "hasNextPage", "hasPreviousPage"]
