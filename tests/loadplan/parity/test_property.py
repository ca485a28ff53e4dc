"""Both modes answer any GraphQL query alike, at the same cost: random
queries over the parity schema, two data sizes, every dialect.

The queries mix columns, to-ones, lists with arguments, pages and
connections with their totals (keyset ones too), polymorphic fragments, computed fields,
model properties and resolvers, among them resolvers returning model
objects they read through their hints (alone, in a list, in a page, of a
polymorphic type). For each one, on a small and a larger data set, the
ORM mode and the row mode give the same JSON with the same number of
statements, and the same data as the optimizer off; where the JSON mode
answers (a root list of columns, to-ones and lists), the same JSON in one
statement.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from loadplan.testing import count_queries
from tests.loadplan.parity.schema import make_schema

ORM = make_schema()
ROWS = make_schema(rows=True, json="off")
JSON = make_schema(rows=True, mode_header="mode")
OFF = make_schema(enabled=False)

# Per type: (field template, type of its selection or None for a leaf).
# ``{k}`` takes a small page size; ``{}`` the selection below.
FIELDS: dict[str, list[tuple[str, str | None]]] = {
    "Issue": [
        ("id", None),
        ("name", None),
        ("priority", None),
        ("estimate", None),
        ("where", None),
        ("milestone {}", "Milestone"),
        ("milestoneOf {}", "Milestone"),
        ("links {{ label }}", None),
        ("firstLink {{ label }}", None),
    ],
    "Milestone": [
        ("id", None),
        ("name", None),
        ("project {}", "Project"),
        ("issues {}", "Issue"),
        ("byPriority: issues(order: [{{priority: DESC}}], limit: {k}) {}", "Issue"),
        ("urgent {}", "Issue"),
        ("urgentIssues {}", "Issue"),
        ("issuePage(limit: {k}) {{ totalCount results {} }}", "Issue"),
        ("issueConnection(first: {k}) {{ totalCount edges {{ node {} }} }}", "Issue"),
        ("firstIssues {{ totalCount results {} }}", "Issue"),
        ("topIssues {}", "Issue"),
        (
            "keysetIssues(first: {k}, order: [{{estimate: DESC}}]) {{ totalCount "
            "pageInfo {{ hasNextPage hasPreviousPage endCursor }} edges {{ cursor node {} }} }}",
            "Issue",
        ),
    ],
    "Project": [
        ("__typename", None),
        ("id", None),
        ("topic", None),
        ("title", None),
        ("company {{ name }}", None),
        ("milestones {}", "Milestone"),
        ("... on ArtProjectType {{ artist signature shoutedArtist }}", None),
        ("... on ResearchProjectType {{ supervisor }}", None),
        ("... on Named {{ name }}", None),
    ],
    "Company": [
        ("id", None),
        ("name", None),
        ("projects {}", "Project"),
        ("newestProject {}", "Project"),
    ],
}

ROOTS: list[tuple[str, str]] = [
    ("issues {}", "Issue"),
    ("milestones {}", "Milestone"),
    ("projects {}", "Project"),
    ("companies {}", "Company"),
    ("issuePage(limit: {k}, offset: 1) {{ totalCount results {} }}", "Issue"),
    ("milestone(id: 2) {}", "Milestone"),
    (
        "keysetIssues(last: {k}, order: [{{estimate: ASC}}]) "
        "{{ pageInfo {{ hasPreviousPage startCursor }} edges {{ cursor node {} }} }}",
        "Issue",
    ),
]


@st.composite
def selection_sets(draw: st.DrawFn, type_name: str, depth: int) -> str:
    """A selection set on ``type_name``, nested at most ``depth`` levels."""
    options = FIELDS[type_name]
    indexes = draw(st.lists(st.integers(0, len(options) - 1), min_size=2, max_size=4, unique=True))
    if type_name == "Issue" and {5, 6} <= set(indexes):
        # Not both: see test_a_relationship_as_a_field_and_through_a_hint
        # in test_resolvers.py.
        indexes.remove(6)
    parts: list[str] = []
    for index in sorted(indexes):
        template, below = options[index]
        if below is not None and depth == 0:
            continue
        inner = draw(selection_sets(below, depth - 1)) if below is not None else ""
        parts.append(template.format(inner, k=draw(st.integers(0, 3))))
    return "{ " + " ".join(parts or [options[0][0]]) + " }"


@st.composite
def queries(draw: st.DrawFn) -> str:
    template, type_name = draw(st.sampled_from(ROOTS))
    below = draw(selection_sets(type_name, 2))
    return "{ " + template.format(below, k=draw(st.integers(0, 3))) + " }"


def run(engine: Engine, query: str, schema: Any) -> tuple[str, int, str]:
    with Session(engine) as session, count_queries(engine) as log:
        result = schema.execute_sync(query, context_value={"session": session})
    assert result.errors is None, result.errors
    return json.dumps(result.data), log.count, log.describe()


def run_json(engine: Engine, query: str) -> tuple[str, int, str]:
    """The answer of the schema choosing the JSON mode, its statement count
    and the mode that ran."""
    response = SimpleNamespace(headers={})
    with Session(engine) as session, count_queries(engine) as log:
        context = {"session": session, "response": response}
        result = JSON.execute_sync(query, context_value=context)
    assert result.errors is None, result.errors
    return json.dumps(result.data), log.count, response.headers["mode"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries())
def test_both_modes_answer_alike_with_the_same_statements(
    small: Engine, large: Engine, query: str
) -> None:
    note(query)
    for engine in (small, large):
        orm, orm_count, orm_log = run(engine, query, ORM)
        rows, rows_count, rows_log = run(engine, query, ROWS)
        assert rows == orm
        assert rows_count == orm_count, f"orm:\n{orm_log}\nrows:\n{rows_log}"
        written, count, ran = run_json(engine, query)
        assert written == orm
        if ran == "json":
            assert count == 1
        else:
            assert count == orm_count
    assert orm == run(large, query, OFF)[0]
