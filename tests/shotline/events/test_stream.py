"""The event stream (``GET /api/events/stream``): who receives what, and a
stream resumed with ``Last-Event-ID``."""

from __future__ import annotations

import time

import httpx2
from sqlalchemy import func, select

from shotline.models import Event
from tests.shotline.auth.world import (
    ANCHOR_MOD,
    ANCHOR_RIG,
    ARTIST,
    BELL,
    BELL_MOD,
    CRATE_RIG,
    DONE,
    E01,
    P1,
    PROP,
    SH0010_ANIM,
    SH0020,
    SQ010,
    VENDOR,
    WIP,
    ZED_MOD,
)
from tests.shotline.events.conftest import Live
from tests.shotline.events.live import StreamReader, streams

EVERYONE = ("admin", "manager", "supervisor", "artist", "vendor", "client", "outsider", "lena")


def _changes(live: Live) -> list[tuple[str, str, set[str]]]:
    """Make the scripted changes; answers, for each event they record, its
    kind, its task and who may receive it."""
    on_p1 = {"admin", "manager", "supervisor", "artist", "client", "lena"}
    made: list[tuple[str, str, set[str]]] = []

    def status(who: str, task: int, status_id: int) -> None:
        answer = live.call(
            who,
            "POST",
            f"/api/tasks/{task}/comments",
            {"text": "Moving on.", "task_status_id": status_id},
        )
        assert answer.status_code == 201, answer.text

    # The artist's task: not the vendor's.
    status("manager", ANCHOR_MOD, DONE)
    made += [("comment.created", "ANCHOR_MOD", on_p1), ("task.status_changed", "ANCHOR_MOD", on_p1)]
    # An internal comment on the vendor's task: not for the client.
    answer = live.call(
        "manager",
        "POST",
        f"/api/tasks/{ANCHOR_RIG}/comments",
        {"text": "Between us.", "internal": True},
    )
    assert answer.status_code == 201, answer.text
    made.append(("comment.created", "ANCHOR_RIG", on_p1 - {"client"} | {"vendor"}))
    # The vendor is assigned the crate's rig, and from then on reads it.
    answer = live.call(
        "manager", "POST", f"/api/tasks/{CRATE_RIG}/assignees", {"person_ids": [VENDOR]}
    )
    assert answer.status_code == 200, answer.text
    made.append(("task.assigned", "CRATE_RIG", on_p1 | {"vendor"}))
    status("manager", CRATE_RIG, WIP)
    made += [
        ("comment.created", "CRATE_RIG", on_p1 | {"vendor"}),
        ("task.status_changed", "CRATE_RIG", on_p1 | {"vendor"}),
    ]
    # The artist is taken off their task: they are told.
    answer = live.call("manager", "DELETE", f"/api/tasks/{ANCHOR_MOD}/assignees/{ARTIST}")
    assert answer.status_code == 204, answer.text
    made.append(("task.unassigned", "ANCHOR_MOD", on_p1))
    # Another project: its manager and the admin only.
    status("outsider", ZED_MOD, DONE)
    made += [
        ("comment.created", "ZED_MOD", {"admin", "outsider"}),
        ("task.status_changed", "ZED_MOD", {"admin", "outsider"}),
    ]
    # The vendor's shot, last: every member of LHK reads it.
    status("manager", SH0010_ANIM, DONE)
    made += [
        ("comment.created", "SH0010_ANIM", on_p1 | {"vendor"}),
        ("task.status_changed", "SH0010_ANIM", on_p1 | {"vendor"}),
    ]
    return made


TASKS = {
    ANCHOR_MOD: "ANCHOR_MOD",
    ANCHOR_RIG: "ANCHOR_RIG",
    CRATE_RIG: "CRATE_RIG",
    ZED_MOD: "ZED_MOD",
    SH0010_ANIM: "SH0010_ANIM",
}


def test_each_role_receives_the_events_of_rows_it_may_read(live: Live) -> None:
    with streams(live.url, {name: live.headers[name] for name in EVERYONE}) as readers:
        made = _changes(live)
        for name, reader in readers.items():
            expected = [(kind, task) for kind, task, who in made if name in who]
            got = reader.take(len(expected))
            assert [(r.data["kind"], TASKS[r.data["task_id"]]) for r in got] == expected, name
            assert [r.id for r in got] == sorted(r.id for r in got)
        time.sleep(0.3)
        for name, reader in readers.items():
            assert reader.events.empty(), f"{name} received more: {reader.events.get()}"


def test_an_event_as_the_stream_sends_it(live: Live) -> None:
    with streams(live.url, {"supervisor": live.headers["supervisor"]}) as readers:
        answer = live.call(
            "manager",
            "POST",
            f"/api/tasks/{ANCHOR_MOD}/comments",
            {"text": "Ready", "task_status_id": WIP},
        )
        assert answer.status_code == 201, answer.text
        comment = answer.json()["id"]
        received, changed = readers["supervisor"].take(2)
    with live.engine.connect() as connection:
        created = connection.scalar(select(Event.created_at).where(Event.id == received.id))
    assert created is not None
    common = {
        "created_at": created.isoformat(),
        "actor_id": 1102,
        "project_id": 1501,
        "entity_id": 1601,
        "task_id": ANCHOR_MOD,
        "comment_id": comment,
    }
    assert received.data == {
        **common,
        "id": received.id,
        "kind": "comment.created",
        "person_id": 1102,
        "payload": {"internal": False, "task_status_id": WIP},
    }
    assert changed.data == {
        **common,
        "id": received.id + 1,
        "kind": "task.status_changed",
        "person_id": None,
        "payload": {"before": DONE, "after": WIP, "comment_id": comment},
    }


def test_a_client_that_reconnects_receives_what_it_missed_in_order(live: Live) -> None:
    with streams(live.url, {"vendor": live.headers["vendor"]}) as readers:
        first = live.call("manager", "POST", f"/api/tasks/{SH0010_ANIM}/comments", {"text": "One"})
        assert first.status_code == 201
        seen = readers["vendor"].take(1)[0]
    missed = []
    for text in ("Two", "Three"):
        answer = live.call("manager", "POST", f"/api/tasks/{SH0010_ANIM}/comments", {"text": text})
        assert answer.status_code == 201
        missed.append(answer.json()["id"])
    # Not the vendor's: never sent to them, now or on resumption.
    hidden = live.call("manager", "POST", f"/api/tasks/{ANCHOR_MOD}/comments", {"text": "Four"})
    assert hidden.status_code == 201
    resumed = StreamReader(
        live.url, {**live.headers["vendor"], "Last-Event-ID": str(seen.id)}
    ).start()
    try:
        got = resumed.take(2)
        assert [r.data["comment_id"] for r in got] == missed
        live.call("manager", "POST", f"/api/tasks/{SH0010_ANIM}/comments", {"text": "Five"})
        assert resumed.take(1)[0].data["kind"] == "comment.created"
        time.sleep(0.3)
        assert resumed.events.empty()
    finally:
        resumed.close()


def test_a_bad_last_event_id_is_a_400(live: Live) -> None:
    answer = httpx2.get(
        live.url + "/api/events/stream", headers={**live.headers["vendor"], "Last-Event-ID": "abc"}
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": [
            {
                "loc": ["Last-Event-ID"],
                "type": "invalid",
                "msg": "must be the id of an event (a whole number)",
            }
        ]
    }


def test_a_refused_change_records_nothing(live: Live) -> None:
    with live.engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Event))
    answer = live.call(
        "vendor",
        "POST",
        f"/api/tasks/{ANCHOR_MOD}/comments",
        {"text": "Not mine", "task_status_id": WIP},
    )
    assert answer.status_code == 404
    with live.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Event)) == before


def test_a_vendor_receives_the_events_of_the_entities_it_reads(live: Live) -> None:
    """The vendor reads the entities of its tasks and the sequence and
    episode above its shot: their events reach it, and its asset's deletion
    and restoration with its task; the other entities' events do not."""
    changes = [
        ("PATCH", f"/api/sequences/{SQ010}", {"description": "Harbour"}),
        ("PATCH", f"/api/episodes/{E01}", {"description": "Pilot"}),
        ("PATCH", f"/api/shots/{SH0020}", {"description": "Not theirs"}),
        ("POST", f"/api/projects/{P1}/assets", {"name": "Dory", "asset_type_id": PROP}),
        ("PATCH", f"/api/assets/{BELL}", {"description": "Theirs"}),
        ("DELETE", f"/api/assets/{BELL}", None),
        ("POST", f"/api/assets/{BELL}/restore", None),
    ]
    with streams(live.url, {n: live.headers[n] for n in ("vendor", "artist")}) as readers:
        answers = [live.call("manager", method, url, body) for method, url, body in changes]
        assert [a.status_code for a in answers] == [200, 200, 200, 201, 200, 204, 200]
        dory = answers[3].json()["id"]
        everything = [
            ("entity.updated", SQ010, None),
            ("entity.updated", E01, None),
            ("entity.updated", SH0020, None),
            ("entity.created", dory, None),
            ("entity.updated", BELL, None),
            ("entity.deleted", BELL, None),
            ("task.deleted", BELL, BELL_MOD),
            ("entity.restored", BELL, None),
            ("task.restored", BELL, BELL_MOD),
        ]
        theirs = [e for e in everything if e[1] not in {SH0020, dory}]
        for name, expected in (("artist", everything), ("vendor", theirs)):
            got = readers[name].take(len(expected))
            assert [(r.data["kind"], r.data["entity_id"], r.data["task_id"]) for r in got] == (
                expected
            ), name
        time.sleep(0.3)
        assert readers["vendor"].events.empty(), readers["vendor"].events.get()
