"""The load run: mixed requests at a fixed concurrency against several server processes.

    python -m bench.load --scale small --requests 10000 --concurrency 32 --servers 2

Starts ``--servers`` processes of ``shotline serve`` on one PostgreSQL
database (the benchmark's, see :mod:`bench.database`), signs in as the demo's
manager, and sends ``--requests`` requests, ``--concurrency`` at a time, to
the servers in turn: the asset grid's first page (REST), the same grid
through GraphQL, status changes (a comment with a status) and comments, in
the proportions of :data:`MIX`. Reports, per kind, the count, the errors
(any answer but the expected status, or no answer) and the median and 99th
percentile latency, and each server's resident memory after a warm-up and
after the run. Not a test: the machine's other work shows in the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

from bench import database
from shotline.demo import DEMO_PASSWORD

MIX = (("grid", 40), ("graphql grid", 30), ("status change", 15), ("comment", 15))
"""Request kinds and their shares, in percent."""

GRAPHQL_GRID = """query Grid($limit: Int) { project(id: "1") { id name
  assets(limit: $limit, order: [{name: ASC}, {id: ASC}]) { id name assetType { name }
    tasks { id taskType { name } taskStatus { shortName } assignees { id firstName lastName } } } } }"""


@dataclass
class Tally:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def row(self, kind: str) -> str:
        ms = sorted(s * 1000 for s in self.seconds)
        p50 = statistics.median(ms) if ms else 0.0
        p99 = ms[min(len(ms) - 1, round(len(ms) * 0.99))] if ms else 0.0
        return f"| {kind} | {len(ms)} | {len(self.errors)} | {p50:.1f} | {p99:.1f} |"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _start(url: str, count: int) -> list[tuple[subprocess.Popen[bytes], str]]:
    servers = []
    executable = str(Path(sys.executable).parent / "shotline")
    for _ in range(count):
        port = _free_port()
        process = subprocess.Popen(
            [executable, "serve", "--port", str(port), "--database-url", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "SHOTLINE_LOGIN_MAX_FAILURES": "5"},
        )
        servers.append((process, f"http://127.0.0.1:{port}"))
    for _, base in servers:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    return servers


class Load:
    def __init__(self, bases: list[str], token: str, tasks: list[int], statuses: list[int]) -> None:
        self.bases = bases
        self.headers = {"Authorization": f"Bearer {token}"}
        self.tasks = tasks
        self.statuses = statuses
        self.tallies: dict[str, Tally] = defaultdict(Tally)

    def request(self, kind: str, rng: random.Random) -> tuple[str, str, dict[str, Any] | None, int]:
        if kind == "grid":
            return "GET", "/api/projects/1/assets?limit=100", None, 200
        if kind == "graphql grid":
            return "POST", "/graphql", {"query": GRAPHQL_GRID, "variables": {"limit": 100}}, 200
        body: dict[str, Any] = {"text": f"note {rng.random():.6f}"}
        if kind == "status change":
            body["task_status_id"] = rng.choice(self.statuses)
        return "POST", f"/api/tasks/{rng.choice(self.tasks)}/comments", body, 201

    async def one(
        self, client: httpx.AsyncClient, index: int, kind: str, rng: random.Random
    ) -> None:
        method, path, body, expected = self.request(kind, rng)
        base = self.bases[index % len(self.bases)]
        started = time.perf_counter()
        try:
            answer = await client.request(method, base + path, json=body, headers=self.headers)
            ok = answer.status_code == expected and (
                kind != "graphql grid" or "errors" not in answer.json()
            )
            problem = "" if ok else f"{answer.status_code} {answer.text[:200]}"
        except httpx.HTTPError as error:
            problem = repr(error)
        tally = self.tallies[kind]
        tally.seconds.append(time.perf_counter() - started)
        if problem:
            tally.errors.append(problem)

    async def run(self, requests: int, concurrency: int, seed: int) -> float:
        rng = random.Random(seed)
        kinds = rng.choices([k for k, _ in MIX], [w for _, w in MIX], k=requests)
        gate = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=120, limits=limits) as client:

            async def gated(index: int, kind: str) -> None:
                async with gate:
                    await self.one(client, index, kind, rng)

            started = time.perf_counter()
            await asyncio.gather(*(gated(i, kind) for i, kind in enumerate(kinds)))
            return time.perf_counter() - started


def _setup(base: str) -> tuple[str, list[int], list[int]]:
    login = httpx.post(
        f"{base}/api/auth/login",
        json={"email": "manager@shotline.test", "password": DEMO_PASSWORD},
    )
    login.raise_for_status()
    token = login.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    tasks = httpx.get(
        f"{base}/api/projects/1/tasks?limit=500&fields=id", headers=headers, timeout=60
    ).json()["items"]
    settings = httpx.get(f"{base}/api/projects/1/settings", headers=headers, timeout=60).json()
    return token, [t["id"] for t in tasks], [s["id"] for s in settings["task_statuses"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=400)
    args = parser.parse_args(argv)

    db = database.prepare("postgresql", args.scale, args.seed)
    url = db.url.render_as_string(hide_password=False)
    servers = _start(url, args.servers)
    try:
        token, tasks, statuses = _setup(servers[0][1])
        load = Load([base for _, base in servers], token, tasks, statuses)
        asyncio.run(load.run(args.warm_up, args.concurrency, args.seed + 1))
        before = [_rss_mib(process.pid) for process, _ in servers]
        load.tallies.clear()
        seconds = asyncio.run(load.run(args.requests, args.concurrency, args.seed))
        after = [_rss_mib(process.pid) for process, _ in servers]
    finally:
        for process, _ in servers:
            process.terminate()
        for process, _ in servers:
            process.wait(30)
    total_errors = sum(len(t.errors) for t in load.tallies.values())
    print(
        f"{args.requests} requests, concurrency {args.concurrency}, {args.servers} servers, "
        f"PostgreSQL ({args.scale} demo): {seconds:.1f} s, "
        f"{args.requests / seconds:.0f} requests/s, {total_errors} errors"
    )
    print("| kind | requests | errors | p50 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for kind, _ in MIX:
        print(load.tallies[kind].row(kind))
    for index, (first, last) in enumerate(zip(before, after, strict=True)):
        print(
            f"server {index + 1}: {first:.0f} MiB after the warm-up, {last:.0f} MiB after the run"
        )
    for kind, tally in load.tallies.items():
        for problem in tally.errors[:3]:
            print(f"error ({kind}): {problem}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
