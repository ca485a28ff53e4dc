"""Fanning committed events out to the streams a server process holds.

Each process has one :class:`Broker`. It learns of committed events from the
database (PostgreSQL: ``LISTEN shotline_events`` on a connection of its own,
in a thread; each notification is a range of event ids) or from its own
commits (the other dialects: :func:`shotline.events.log.listen_locally`).
Whatever arrives while a fan-out runs is taken by the next one, so a burst
of changes costs a few fan-outs, not one per event.

A fan-out spends two statements, however many streams are open: one reads
the new events, one asks which of the people connected may read each of
them (:data:`shotline.events.rules.READERS`), both built once and run on
a plain connection; then every stream gets, in
one message, the events its person may read, in the order of their ids.

A stream that does not keep up (its queue full: :data:`QUEUE_SIZE`
fan-outs behind) is closed; its client reconnects with ``Last-Event-ID``
and reads what it missed from the log.

Streams and GraphQL sockets are opened with a token; every
:data:`~shotline.events.tokens.CHECK_SECONDS` the broker checks, in one
statement, that their tokens are still good (:mod:`shotline.events.tokens`),
and closes those of a revoked or expired token (``revoked`` is then set).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Engine, bindparam, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, sessionmaker

from shotline.events.log import (
    CHANNEL,
    listen_locally,
    notifies_itself,
    stop_listening_locally,
)
from shotline.events.rules import READERS
from shotline.events.tokens import CHECK_SECONDS, live_tokens
from shotline.models import Event

__all__ = [
    "QUEUE_SIZE",
    "Broker",
    "Message",
    "SocketWatch",
    "Subscriber",
    "as_message",
    "event_data",
]

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000
"""Fan-outs a stream may fall behind before it is closed."""
REMEMBERED = 100_000
"""Event ids a broker remembers having delivered: PostgreSQL's notifications
name ranges, which may overlap events another transaction already sent."""
LISTEN_POLL_SECONDS = 1.0
LISTENER_NAME = "shotline-events"
"""The ``application_name`` of each process's listening connection."""
CATCH_UP = 1000
"""Event ids before the last one heard of that a reconnected listener reads
back: the events of a transaction that committed while the listener was
away, after this many later events had been written, would be missed."""


@dataclass(frozen=True)
class Message:
    """An event as a stream sends it: its id and its JSON."""

    id: int
    data: str


NEW_EVENTS = select(*Event.__table__.c).where(
    Event.__table__.c.id.between(bindparam("first"), bindparam("last"))
)
"""The events whose ids are between ``first`` and ``last``, as rows."""


def event_data(event: Event | Row[Any]) -> dict[str, Any]:
    """An event as clients read it (the stream's data, the feed's items), from
    the model or a row of its table."""
    return {
        "id": event.id,
        "created_at": event.created_at.isoformat(),
        "kind": event.kind,
        "actor_id": event.actor_id,
        "project_id": event.project_id,
        "entity_id": event.entity_id,
        "task_id": event.task_id,
        "comment_id": event.comment_id,
        "person_id": event.person_id,
        "payload": event.payload,
    }


def as_message(event: Event | Row[Any]) -> Message:
    return Message(event.id, orjson.dumps(event_data(event)).decode())


@dataclass(eq=False)
class Subscriber:
    """One open stream of one person, opened with the token ``token_id``;
    ``revoked``: closed because that token is no longer good."""

    person_id: int
    token_id: int | None = None
    queue: asyncio.Queue[list[Message] | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_SIZE)
    )
    revoked: bool = False


@dataclass(eq=False)
class SocketWatch:
    """A GraphQL socket opened with the token ``token_id``: ``revoked`` is
    set once that token is no longer good."""

    token_id: int
    revoked: asyncio.Event = field(default_factory=asyncio.Event)


class Broker:
    def __init__(self, engine: Engine, sessions: sessionmaker[Session]) -> None:
        self.engine = engine
        self.sessions = sessions
        self.subscribers: set[Subscriber] = set()
        self.sockets: set[SocketWatch] = set()
        self.check_seconds = CHECK_SECONDS
        self._pending: list[tuple[int, int]] = []
        self._heard: int | None = None
        self._delivered: set[int] = set()
        self._delivered_order: deque[int] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._checks: asyncio.Task[None] | None = None
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None

    # -- Life cycle ------------------------------------------------------------------

    def _start(self) -> None:
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._stop.clear()
        self._task = self._loop.create_task(self._fan_out())
        self._checks = self._loop.create_task(self._check_tokens())
        if notifies_itself(self.engine):
            self._listener = threading.Thread(
                target=self._listen, name="shotline-events", daemon=True
            )
            self._listener.start()
        else:
            listen_locally(self.engine, self._committed)

    async def stop(self) -> None:
        """Stop listening and close every stream."""
        if self._task is None:
            return
        self._stop.set()
        stop_listening_locally(self.engine, self._committed)
        for task in (self._task, self._checks):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        self._task = self._checks = None
        if self._listener is not None:
            await asyncio.to_thread(self._listener.join)
            self._listener = None
        for subscriber in list(self.subscribers):
            self._close(subscriber)

    # -- Subscriptions ---------------------------------------------------------------

    def subscribe(self, person_id: int, token_id: int | None = None) -> Subscriber:
        """A new stream of ``person_id``'s events (from now on), open while
        the token ``token_id`` is good."""
        self._start()
        subscriber = Subscriber(person_id, token_id)
        self.subscribers.add(subscriber)
        return subscriber

    def watch(self, token_id: int) -> SocketWatch:
        """Follow the token of a GraphQL socket, which is closed once it is revoked."""
        self._start()
        watch = SocketWatch(token_id)
        self.sockets.add(watch)
        return watch

    def unwatch(self, watch: SocketWatch) -> None:
        self.sockets.discard(watch)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    def _close(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        while True:
            try:
                subscriber.queue.put_nowait(None)
                return
            except asyncio.QueueFull:
                subscriber.queue.get_nowait()

    # -- Arrivals --------------------------------------------------------------------

    def _committed(self, ids: Sequence[int]) -> None:
        """From a committing thread (SQLite, MariaDB)."""
        self._arrived(min(ids), max(ids))

    def _arrived(self, first: int, last: int) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._queue_range, first, last)

    def _queue_range(self, first: int, last: int) -> None:
        self._pending.append((first, last))
        if self._wake is not None:
            self._wake.set()

    def _listen(self) -> None:
        """PostgreSQL: follow the channel on a connection of its own until stopped."""
        while not self._stop.is_set():
            try:
                self._follow_channel()
            except Exception:  # a dropped connection: listen again
                log.exception("listening for events failed; listening again")
                self._stop.wait(LISTEN_POLL_SECONDS)

    def _follow_channel(self) -> None:
        """Listen, then catch up: the notifications sent while no connection
        listened (the first time, none matter: streams start with the next
        change) are read back from the log, from a little before the last
        event heard of, as a transaction may commit after a later one; the
        events already delivered are not sent again."""
        raw = self.engine.raw_connection()
        try:
            connection: Any = raw.driver_connection
            connection.autocommit = True
            connection.execute(f"SET application_name = '{LISTENER_NAME}'")
            connection.execute(f"LISTEN {CHANNEL}")
            latest = connection.execute("SELECT max(id) FROM event").fetchone()[0] or 0
            if self._heard is not None and latest > self._heard - CATCH_UP:
                self._arrived(max(self._heard - CATCH_UP, 0) + 1, latest)
            self._heard = max(self._heard or 0, latest)
            while not self._stop.is_set():
                for notice in connection.notifies(timeout=LISTEN_POLL_SECONDS):
                    first, _, last = notice.payload.partition("-")
                    self._heard = max(self._heard, int(last or first))
                    self._arrived(int(first), int(last or first))
        finally:
            raw.invalidate()

    # -- Tokens ----------------------------------------------------------------------

    async def _check_tokens(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            held = {s.token_id for s in self.subscribers if s.token_id is not None}
            held |= {watch.token_id for watch in self.sockets}
            if not held:
                continue
            try:
                live = await asyncio.to_thread(live_tokens, self.sessions, held)
            except Exception:
                log.exception("checking the tokens of open streams failed")
                continue
            self._revoke(held - live)

    def _revoke(self, token_ids: set[int]) -> None:
        for subscriber in list(self.subscribers):
            if subscriber.token_id in token_ids:
                subscriber.revoked = True
                self._close(subscriber)
        for watch in list(self.sockets):
            if watch.token_id in token_ids:
                self.sockets.discard(watch)
                watch.revoked.set()

    # -- Fan-out ---------------------------------------------------------------------

    async def _fan_out(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            ranges, self._pending = self._pending, []
            if not ranges:
                continue
            if not self.subscribers:
                # Nobody to send them to: a catch-up must not send them later.
                self._remember(i for first, last in ranges for i in range(first, last + 1))
                continue
            people = sorted({subscriber.person_id for subscriber in self.subscribers})
            try:
                messages, pairs = await asyncio.to_thread(self._read, ranges, people)
            except Exception:
                log.exception("reading events to deliver failed")
                continue
            self._deliver(messages, pairs)

    def _read(
        self, ranges: list[tuple[int, int]], people: list[int]
    ) -> tuple[dict[int, Message], list[tuple[int, int]]]:
        wanted = {
            event_id
            for first, last in ranges
            for event_id in range(first, last + 1)
            if event_id not in self._delivered
        }
        if not wanted:
            return {}, []
        first, last = min(wanted), max(wanted)
        bounds = {"first": first, "last": last}
        # Core, not the ORM: rows are all a message needs, and the session's
        # soft-delete listener would rebuild the prepared statements' options.
        with self.engine.connect() as connection:
            events = connection.execute(NEW_EVENTS, bounds).all()
            pairs = connection.execute(READERS, {**bounds, "people": people}).all()
        messages = {event.id: as_message(event) for event in events if event.id in wanted}
        return messages, [(e, p) for e, p in pairs if e in messages]

    def _remember(self, event_ids: Iterable[int]) -> None:
        for event_id in event_ids:
            if event_id not in self._delivered:
                self._delivered.add(event_id)
                self._delivered_order.append(event_id)
        while len(self._delivered_order) > REMEMBERED:
            self._delivered.discard(self._delivered_order.popleft())

    def _deliver(self, messages: dict[int, Message], pairs: list[tuple[int, int]]) -> None:
        self._remember(sorted(messages))
        per_person: dict[int, list[Message]] = {}
        for event_id, person_id in pairs:
            per_person.setdefault(person_id, []).append(messages[event_id])
        for subscriber in list(self.subscribers):
            batch = per_person.get(subscriber.person_id)
            if not batch:
                continue
            try:
                subscriber.queue.put_nowait(batch)
            except asyncio.QueueFull:
                log.warning("closing a stream of person %s: too far behind", subscriber.person_id)
                self._close(subscriber)
