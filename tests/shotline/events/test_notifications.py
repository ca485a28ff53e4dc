"""Notifications: events filtered per person (assignments, @mentions,
comments and status changes of tasks they are assigned to or watch), with
what they have read; task watches."""

from __future__ import annotations

from typing import Any

from tests.shotline.auth.world import (
    ANCHOR_MOD,
    ANCHOR_RIG,
    DONE,
    LENA,
    MISSING,
    SH0020_ANIM,
)
from tests.shotline.events.conftest import Live


def _kinds(live: Live, who: str, **params: Any) -> list[tuple[str, int | None, bool]]:
    answer = live.call(who, "GET", "/api/notifications" + _query(params))
    assert answer.status_code == 200, answer.text
    return [
        (item["event"]["kind"], item["event"]["task_id"], item["read"])
        for item in answer.json()["items"]
    ]


def _query(params: dict[str, Any]) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""


def _unread(live: Live, who: str) -> int:
    answer = live.call(who, "GET", "/api/notifications/unread-count")
    assert answer.status_code == 200, answer.text
    unread: int = answer.json()["unread"]
    return unread


def _comment(live: Live, who: str, task: int, text: str, **extra: Any) -> int:
    answer = live.call(who, "POST", f"/api/tasks/{task}/comments", {"text": text, **extra})
    assert answer.status_code == 201, answer.text
    ident: int = answer.json()["id"]
    return ident


def test_assignments_mentions_and_the_tasks_of_assignees_and_watchers(live: Live) -> None:
    # The artist's task: a comment and a status change notify them, not the author.
    _comment(live, "manager", ANCHOR_MOD, "Looks good", task_status_id=DONE)
    assert _kinds(live, "artist") == [
        ("task.status_changed", ANCHOR_MOD, False),
        ("comment.created", ANCHOR_MOD, False),
    ]
    assert _kinds(live, "manager") == []
    # An assignment notifies the person assigned.
    answer = live.call(
        "manager", "POST", f"/api/tasks/{SH0020_ANIM}/assignees", {"person_ids": [LENA]}
    )
    assert answer.status_code == 200, answer.text
    assert _kinds(live, "lena") == [("task.assigned", SH0020_ANIM, False)]
    # Mentions: a client is not told of an internal comment.
    _comment(live, "manager", ANCHOR_RIG, "@Client Test and @lena test, see this", internal=True)
    _comment(live, "manager", ANCHOR_RIG, "@Client Test, your call.")
    assert _kinds(live, "client") == [("comment.created", ANCHOR_RIG, False)]
    assert _kinds(live, "lena")[0] == ("comment.created", ANCHOR_RIG, False)
    # Watching a task: its comments notify; unwatching stops them.
    assert live.call("supervisor", "PUT", f"/api/tasks/{SH0020_ANIM}/watch").status_code == 204
    assert live.call("supervisor", "PUT", f"/api/tasks/{SH0020_ANIM}/watch").status_code == 204
    _comment(live, "manager", SH0020_ANIM, "Blocking done?")
    assert _kinds(live, "supervisor")[0] == ("comment.created", SH0020_ANIM, False)
    assert live.call("supervisor", "DELETE", f"/api/tasks/{SH0020_ANIM}/watch").status_code == 204
    before = _kinds(live, "supervisor")
    _comment(live, "manager", SH0020_ANIM, "Anyone?")
    assert _kinds(live, "supervisor") == before


def test_read_one_or_all(live: Live) -> None:
    _comment(live, "manager", ANCHOR_MOD, "First")
    _comment(live, "manager", ANCHOR_MOD, "Second")
    answer = live.call("artist", "GET", "/api/notifications?unread=true&limit=1")
    page = answer.json()
    assert len(page["items"]) == 1
    newest = page["items"][0]["event"]["id"]
    unread = _unread(live, "artist")
    assert unread >= 2
    assert live.call("artist", "POST", f"/api/notifications/{newest}/read").status_code == 204
    assert live.call("artist", "POST", f"/api/notifications/{newest}/read").status_code == 204
    assert _unread(live, "artist") == unread - 1
    assert _kinds(live, "artist", limit=1)[0][2] is True
    # The next page starts after the cursor.
    second = live.call("artist", "GET", f"/api/notifications?limit=1&cursor={page['next_cursor']}")
    assert second.json()["items"][0]["event"]["id"] < newest
    assert live.call("artist", "POST", "/api/notifications/read").status_code == 204
    assert _unread(live, "artist") == 0
    assert all(read for *_, read in _kinds(live, "artist"))


def test_refusals(live: Live) -> None:
    # Another person's notification, or no event at all: 404.
    theirs = live.call("artist", "GET", "/api/notifications").json()["items"]
    assert theirs, "the artist has notifications"
    event = theirs[0]["event"]["id"]
    answer = live.call("client", "POST", f"/api/notifications/{event}/read")
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": [{"loc": [], "type": "not_found", "msg": f"notification {event} not found"}]
    }
    answer = live.call("artist", "POST", f"/api/notifications/{MISSING}/read")
    assert answer.status_code == 404
    # A task the vendor does not see cannot be watched.
    answer = live.call("vendor", "PUT", f"/api/tasks/{ANCHOR_MOD}/watch")
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": [{"loc": [], "type": "not_found", "msg": f"task {ANCHOR_MOD} not found"}]
    }
    answer = live.call("artist", "GET", "/api/notifications?cursor=abc")
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": [{"loc": ["cursor"], "type": "invalid", "msg": "not a cursor of this list"}]
    }


def test_the_same_through_graphql(live: Live) -> None:
    def graphql(who: str, query: str) -> Any:
        answer = live.call(who, "POST", "/graphql", {"query": query})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert "errors" not in body, body
        return body["data"]

    assert graphql("artist", "mutation { markNotificationsRead }") == {"markNotificationsRead": 0}
    watched = graphql("supervisor", f'mutation {{ watchTask(taskId: "{ANCHOR_RIG}") }}')
    assert watched == {"watchTask": True}
    comment = _comment(live, "manager", ANCHOR_RIG, "For the watchers")
    data = graphql(
        "supervisor",
        "{ unreadNotificationCount notifications(unread: true, first: 1) "
        "{ read event { kind taskId commentId } } }",
    )
    assert data["notifications"] == [
        {
            "read": False,
            "event": {
                "kind": "comment.created",
                "taskId": str(ANCHOR_RIG),
                "commentId": str(comment),
            },
        }
    ]
    assert data["unreadNotificationCount"] >= 1
    assert graphql("supervisor", "mutation { markNotificationsRead }") == {
        "markNotificationsRead": 0
    }
    assert graphql(
        "supervisor", f'mutation {{ watchTask(taskId: "{ANCHOR_RIG}", watch: false) }}'
    ) == {"watchTask": False}
