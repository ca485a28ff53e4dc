"""SIGTERM stops ``shotline serve`` within a bounded time, even with a
request in flight that cannot finish (it used to hang until kill -9)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine

from tests.shotline.graphql.production import migrated_production
from tests.shotline.signin import bearer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigterm_ends_the_server_despite_a_request_stuck_on_a_lock(tmp_path: Path) -> None:
    path = tmp_path / "shotline.db"
    engine = create_engine(f"sqlite:///{path}")
    ids = migrated_production(engine, 1)
    headers = bearer(engine, ids.people["Ada"])
    engine.dispose()
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "shotline"),
            "serve",
            "--port",
            str(port),
            # The request below waits up to 60 s for the lock.
            "--database-url",
            f"sqlite:///{path}?timeout=60",
        ],
        env={**os.environ, "SHOTLINE_SHUTDOWN_SECONDS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        lock = sqlite3.connect(path, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        in_flight = threading.Thread(
            target=lambda: httpx.patch(
                f"{base}/api/people/{ids.people['Leo']}",
                json={"last_name": "Held"},
                headers=headers,
                timeout=90,
            ),
            daemon=True,
        )
        in_flight.start()
        time.sleep(1)
        started = time.perf_counter()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            raise AssertionError("the server was still running 15 s after SIGTERM") from None
        assert time.perf_counter() - started < 15
        lock.execute("ROLLBACK")
        lock.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
