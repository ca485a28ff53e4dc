"""The benchmark database: built once per scale and seed, reused while it matches.

It holds the demo production of that scale and seed, and the dense
project of :mod:`bench.dense` beside it (the second data shape).

SQLite: a file under ``bench/.data``. PostgreSQL: a database of its own,
``shotline_bench_<scale>_<seed>_<fingerprint>`` on the server of
``SHOTLINE_BENCH_POSTGRES_URL`` (default: the test server): runs with
another seed, and branches whose demo or migrations differ, each keep their
own rather than rebuilding one another's in the middle of a run. A
``bench_meta`` table records the scale, the seed, the migration head and a
hash of the demo generator: a database whose record differs is rebuilt, one
that matches is reused as is.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, make_url, text

import shotline.demo
from bench import dense
from shotline.db import make_engine, upgrade
from shotline.demo import create_demo

Log = Callable[[str], None]
DATA_DIR = Path(__file__).parent / ".data"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class BenchDatabase:
    dialect: str
    url: URL
    scale: str
    seed: int

    def engine(self) -> Engine:
        return make_engine(self.url)


BUILD = 3
"""The version of this module's way of building: a change rebuilds."""


def _fingerprint(scale: str, seed: int) -> str:
    demo_source = Path(shotline.demo.__file__).read_bytes()
    migrations = Path(shotline.demo.__file__).parent / "migrations" / "versions"
    digest = hashlib.sha256(demo_source)
    digest.update(Path(dense.__file__).read_bytes())
    for path in sorted(migrations.glob("*.py")):
        digest.update(path.read_bytes())
    return f"{scale}:{seed}:{BUILD}:{digest.hexdigest()[:16]}"


def _recorded(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT fingerprint FROM bench_meta")).scalar()
    except Exception:
        return None


def _build(engine: Engine, scale: str, seed: int, fingerprint: str, log: Log) -> None:
    started = time.perf_counter()
    upgrade(engine)
    counts = create_demo(engine, scale, seed)  # type: ignore[arg-type]
    added = dense.add_dense_project(engine, seed)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_meta (fingerprint VARCHAR(200))"))
        connection.execute(text("INSERT INTO bench_meta VALUES (:f)"), {"f": fingerprint})
    # Planner statistics as each deployment has them: PostgreSQL's autovacuum
    # gathers them (done now rather than whenever it wakes up); Shotline never
    # runs ANALYZE on SQLite, whose planner then goes without (docs/performance.md
    # shows what statistics change there).
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    log(
        f"built the {scale} demo ({counts['entity']:,} entities, {counts['task']:,} tasks) "
        f"and the dense project ({added['asset']:,} assets, {added['task']:,} tasks, "
        f"{added['task_assignee']:,} assignments) in {time.perf_counter() - started:.1f} s"
    )


def _sqlite(scale: str, seed: int, fingerprint: str, log: Log) -> URL:
    DATA_DIR.mkdir(exist_ok=True)
    path = DATA_DIR / f"shotline-{scale}-{seed}.sqlite"
    url = make_url(f"sqlite:///{path}")
    if path.exists():
        engine = make_engine(url)
        matches = _recorded(engine) == fingerprint
        engine.dispose()
        if matches:
            log(f"reusing {path}")
            return url
        for stale in DATA_DIR.glob(f"{path.name}*"):
            stale.unlink()
    engine = make_engine(url)
    try:
        _build(engine, scale, seed, fingerprint, log)
    finally:
        engine.dispose()
    return url


def _postgresql(scale: str, seed: int, fingerprint: str, log: Log) -> URL:
    server = make_url(os.environ.get("SHOTLINE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    name = f"shotline_bench_{scale}_{seed}_{fingerprint.rsplit(':', 1)[1][:8]}"
    url = server.set(database=name)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
        if exists:
            engine = make_engine(url)
            matches = _recorded(engine) == fingerprint
            engine.dispose()
            if matches:
                log(f"reusing PostgreSQL database {name}")
                return url
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    engine = make_engine(url)
    try:
        _build(engine, scale, seed, fingerprint, log)
    finally:
        engine.dispose()
    return url


def prepare(dialect: str, scale: str, seed: int, log: Log = print) -> BenchDatabase:
    """The benchmark database of ``dialect`` at ``scale``, built if needed."""
    fingerprint = _fingerprint(scale, seed)
    if dialect == "sqlite":
        url = _sqlite(scale, seed, fingerprint, log)
    elif dialect == "postgresql":
        url = _postgresql(scale, seed, fingerprint, log)
    else:
        raise SystemExit(f"unknown dialect {dialect!r}: sqlite or postgresql")
    return BenchDatabase(dialect, url, scale, seed)
