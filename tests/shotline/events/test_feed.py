"""The activity feed (``GET /api/projects/{id}/events``): a project's events
by the access rules of reads, filtered, by pages."""

from __future__ import annotations

from typing import Any

from tests.shotline.auth.world import (
    ANCHOR_MOD,
    ANCHOR_RIG,
    CRATE_RIG,
    DONE,
    P1,
    P2,
    WIP,
)
from tests.shotline.events.conftest import Live


def _feed(live: Live, who: str, query: str = "") -> Any:
    answer = live.call(who, "GET", f"/api/projects/{P1}/events{query}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def _seen(live: Live, who: str, query: str = "") -> list[tuple[str, int | None]]:
    return [(item["kind"], item["task_id"]) for item in _feed(live, who, query)["items"]]


def _changes(live: Live) -> None:
    for task, body in [
        (ANCHOR_MOD, {"text": "Done here", "task_status_id": DONE}),
        (ANCHOR_RIG, {"text": "Internal note", "internal": True}),
        (CRATE_RIG, {"text": "Start please", "task_status_id": WIP}),
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


def test_each_role_reads_the_events_it_may_read_newest_first(live: Live) -> None:
    _changes(live)
    everything = [
        ("time_log.created", ANCHOR_RIG),
        ("task.status_changed", CRATE_RIG),
        ("comment.created", CRATE_RIG),
        ("comment.created", ANCHOR_RIG),
        ("task.status_changed", ANCHOR_MOD),
        ("comment.created", ANCHOR_MOD),
    ]
    assert _seen(live, "manager") == everything
    assert _seen(live, "admin") == everything
    # The vendor: only the tasks assigned to them (the anchor's rig).
    assert _seen(live, "vendor") == [everything[0], everything[3]]
    # The client: no internal comment, no time log.
    assert _seen(live, "client") == [everything[1], everything[2], everything[4], everything[5]]
    answer = live.call("outsider", "GET", f"/api/projects/{P1}/events")
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": [{"loc": [], "type": "not_found", "msg": f"project {P1} not found"}]
    }
    assert live.call("outsider", "GET", f"/api/projects/{P2}/events").json()["items"] == []


def test_filters_and_pages(live: Live) -> None:
    assert _seen(live, "manager", "?kind=task.") == [
        ("task.status_changed", CRATE_RIG),
        ("task.status_changed", ANCHOR_MOD),
    ]
    assert _seen(live, "manager", "?kind=comment.created&task_id=" + str(ANCHOR_MOD)) == [
        ("comment.created", ANCHOR_MOD)
    ]
    assert _seen(live, "manager", "?since=2999-01-01T00:00:00Z") == []
    first = _feed(live, "manager", "?limit=2")
    assert [item["kind"] for item in first["items"]] == ["time_log.created", "task.status_changed"]
    rest = _feed(live, "manager", f"?limit=4&cursor={first['next_cursor']}")
    assert [item["kind"] for item in rest["items"]] == [
        "comment.created",
        "comment.created",
        "task.status_changed",
        "comment.created",
    ]
    answer = live.call("manager", "GET", f"/api/projects/{P1}/events?since=2025-01-01T00:00:00")
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": [
            {
                "loc": ["since"],
                "type": "invalid",
                "msg": "needs a time zone (e.g. 2026-12-06T09:00:00Z)",
            }
        ]
    }
