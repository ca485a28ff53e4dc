"""Events across server processes (PostgreSQL): a change made through one
process reaches the streams of another, and a stream resumed on either
receives exactly what it missed, in order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx2
import pytest
from websockets.sync.client import connect

from shotline.asgi import DATABASE_URL
from tests.databases import IsolatedDatabase
from tests.shotline.auth.world import ANCHOR_RIG, SH0010_ANIM
from tests.shotline.events.conftest import studio
from tests.shotline.events.live import StreamReader, free_socket


@dataclass(frozen=True)
class Processes:
    urls: list[str]
    headers: dict[str, dict[str, str]]

    def comment(self, process: int, who: str, task: int, text: str) -> int:
        answer = httpx2.post(
            f"{self.urls[process]}/api/tasks/{task}/comments",
            json={"text": text},
            headers=self.headers[who],
        )
        assert answer.status_code == 201, answer.text
        ident: int = answer.json()["id"]
        return ident


def _start(url: str, port: int, previews: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, DATABASE_URL: url, "SHOTLINE_PREVIEW_DIR": previews}
    command = [sys.executable, "-m", "uvicorn", "shotline.asgi:application", "--factory"]
    return subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=environment,
    )


def _ready(url: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx2.get(f"{url}/healthz").status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{url} did not start"
        time.sleep(0.1)


pytestmark = pytest.mark.parametrize("dialect", ["postgresql"], indirect=True, scope="module")


@pytest.fixture(scope="module")
def processes(
    dialect: str,
    make_database: Callable[[str], IsolatedDatabase],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Processes]:
    database = make_database(dialect)
    engine = database.engine()
    previews = tmp_path_factory.mktemp("previews")
    headers = studio(engine, previews)
    engine.dispose()
    url = database.url.update_query_dict({"options": database.connect_args["options"]})
    rendered = url.render_as_string(hide_password=False)
    ports = []
    for _ in range(2):
        sock = free_socket()
        ports.append(sock.getsockname()[1])
        sock.close()
    servers = [_start(rendered, port, str(previews)) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for each in urls:
            _ready(each)
        yield Processes(urls, headers)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        database.close_sync()


def test_a_change_through_one_process_reaches_a_stream_of_the_other(processes: Processes) -> None:
    vendor = StreamReader(processes.urls[1], processes.headers["vendor"]).start()
    try:
        comment = processes.comment(0, "manager", SH0010_ANIM, "From the first process")
        (received,) = vendor.take(1)
        assert (received.data["kind"], received.data["comment_id"]) == (
            "comment.created",
            comment,
        )
    finally:
        vendor.close()


def test_a_change_through_one_process_reaches_a_subscriber_of_the_other(
    processes: Processes,
) -> None:
    url = processes.urls[1].replace("http://", "ws://") + "/graphql"
    with connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers=processes.headers["client"],
    ) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        query = "subscription { events { kind commentId } }"
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        # Until the subscription is in place, changes may pass it by: comment
        # until one arrives, then check the next ones exactly.
        for _ in range(50):
            processes.comment(0, "manager", SH0010_ANIM, "Ping")
            try:
                socket.recv(timeout=0.2)
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("the subscription received nothing")
        while True:
            try:
                socket.recv(timeout=0.3)
            except TimeoutError:
                break
        comment = processes.comment(0, "manager", SH0010_ANIM, "For the client too")
        message = json.loads(socket.recv(timeout=10))
        assert message["payload"]["data"]["events"] == {
            "kind": "comment.created",
            "commentId": str(comment),
        }


def test_a_stream_resumed_on_the_other_process_receives_exactly_what_it_missed(
    processes: Processes,
) -> None:
    first = StreamReader(processes.urls[0], processes.headers["vendor"]).start()
    try:
        processes.comment(1, "manager", ANCHOR_RIG, "Seen")
        (seen,) = first.take(1)
    finally:
        first.close()
    missed = [
        processes.comment(process, "manager", task, f"Missed {n}")
        for n, (process, task) in enumerate([(0, ANCHOR_RIG), (1, SH0010_ANIM), (0, SH0010_ANIM)])
    ]
    resumed = StreamReader(
        processes.urls[1], {**processes.headers["vendor"], "Last-Event-ID": str(seen.id)}
    ).start()
    try:
        got = resumed.take(3)
        assert [r.data["comment_id"] for r in got] == missed
        assert [r.id for r in got] == sorted(r.id for r in got)
        after = processes.comment(0, "manager", ANCHOR_RIG, "Live again")
        assert resumed.take(1)[0].data["comment_id"] == after
        time.sleep(0.5)
        assert resumed.events.empty()
    finally:
        resumed.close()
