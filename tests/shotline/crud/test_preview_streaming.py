"""Uploads against a real server process: a file of hundreds of MB goes
through with the server's memory flat, and an upload cut off midway leaves
neither a file nor a row.

The server's memory is a property of the process, not of the database, so
these run on SQLite only. The file is generated while it is sent.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, insert, select

from shotline.db import upgrade
from shotline.models import Comment, Preview
from tests.shotline.crud.support import Production, build_production
from tests.shotline.signin import bearer

SIZE = 300 * 1024 * 1024
CHUNK = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42"
SERVER = """
import dataclasses, sys, uvicorn
from shotline.app import create_app
from shotline.db import make_engine
from shotline.settings import Settings
settings = dataclasses.replace(Settings(), preview_dir=sys.argv[2], ffmpeg="")
uvicorn.run(create_app(make_engine(sys.argv[1]), settings), host="127.0.0.1",
            port=int(sys.argv[3]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss(pid: int) -> int:
    """The resident memory of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise LookupError(pid)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    engine: Engine
    store: Path
    headers: dict[str, str]
    comment: int

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def files(self) -> list[Path]:
        return sorted(p for p in self.store.rglob("*") if p.is_file())

    def previews(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(Preview)).scalar_one())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path("/proc/self/status").exists():
        pytest.skip("measuring memory needs /proc")
    root = tmp_path_factory.mktemp("uploads")
    url = f"sqlite:///{root / 'shotline.db'}"
    engine = create_engine(url)
    upgrade(engine)
    prod: Production = build_production(engine)
    with engine.begin() as connection:
        comment = connection.execute(
            insert(Comment)
            .values(task_id=prod.lantern_modeling, person_id=prod.admin, text="v001")
            .returning(Comment.id)
        ).scalar_one()
    headers = bearer(engine, prod.admin)
    port = _free_port()
    store = root / "previews"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(store), str(port)],
        env={**os.environ, "SHOTLINE_SERVER_TIMING": "0"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield Server(process, port, engine, store, headers, int(comment))
    finally:
        process.terminate()
        process.wait(timeout=30)
        engine.dispose()


def _send(connection: http.client.HTTPConnection, server: Server, size: int) -> None:
    connection.putrequest("POST", f"/api/comments/{server.comment}/previews?filename=big.mp4")
    for name, value in {
        **server.headers,
        "Content-Type": "video/mp4",
        "Content-Length": str(size),
    }.items():
        connection.putheader(name, value)
    connection.endheaders()


def _chunks(size: int) -> Iterator[bytes]:
    """``size`` bytes of an MP4-looking file, made as they are sent."""
    block = bytes(range(256)) * (CHUNK // 256)
    sent = 0
    while sent < size:
        chunk = (MP4_HEAD + block[len(MP4_HEAD) :]) if sent == 0 else block
        chunk = chunk[: size - sent]
        sent += len(chunk)
        yield chunk


def test_a_large_upload_keeps_the_server_s_memory_flat(server: Server) -> None:
    # Warm up: the first upload allocates what every upload shares.
    warm = server.connection()
    _send(warm, server, 4 * CHUNK)
    for chunk in _chunks(4 * CHUNK):
        warm.send(chunk)
    assert warm.getresponse().status == 201
    before = rss(server.process.pid)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss(server.process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    digest = hashlib.sha256()
    connection = server.connection()
    try:
        _send(connection, server, SIZE)
        for chunk in _chunks(SIZE):
            digest.update(chunk)
            connection.send(chunk)
        response = connection.getresponse()
        body = response.read()
    finally:
        done.set()
        sampler.join()
    assert response.status == 201, body
    growth = peak - before
    print(f"\nserver RSS before {before / 2**20:.1f} MiB, peak during a {SIZE / 2**20:.0f} MiB "
          f"upload {peak / 2**20:.1f} MiB (+{growth / 2**20:.1f} MiB)")  # fmt: skip
    assert growth < 32 * 1024 * 1024
    stored = [p for p in server.files() if p.name == digest.hexdigest()]
    assert [p.stat().st_size for p in stored] == [SIZE]


def test_an_upload_cut_off_midway_leaves_nothing_behind(server: Server) -> None:
    files, rows = server.files(), server.previews()
    connection = server.connection()
    _send(connection, server, 100 * CHUNK)
    for index, chunk in enumerate(_chunks(100 * CHUNK)):
        if index == 20:
            break
        connection.send(chunk)
    # The upload is on its way to disk...
    deadline = time.monotonic() + 20
    while not any(p.parent.name == "tmp" for p in server.files()):
        assert time.monotonic() < deadline, "the upload never reached the disk"
        time.sleep(0.05)
    # ...when the client dies: the connection is reset, not closed politely.
    assert connection.sock is not None
    connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()
    deadline = time.monotonic() + 20
    while server.files() != files and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.files() == files
    assert server.previews() == rows
    assert server.process.poll() is None
