"""Which loadplan mode answered a GraphQL request: the ``X-Loadplan-Mode``
response header and ``Server-Timing`` name it, per root field."""

from __future__ import annotations

import pytest

from shotline.settings import MODE_HEADER
from tests.shotline.graphql.conftest import Api


@pytest.mark.parametrize(
    ("query", "from_rows", "from_json"),
    [
        # Plain fields, built by the database (the task types), and resolvers
        # that declare what they read and return scalars (Person.fullName,
        # Person.email): the fast path answers.
        ("{ taskTypes { name shortName } people { fullName email } }", "rows", "rows,json"),
        # Project.progress computes objects from a query of its own: it runs
        # on the project objects, the projects still come from rows.
        ("{ projects { name progress { total } } }", "rows", "rows"),
        # Only columns: the database writes the whole answer.
        ("{ taskTypes { __typename id name } }", "rows", "json"),
    ],
)
def test_the_response_names_the_modes_that_answered(
    small: Api, mode: str, query: str, from_rows: str, from_json: str
) -> None:
    response = small.http(query)
    assert response.status_code == 200
    assert "errors" not in response.json()
    expected = {"rows": from_rows, "json": from_json}.get(mode, "orm")
    assert response.headers[MODE_HEADER] == expected
    assert response.headers["server-timing"].startswith(f'mode;desc="{expected}", db;dur=')
