"""Which loadplan mode answered a GraphQL request: the ``X-Loadplan-Mode``
response header and ``Server-Timing`` name it, per root field."""

from __future__ import annotations

import pytest

from shotline.settings import MODE_HEADER
from tests.shotline.graphql.conftest import Api


@pytest.mark.parametrize(
    ("query", "from_rows"),
    [
        # Plain fields, and resolvers that declare what they read and return
        # scalars (Person.fullName, Person.email): the fast path answers.
        ("{ taskTypes { name shortName } people { fullName email } }", "rows"),
        # Project.progress computes objects from a query of its own: it runs
        # on the project objects, the projects still come from rows.
        ("{ projects { name progress { total } } }", "rows"),
    ],
)
def test_the_response_names_the_modes_that_answered(
    small: Api, mode: str, query: str, from_rows: str
) -> None:
    response = small.http(query)
    assert response.status_code == 200
    assert "errors" not in response.json()
    expected = from_rows if mode == "rows" else "orm"
    assert response.headers[MODE_HEADER] == expected
    assert response.headers["server-timing"].startswith(f'mode;desc="{expected}", db;dur=')
