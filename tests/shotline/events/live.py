"""Live servers and event-stream clients for the events tests.

The stream never ends, which the in-process test client cannot read, so
these tests serve the app with uvicorn, in a thread of the test process (or,
for the test across processes, in processes of their own), and read streams
with a real HTTP client, each in a thread of its own.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
import uvicorn
from fastapi import FastAPI

STREAM = "/api/events/stream"


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free port in a thread; yields its base URL."""
    sock = free_socket()
    host, port = sock.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass
class Received:
    """An event as the stream sent it."""

    id: int
    data: dict[str, Any]


@dataclass
class StreamReader:
    """One open stream, read in a thread; events arrive in ``events``."""

    url: str
    headers: dict[str, str]
    events: queue.Queue[Received] = field(default_factory=queue.Queue)
    status: int | None = None
    opened: threading.Event = field(default_factory=threading.Event)
    _client: httpx2.Client | None = None
    _thread: threading.Thread | None = None

    def start(self) -> StreamReader:
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self.opened.wait(60), "the stream did not open"
        return self

    def _read(self) -> None:
        self._client = httpx2.Client(timeout=httpx2.Timeout(5, read=None))
        try:
            with self._client.stream("GET", self.url + STREAM, headers=self.headers) as answer:
                self.status = answer.status_code
                ident: int | None = None
                for line in answer.iter_lines():
                    if not self.opened.is_set():
                        self.opened.set()
                    if line.startswith("id: "):
                        ident = int(line[4:])
                    elif line.startswith("data: ") and ident is not None:
                        self.events.put(Received(ident, json.loads(line[6:])))
                        ident = None
        except (httpx2.HTTPError, RuntimeError):
            pass
        finally:
            self.opened.set()

    def take(self, count: int, timeout: float = 30) -> list[Received]:
        """The next ``count`` events (failing after ``timeout`` seconds)."""
        taken: list[Received] = []
        deadline = time.monotonic() + timeout
        while len(taken) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"received {len(taken)} of {count} events: {taken}"
            try:
                taken.append(self.events.get(timeout=remaining))
            except queue.Empty:
                continue
        return taken

    def ended(self, timeout: float) -> bool:
        """Whether the server ends the stream within ``timeout`` seconds."""
        assert self._thread is not None
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def close(self) -> None:
        """Stop reading (the thread ends with the connection)."""
        if self._client is not None:
            self._client.close()


@contextmanager
def streams(url: str, headers: dict[str, dict[str, str]]) -> Iterator[dict[str, StreamReader]]:
    """A stream per name of ``headers``, open for the block."""
    readers = {name: StreamReader(url, dict(sent)).start() for name, sent in headers.items()}
    try:
        yield readers
    finally:
        for reader in readers.values():
            reader.close()
