"""GraphQL's activity feed (``Project.eventConnection``): the rows of the
REST feed, by the same access rules, filtered and paged by loadplan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from loadplan.testing import count_queries
from tests.shotline.auth.world import ANCHOR, ANCHOR_MOD, ANCHOR_RIG, CRATE_RIG, DONE, MANAGER, P1
from tests.shotline.events.conftest import Live

FEED = """
query($project: ID!, $filter: EventFilter, $first: Int, $after: String) {
  project(id: $project) {
    eventConnection(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id createdAt kind actorId projectId entityId taskId commentId personId
                     payload } }
    }
  }
}
"""

ROLES = ("admin", "manager", "supervisor", "artist", "vendor", "client", "outsider")


def _graphql(live: Live, who: str, variables: dict[str, Any]) -> Any:
    answer = live.call(who, "POST", "/graphql", {"query": FEED, "variables": variables})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]["project"]


def _as_rest(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL event as the REST feed writes it."""
    ids = ("actorId", "projectId", "entityId", "taskId", "commentId", "personId")
    names = {"createdAt": "created_at", **{i: i[:-2] + "_id" for i in ids}}
    return {
        names.get(key, key): (int(value) if key in (*ids, "id") and value is not None else value)
        for key, value in node.items()
    } | {"created_at": _time(node["createdAt"])}


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _rest(live: Live, who: str, query: str) -> list[dict[str, Any]] | None:
    answer = live.call(who, "GET", f"/api/projects/{P1}/events?limit=200{query}")
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return [item | {"created_at": _time(item["created_at"])} for item in items]


@pytest.fixture(scope="module")
def changes(live: Live) -> None:
    for task, body in [
        (ANCHOR_MOD, {"text": "Done here", "task_status_id": DONE}),
        (ANCHOR_RIG, {"text": "Internal note", "internal": True}),
        (CRATE_RIG, {"text": "Looks right"}),
    ]:
        answer = live.call("manager", "POST", f"/api/tasks/{task}/comments", body)
        assert answer.status_code == 201, answer.text
    answer = live.call(
        "manager",
        "POST",
        f"/api/tasks/{ANCHOR_RIG}/time-logs",
        {"day": "2025-03-05", "minutes": 30},
    )
    assert answer.status_code == 201, answer.text


FILTERS = [
    ("", None),
    ("&kind=task.", {"kind": {"startswith": "task."}}),
    ("&kind=comment.created", {"kind": {"eq": "comment.created"}}),
    (
        f"&person_id={MANAGER}",
        {"OR": [{"actorId": {"eq": str(MANAGER)}}, {"personId": {"eq": str(MANAGER)}}]},
    ),
    (f"&entity_id={ANCHOR}", {"entityId": {"eq": str(ANCHOR)}}),
    (f"&task_id={ANCHOR_RIG}", {"taskId": {"eq": str(ANCHOR_RIG)}}),
    ("&since=2999-01-01T00:00:00Z", {"createdAt": {"ge": "2999-01-01T00:00:00+00:00"}}),
    ("&until=2999-01-01T00:00:00Z", {"createdAt": {"lt": "2999-01-01T00:00:00+00:00"}}),
]


@pytest.mark.usefixtures("changes")
@pytest.mark.parametrize("who", ROLES)
def test_each_role_reads_the_rows_of_the_rest_feed(live: Live, who: str) -> None:
    for query, condition in FILTERS:
        rest = _rest(live, who, query)
        project = _graphql(live, who, {"project": str(P1), "filter": condition})
        if rest is None:  # a project the person is not on: null, as every read of it
            assert project is None, who
            continue
        connection = project["eventConnection"]
        assert [_as_rest(edge["node"]) for edge in connection["edges"]] == rest, (who, query)
        assert connection["totalCount"] == len(rest)


@pytest.mark.usefixtures("changes")
def test_pages_follow_each_other(live: Live) -> None:
    everything = _rest(live, "manager", "")
    assert everything is not None
    assert len(everything) >= 5
    seen: list[int] = []
    after = None
    while True:
        page = _graphql(live, "manager", {"project": str(P1), "first": 2, "after": after})
        connection = page["eventConnection"]
        seen += [int(edge["node"]["id"]) for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == [item["id"] for item in everything]
    # Pages that stay put while events arrive: older than the last id read.
    older = _graphql(
        live, "manager", {"project": str(P1), "first": 2, "filter": {"number": {"lt": seen[1]}}}
    )
    assert [int(e["node"]["id"]) for e in older["eventConnection"]["edges"]] == seen[2:4]


@pytest.mark.usefixtures("changes")
@pytest.mark.parametrize("who", ["manager", "vendor"])
def test_a_page_with_its_total_is_one_statement(live: Live, who: str) -> None:
    with count_queries(live.engine) as log:
        _graphql(live, who, {"project": str(P1), "first": 2})
    # The token, the project, then the page (its total counted in the same statement).
    assert [sql.split(",")[0].split()[:2] for sql in log.sql] == [
        ["SELECT", "auth_token.id"],
        ["SELECT", "project.id"],
        ["SELECT", "event.id"],
    ]
