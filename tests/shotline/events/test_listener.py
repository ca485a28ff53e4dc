"""PostgreSQL: a process's listening connection that drops (here, its
backend terminated) reconnects, and the events committed meanwhile, whose
notifications nobody heard, are read back from the log and delivered, each
once, in order."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from shotline.events.broker import LISTENER_NAME
from tests.shotline.auth.world import SH0010_ANIM
from tests.shotline.events.conftest import Live
from tests.shotline.events.live import streams

pytestmark = pytest.mark.parametrize("dialect", ["postgresql"], indirect=True, scope="module")

TERMINATE = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE application_name = :name AND datname = current_database()"
)


def _comment(live: Live, text_: str) -> int:
    answer = live.call("manager", "POST", f"/api/tasks/{SH0010_ANIM}/comments", {"text": text_})
    assert answer.status_code == 201, answer.text
    ident: int = answer.json()["id"]
    return ident


def test_events_committed_while_the_listener_was_away_are_delivered(live: Live) -> None:
    with streams(live.url, {"vendor": live.headers["vendor"]}) as readers:
        reader = readers["vendor"]
        before = _comment(live, "Before")
        assert reader.take(1)[0].data["comment_id"] == before
        with live.engine.connect() as connection:
            assert connection.execute(TERMINATE, {"name": LISTENER_NAME}).scalar_one() == 1
            connection.commit()
        missed = [_comment(live, f"While away {n}") for n in range(3)]
        after = _comment(live, "After")
        got = reader.take(4, timeout=30)
        assert [r.data["comment_id"] for r in got] == [*missed, after]
        time.sleep(1)
        assert reader.events.empty(), reader.events.get()
