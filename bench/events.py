"""Event delivery under load (``make bench-events``), on PostgreSQL.

Two server processes (``shotline.asgi``, as ``shotline serve --workers``
runs them) on one database; ``--clients`` event streams, half on each, of
people of every role; comments made at ``--rate`` per second for
``--seconds``, through both processes alternately, on tasks of two projects,
a quarter of them internal. Then it checks that every client received
exactly the events its person may read (by the rules of docs/events.md,
computed here from the data set, independently of the server), and reports
the delivery latency (from the event's time in the log to its arrival at
the client), the servers' resident memory, and whether the writes kept
their schedule: the rate achieved (changes over the time to the last
answer), how late each change was sent and how long its answer took.

The people: a quarter staff of project A (artists, who read all of it), a
quarter clients of A (no internal comment), a third vendors of A (each
assigned one task of A, and reading only its events), the rest on project
B only. Project A has 100 tasks, B 20; 90% of the comments go to A.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from sqlalchemy import Engine, create_engine, make_url, select, text
from sqlalchemy.orm import Session

from shotline import models as m
from shotline.asgi import DATABASE_URL
from shotline.auth import issue_token
from shotline.db import upgrade

RESULTS = Path(__file__).parent / "results" / "events.json"
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONNECT_ATTEMPTS = 5


@dataclass
class Person:
    id: int
    role: str  # staff, client, vendor, outsider
    task: int | None = None  # a vendor's task
    token: str = ""


@dataclass
class Studio:
    a: int
    b: int
    tasks_a: list[int]
    tasks_b: list[int]
    people: list[Person]
    writer_token: str


@dataclass
class Client:
    person: Person
    url: str
    received: dict[int, float] = field(default_factory=dict)
    duplicates: int = 0


def build(engine: Engine, clients: int) -> Studio:
    with Session(engine) as session:
        status = m.TaskStatus(name="Todo", short_name="todo")
        kind = m.TaskType(name="Modeling", short_name="mod", for_entity=m.ForEntity.ASSET)
        prop = m.AssetType(name="Prop")
        projects = [m.Project(name=f"Project {c}", code=f"P{c}") for c in "AB"]
        for project in projects:
            project.task_type_links = [m.ProjectTaskType(task_type=kind, position=0)]
            project.task_status_links = [m.ProjectTaskStatus(task_status=status, position=0)]
        writer = m.Person(first_name="Pat", last_name="Writer", email="w@b.test", role=m.Role.ADMIN)
        session.add_all([*projects, writer])
        session.flush()
        tasks: list[list[m.Task]] = []
        for project, count in zip(projects, (100, 20), strict=True):
            assets = [m.Asset(project=project, name=f"A{i}", asset_type=prop) for i in range(count)]
            session.add_all(assets)
            made = [
                m.Task(project=project, entity=a, task_type=kind, task_status=status)
                for a in assets
            ]
            session.add_all(made)
            tasks.append(made)
        session.flush()
        people: list[Person] = []
        shares = [("staff", 0.25), ("client", 0.25), ("vendor", 1 / 3)]
        bounds = [round(clients * sum(s for _, s in shares[: i + 1])) for i in range(3)]
        for number in range(clients):
            role = next(
                (r for (r, _), b in zip(shares, bounds, strict=True) if number < b), "outsider"
            )
            global_role = {
                "staff": m.Role.ARTIST,
                "client": m.Role.CLIENT,
                "vendor": m.Role.VENDOR,
                "outsider": m.Role.ARTIST,
            }[role]
            row = m.Person(
                first_name=f"P{number}", last_name=role, email=f"p{number}@b.test", role=global_role
            )
            session.add(row)
            session.flush()
            project = projects[1] if role == "outsider" else projects[0]
            session.add(m.ProjectMember(project_id=project.id, person_id=row.id))
            person = Person(row.id, role)
            if role == "vendor":
                task = tasks[0][number % len(tasks[0])]
                session.execute(m.task_assignee.insert().values(task_id=task.id, person_id=row.id))
                person.task = task.id
            people.append(person)
        session.flush()
        for person in people:
            _, person.token = issue_token(session, person.id, m.TokenKind.API)
        _, writer_token = issue_token(session, writer.id, m.TokenKind.API)
        session.commit()
        return Studio(
            projects[0].id,
            projects[1].id,
            [t.id for t in tasks[0]],
            [t.id for t in tasks[1]],
            people,
            writer_token,
        )


def start_servers(
    url: str, count: int, sample: Path | None = None
) -> tuple[list[subprocess.Popen[bytes]], list[str]]:
    """``sample``: run each under :mod:`bench.sampled_server`, writing where
    its time went to ``sample/server-<n>.json``."""
    environment = {**os.environ, DATABASE_URL: url}
    servers, urls = [], []
    for number in range(count):
        port = 18600 + number
        command = [sys.executable, "-m", "uvicorn", "shotline.asgi:application", "--factory"]
        if sample is not None:
            sample.mkdir(parents=True, exist_ok=True)
            out = sample / f"server-{number}.json"
            command = [sys.executable, "-m", "bench.sampled_server", str(out), "--", *command[3:]]
        servers.append(
            subprocess.Popen(
                [*command, "--port", str(port), "--log-level", "warning"], env=environment
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    for each in urls:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx2.get(f"{each}/healthz").status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{each} did not start")
            time.sleep(0.2)
    return servers, urls


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def follow(client: Client, opened: asyncio.Event, counter: list[int]) -> None:
    """Read one stream; a connection the loaded server did not accept in
    time is tried again (as browsers' EventSource does), before the changes
    start: the run waits for every stream to open."""
    for _ in range(CONNECT_ATTEMPTS - 1):
        try:
            await _follow(client, opened, counter)
            return
        except (httpx2.ConnectTimeout, httpx2.ConnectError):
            await asyncio.sleep(1)
    await _follow(client, opened, counter)


async def _follow(client: Client, opened: asyncio.Event, counter: list[int]) -> None:
    headers = {"Authorization": f"Bearer {client.person.token}"}
    timeout = httpx2.Timeout(30, read=None)
    async with (
        httpx2.AsyncClient(timeout=timeout) as http,
        http.stream("GET", client.url + "/api/events/stream", headers=headers) as answer,
    ):
        counter[0] += 1
        if counter[0] == counter[1]:
            opened.set()
        async for line in answer.aiter_lines():
            if line.startswith("id: "):
                ident = int(line[4:])
                if ident in client.received:
                    client.duplicates += 1
                client.received[ident] = time.time()


def write(
    urls: list[str], studio: Studio, rate: float, seconds: float, threads: int
) -> list[tuple[float, float]]:
    """Make ``rate * seconds`` comments on one schedule, the n-th due
    ``n / rate`` seconds after the start, through each server in turn, from
    ``threads`` threads (people at work: thread k makes changes k, k +
    threads, ..., each once its previous one is answered and it is due).
    Answers, for each change, when it was sent and when its answer came, as
    seconds after the start.

    One schedule for all, not one per thread: threads each pacing their own
    changes from their own start all sent theirs at the same instant, a
    burst of ``threads`` requests once every ``threads / rate`` seconds,
    answered one after another, so that those answered last were late for
    their next change."""
    chooser = random.Random(7)
    plan = [
        (
            chooser.choice(studio.tasks_a if chooser.random() < 0.9 else studio.tasks_b),
            chooser.random() < 0.25,
        )
        for _ in range(round(rate * seconds))
    ]
    done: list[tuple[float, float]] = [(0.0, 0.0)] * len(plan)
    start = time.monotonic() + 0.5

    def run(offset: int) -> None:
        headers = {"Authorization": f"Bearer {studio.writer_token}"}
        with httpx2.Client(timeout=30, headers=headers) as http:
            for number in range(offset, len(plan), threads):
                time.sleep(max(0.0, start + number / rate - time.monotonic()))
                sent = time.monotonic() - start
                task, internal = plan[number]
                url = urls[number % len(urls)]
                answer = http.post(
                    f"{url}/api/tasks/{task}/comments", json={"text": "x", "internal": internal}
                )
                answer.raise_for_status()
                done[number] = (sent, time.monotonic() - start)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return done


def expected(
    person: Person, event: tuple[int, int | None, int | None, bool], studio: Studio
) -> bool:
    _, project, task, restricted = event
    if person.role == "outsider":
        return project == studio.b
    if project != studio.a:
        return False
    if person.role == "staff":
        return True
    if person.role == "client":
        return not restricted
    return task == person.task


def _quantiles(seconds: list[float]) -> dict[str, float]:
    """p50, p99 and max of durations in seconds, in milliseconds."""
    ordered = sorted(seconds)
    return {
        "p50": round(1000 * statistics.median(ordered), 1),
        "p99": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1),
        "max": round(1000 * ordered[-1], 1),
    }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    schema = f"bench_events_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(args.url).update_query_dict({"options": f"-c search_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = create_engine(rendered)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        upgrade(engine)
        studio = build(engine, args.clients)
        servers, urls = start_servers(rendered, args.processes, args.sample)
        clients = [
            Client(person, urls[number % len(urls)]) for number, person in enumerate(studio.people)
        ]
        opened = asyncio.Event()
        counter = [0, len(clients)]
        followers = [asyncio.create_task(follow(c, opened, counter)) for c in clients]
        await asyncio.wait_for(opened.wait(), 300)
        await asyncio.sleep(1)
        memory_before = [rss_mib(s.pid) for s in servers]
        peak = list(memory_before)
        writing = asyncio.get_running_loop().run_in_executor(
            None, write, urls, studio, args.rate, args.seconds, args.writers
        )
        while not writing.done():
            await asyncio.wait([writing], timeout=1)
            peak = [max(p, rss_mib(s.pid)) for p, s in zip(peak, servers, strict=True)]
        done = writing.result()
        await asyncio.sleep(args.drain)
        memory_after = [rss_mib(s.pid) for s in servers]
        for follower in followers:
            follower.cancel()
        await asyncio.gather(*followers, return_exceptions=True)
        with Session(engine) as session:
            events = session.execute(
                select(
                    m.Event.id,
                    m.Event.project_id,
                    m.Event.task_id,
                    m.Event.restricted,
                    m.Event.created_at,
                )
            ).all()
        times = {ident: created.timestamp() for ident, *_, created in events}
        wrong = missing = delivered = 0
        latencies: list[float] = []
        for client in clients:
            allowed = {e[0] for e in events if expected(client.person, e[:4], studio)}
            got = set(client.received)
            missing += len(allowed - got)
            wrong += len(got - allowed)
            delivered += len(got & allowed)
            latencies += [client.received[i] - times[i] for i in got & allowed]
        return {
            "date": dt.date.today().isoformat(),
            "clients": len(clients),
            "processes": args.processes,
            "rate_per_second": args.rate,
            "seconds": args.seconds,
            "changes": len(done),
            "achieved_rate": round(len(done) / max(answered for _, answered in done), 1),
            "sent_late_ms": _quantiles(
                [sent - number / args.rate for number, (sent, _) in enumerate(done)]
            ),
            "answer_ms": _quantiles([answered - sent for sent, answered in done]),
            "events": len(events),
            "deliveries": delivered,
            "missing": missing,
            "to_others": wrong,
            "duplicates": sum(c.duplicates for c in clients),
            "latency_ms": _quantiles(latencies),
            "rss_mib": {
                "before": [round(v) for v in memory_before],
                "peak": [round(v) for v in peak],
                "after": [round(v) for v in memory_after],
            },
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_POSTGRESQL_URL", SERVER))
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--drain", type=float, default=10, help="seconds to wait at the end")
    parser.add_argument(
        "--writers",
        type=int,
        default=100,
        help="threads making the changes, each waiting for its answers (people at work: "
        "at 50 a second, each makes one every 2 s, so an answer may take up to 2 s)",
    )
    parser.add_argument(
        "--sample", type=Path, help="a directory: sample where each server's time goes"
    )
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    print(json.dumps(result, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
