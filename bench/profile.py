"""Where does an implementation's time go? ``cProfile`` over repeated requests,
grouped by the package each function lives in.

    python -m bench.profile --impl loadplan-rest --workload W2 --dialect sqlite

Prints the share of self time per package (SQLAlchemy, the database driver,
pydantic, loadplan, Shotline, FastAPI/Starlette, Strawberry/graphql-core, …)
and the functions with the most self time. ``--pyinstrument`` writes a
pyinstrument HTML call tree to ``bench/results/profiles/`` instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from collections import defaultdict
from pathlib import Path

from bench import database
from bench.run import _quiet, implementations
from bench.workloads import WORKLOADS, w1, w3

GROUPS = [
    ("database driver", ("sqlite3", "psycopg", "_sqlite3")),
    ("loadplan", ("/loadplan/",)),
    ("shotline", ("/shotline/",)),
    ("bench views", ("/bench/",)),
    ("sqlalchemy", ("/sqlalchemy/",)),
    ("pydantic", ("/pydantic/", "pydantic_core")),
    ("fastapi/starlette/anyio", ("/fastapi/", "/starlette/", "/anyio/", "asyncio")),
    ("strawberry/graphql-core", ("/strawberry/", "/graphql/")),
    ("django/strawberry-django", ("/django/", "/strawberry_django/")),
    ("orjson", ("orjson",)),
    ("garbage collection", ("gc.collect",)),
]


def group_of(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for group, needles in GROUPS:
        if any(needle in where for needle in needles):
            return group
    if filename == "~":
        return "builtins (dict, list, isinstance…)"
    return "python stdlib / other"


def _inline_thread_pool() -> None:
    """FastAPI runs sync endpoints and dependencies in worker threads, which
    ``cProfile`` and pyinstrument do not see: run them inline instead (the
    hop itself, a few tens of microseconds, is then left out of the profile)."""
    import anyio.to_thread

    async def run_sync(func, *args, **_options):  # type: ignore[no-untyped-def]
        return func(*args)

    anyio.to_thread.run_sync = run_sync


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", required=True)
    parser.add_argument("--workload", default="W1")
    parser.add_argument(
        "--size", type=int, help="W1's page size or W3's number of assets (default 100)"
    )
    parser.add_argument("--shape", default="demo", choices=["demo", "dense"])
    parser.add_argument("--scale", default="medium")
    parser.add_argument("--dialect", default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()
    _quiet()
    _inline_thread_pool()

    db = database.prepare(args.dialect, args.scale, args.seed)
    engine = db.engine()
    impls, _ = implementations(engine, db, {args.impl})
    impl = next(i for i in impls if i.key == args.impl)
    workload = next(w for w in WORKLOADS if w.key == args.workload)
    if args.size or args.shape != "demo":
        sized = {"W1": w1, "W3": w3}.get(workload.key)
        if sized is None:
            parser.error("--size and --shape are for W1 and W3")
        workload = sized(args.size or 100, args.shape)
    request = impl.request(workload)
    for _ in range(3):
        request()
    gc.collect()

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.repeat):
            request()
        profiler.stop()
        out = Path(__file__).parent / "results" / "profiles"
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{args.impl}-{workload.label.replace('/', '-')}-{args.dialect}.html"
        path.write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, color=False, show_all=False)[:20000])
        print(f"wrote {path}")
        return

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        request()
    profile.disable()
    wall = (time.perf_counter() - started) / args.repeat
    stats = pstats.Stats(profile)
    totals: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, _line, name), (_cc, calls, tottime, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[group_of(filename, name)] += tottime
        rows.append((tottime, calls, f"{Path(filename).name}:{name}" if filename != "~" else name))
    whole = sum(totals.values())
    print(
        f"{impl.label}, {workload.label}, {args.dialect} {args.scale}: "
        f"{wall * 1000:.1f} ms a request under cProfile ({args.repeat} requests)"
    )
    print("\nself time by package:")
    for group, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {group:<36} {100 * seconds / whole:5.1f} %")
    print(f"\ntop {args.top} functions by self time (per request):")
    for tottime, calls, where in sorted(rows, reverse=True)[: args.top]:
        print(f"  {1000 * tottime / args.repeat:8.2f} ms  {calls // args.repeat:>7} calls  {where}")


if __name__ == "__main__":
    main()
