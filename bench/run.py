"""``make bench``: every implementation on every workload, interleaved, in one run.

    python -m bench.run --scale medium --dialect sqlite

Phases, each printed as it goes:

1. the database (built once per scale and seed, then reused);
2. the correctness guard: every implementation answers every workload once,
   its payload is normalised and compared with the hand-written one; any
   difference stops the run before anything is timed;
3. statements and rows fetched (one counted request each);
4. peak memory: ``tracemalloc``'s peak of Python allocations during one
   request, above what was allocated before it, the largest of up to three
   requests (a phase of its own, since tracing slows everything down);
5. latency: warm-up requests, then rounds in which every implementation
   answers once, in a new random order each round, so that machine noise
   hits everyone alike; a full garbage collection before each timed request
   (outside its time; start-up objects frozen first with ``gc.freeze``);
   median and 95th percentile per implementation, and the garbage
   collections each timed request ran (and the time they took), counted by
   a ``gc.callbacks`` hook.

Peers run on the demo's data shape only: the dense shape compares loadplan
with the references, which keeps a run within its time.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import database, report
from bench.gc_meter import GcMeter
from bench.impls.base import GraphQLFailure, Implementation, Unsupported
from bench.workloads import TABLE, W1_SIZES, first_difference, w1

REFERENCE = "hand"
LIMIT = "sql"
PEERS = {"django", "strawchemy", "mapper"}

BUDGET = {"W1": 45.0, "W2": 75.0, "W3": 35.0, "W3/1000": 35.0, "W4": 35.0, "W5": 35.0}
SWEEP_BUDGET = 15.0
"""Seconds of timed rounds per row of the table (each W1 sweep size gets
``SWEEP_BUDGET``): the rounds that fit, estimated from the last warm-up
round, between ``MIN_ROUNDS`` and ``MAX_ROUNDS``. ``--rounds`` scales the
budgets. They keep ``make bench SCALE=medium`` within 15 minutes on a
2-core machine, on PostgreSQL too."""
MIN_ROUNDS = {"W2": 3}
MAX_ROUNDS = 40
WARMUP = 2


@dataclass
class Cell:
    """One implementation on one workload."""

    impl: str
    workload: str
    unsupported: str | None = None
    statements: int | None = None
    rows: int | None = None
    peak_bytes: int | None = None
    bytes_out: int | None = None
    samples: list[float] = field(default_factory=list)
    gc_runs: list[int] = field(default_factory=list)
    """Garbage collections during each timed request (any generation)."""
    gc_full: list[int] = field(default_factory=list)
    """Of those, full (generation 2) collections."""
    gc_seconds: list[float] = field(default_factory=list)
    """Time each timed request spent in collections."""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def log(message: str) -> None:
    print(message, flush=True)


def implementations(
    engine: Any, db: database.BenchDatabase, only: set[str] | None
) -> tuple[list[Implementation], dict[str, str]]:
    """Every implementation that could be set up, and why the others could not."""
    from bench.impls import auth, loadplan_impls, sqlalchemy_impls

    token = auth.admin_token(engine)
    made: list[Implementation] = [
        *sqlalchemy_impls.make(engine, token),
        loadplan_impls.LoadplanRest(engine, token),
        loadplan_impls.LoadplanGraphql(engine, token),
        loadplan_impls.LoadplanRestRows(engine, token),
        loadplan_impls.LoadplanRestOrm(engine, token),
        loadplan_impls.LoadplanGraphqlOrm(engine, token),
    ]
    failed: dict[str, str] = {}
    for name, factory in _peers():
        try:
            made.extend(factory(engine, db))
        except Exception as error:  # a peer that cannot be set up is reported, not fatal
            failed[name] = f"{type(error).__name__}: {error}"
            log(f"  {name}: not available ({failed[name]})")
    if only:
        made = [i for i in made if i.key in only or i.key in {REFERENCE, LIMIT}]
    return made, failed


def _peers() -> list[tuple[str, Callable[..., list[Implementation]]]]:
    def django(engine: Any, db: database.BenchDatabase) -> list[Implementation]:
        from bench.impls import django_impl

        return [django_impl.StrawberryDjango(db)]

    def strawchemy(engine: Any, db: database.BenchDatabase) -> list[Implementation]:
        from bench.impls import strawchemy_impl

        return [strawchemy_impl.Strawchemy(engine)]

    def mapper(engine: Any, db: database.BenchDatabase) -> list[Implementation]:
        from bench.impls import mapper_impl

        return [mapper_impl.SqlalchemyMapper(engine)]

    return [
        ("strawberry-django", django),
        ("strawchemy", strawchemy),
        ("strawberry-sqlalchemy-mapper", mapper),
    ]


def _quiet() -> None:
    """Peers that fail are reported in the table; their tracebacks (logged by
    Strawberry) and deprecation chatter would only bury the progress lines."""
    import logging
    import warnings

    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*cartesian product.*")
    warnings.filterwarnings("ignore", message=".*DTO generated from.*")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--dialect", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=float, default=1.0, help="scale the timed rounds")
    parser.add_argument("--only", help="comma-separated implementation keys (plus hand and sql)")
    parser.add_argument("--workloads", help="comma-separated workload keys (default: all)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the W1 page-size sweep")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _quiet()

    log(f"== Shotline benchmark: {args.scale} scale on {args.dialect} (seed {args.seed})")
    db = database.prepare(args.dialect, args.scale, args.seed, log)
    engine = db.engine()
    only = set(args.only.split(",")) if args.only else None
    impls, failed = implementations(engine, db, only)
    log("implementations: " + ", ".join(i.key for i in impls))

    chosen = set(args.workloads.split(",")) if args.workloads else None
    # W3/1000 is a row of the table, run with W3 (and not a sweep: --no-sweep keeps it).
    table = [w for w in TABLE if chosen is None or w.key in chosen]
    sweep = (
        []
        if args.no_sweep or (chosen and "W1" not in chosen)
        else [w1(s) for s in W1_SIZES if s not in {100, 1000}]
    )
    workloads = table + sweep

    cells: dict[tuple[str, str], Cell] = {}
    requests: dict[tuple[str, str], Callable[[], bytes]] = {}

    # -- 2. correctness guard ---------------------------------------------------------
    log("-- correctness guard: every payload against the hand-written one")
    problems = []
    for workload in workloads:
        expected = None
        ordered = sorted(impls, key=lambda i: i.key != REFERENCE)
        for impl in ordered:
            cell = cells[impl.key, workload.label] = Cell(impl.key, workload.label)
            if impl.key in PEERS and workload.shape != "demo":
                cell.unsupported = "peers run on the demo's shape only (see bench/run.py)"
                continue
            try:
                request = impl.request(workload)
                body = request()
            except Unsupported as reason:
                cell.unsupported = str(reason)
                continue
            except Exception as error:
                if impl.key not in PEERS:
                    raise
                summary = error.summary() if isinstance(error, GraphQLFailure) else repr(error)
                cell.unsupported = f"fails: {summary[:260]}"
                continue
            cell.bytes_out = len(body)
            payload = impl.normalise(workload, body)
            if impl.key == REFERENCE:
                expected = payload
                requests[impl.key, workload.label] = request
                continue
            difference = first_difference(expected, payload)
            known = getattr(impl, "known_wrong", {}).get(workload.key)
            if difference and known:
                cell.unsupported = f"wrong results: {known} (first difference at {difference})"
                continue
            if known:
                log(
                    f"   note: {impl.key} now answers {workload.label} right; its known_wrong entry is stale"
                )
            if difference:
                problems.append(f"{workload.label} {impl.key}: {difference}")
                log(f"   MISMATCH {workload.label} {impl.key}: {difference}")
            requests[impl.key, workload.label] = request
        log(
            f"   {workload.label}: {sum(1 for i in impls if (i.key, workload.label) in requests)} implementations agree"
            if not any(p.startswith(workload.label + " ") for p in problems)
            else f"   {workload.label}: differences found"
        )
    if problems:
        log("CORRECTNESS GUARD FAILED: implementations disagree:\n  " + "\n  ".join(problems))
        return 1

    # -- 3. statements and rows -------------------------------------------------------
    log("-- statements and rows fetched")
    by_key = {i.key: i for i in impls}
    for (key, label), request in requests.items():
        with by_key[key].counting() as counts:
            request()
        cells[key, label].statements = counts.statements
        cells[key, label].rows = counts.rows
    for workload in table:
        log(
            f"   {workload.label}: "
            + ", ".join(
                f"{i.key} {cells[i.key, workload.label].statements}"
                for i in impls
                if (i.key, workload.label) in requests
            )
        )

    # -- 4. peak memory -----------------------------------------------------------------
    log("-- peak memory (tracemalloc)")
    tracemalloc.start()
    for workload in table:
        for impl in impls:
            request = requests.get((impl.key, workload.label))
            if request is None:
                continue
            # The largest of a few requests: one that first frees what an
            # earlier request left cached would otherwise read too low.
            peaks = []
            spent = time.perf_counter()
            while len(peaks) < 3 and (not peaks or time.perf_counter() - spent < 3):
                gc.collect()
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
                request()
                peaks.append(tracemalloc.get_traced_memory()[1] - before)
            cells[impl.key, workload.label].peak_bytes = max(peaks)
    tracemalloc.stop()

    # -- 5. latency ---------------------------------------------------------------------
    log("-- latency: warm-up, then interleaved rounds")
    # Start-up objects (libraries, schemas, plan caches) move to the permanent
    # generation, as long-running servers commonly do: the full collection
    # before each timed request, and any the request triggers itself, then
    # traverse only what requests made, for every implementation alike.
    gc.collect()
    gc.freeze()
    meter = GcMeter()
    gc.callbacks.append(meter)
    rng = random.Random(args.seed)
    for workload in workloads:
        runners = [
            (i.key, requests[i.key, workload.label])
            for i in impls
            if (i.key, workload.label) in requests
        ]
        budget = BUDGET.get(workload.label, SWEEP_BUDGET) * args.rounds
        phase = time.perf_counter()
        for _ in range(WARMUP):
            warm = time.perf_counter()
            for _, request in runners:
                gc.collect()
                request()
            one_round = time.perf_counter() - warm
        least = MIN_ROUNDS.get(workload.key, 5)
        rounds = max(least, min(MAX_ROUNDS, int(budget / max(one_round, 1e-6))))
        for _ in range(rounds):
            rng.shuffle(runners)
            for key, request in runners:
                gc.collect()
                cell = cells[key, workload.label]
                meter.start()
                start = time.perf_counter()
                request()
                cell.samples.append(time.perf_counter() - start)
                meter.stop()
                cell.gc_runs.append(meter.runs)
                cell.gc_full.append(meter.full)
                cell.gc_seconds.append(meter.seconds)
        log(
            f"   {workload.label}: {rounds} rounds x {len(runners)} in {time.perf_counter() - phase:.1f} s"
        )

    gc.callbacks.remove(meter)
    for impl in impls:
        impl.close()
    engine.dispose()

    elapsed = time.perf_counter() - started
    meta = {
        "scale": args.scale,
        "dialect": args.dialect,
        "seed": args.seed,
        "elapsed_s": round(elapsed, 1),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "labels": {i.key: i.label for i in impls},
        "apis": {i.key: i.api for i in impls},
        "unavailable": failed,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    raw = {"meta": meta, "cells": [asdict(c) for c in cells.values()]}
    stem = f"{args.dialect}-{args.scale}"
    (args.out / f"{stem}.json").write_text(json.dumps(raw, indent=1))
    markdown = report.render(raw)
    (args.out / f"{stem}.md").write_text(markdown)
    (args.out / "latest.md").write_text(markdown)
    if sweep:
        report.chart(raw, args.out / f"w1-{stem}.png")
        (args.out / "latest.png").write_bytes((args.out / f"w1-{stem}.png").read_bytes())
    print()
    print(markdown)
    log(f"== done in {elapsed:.0f} s; wrote {args.out}/latest.md and {stem}.md/.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
