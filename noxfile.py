"""loadplan's support matrix: its tests and executed documents against the built wheel.

Every session installs the wheel built from ``loadplan/`` (never the source
tree) into a clean virtual environment with some of its extras, and runs
``tests/loadplan`` there; the suite leaves out the modules needing an extra the
session did not install (``LOADPLAN_TEST_WITHOUT``, see ``tests/extras.py``)
and refuses to run if ``loadplan`` is not the installed wheel
(``LOADPLAN_TEST_FROM_WHEEL``).

- ``wheel(core)``, ``wheel(strawberry)``, ``wheel(fastapi)``, ``wheel(asyncio)``:
  SQLAlchemy alone, then with each extra, at the newest versions the metadata
  allows (SQLAlchemy 2.1), on SQLite (``make test`` runs the same code on the
  three dialects).
- ``sqlalchemy-2.0``: every extra, on the newest SQLAlchemy 2.0.x.
- ``lowest``: every extra, each dependency at the lowest version loadplan's
  metadata allows, read from ``loadplan/pyproject.toml``, so that its lower
  bounds are exactly what was tested.
- These two change the versions loadplan runs on, so they run on all three
  dialects.

``make matrix`` runs them all; ``nox -s 'wheel(core)'`` runs one.
"""

from __future__ import annotations

import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PROJECT = ROOT / "loadplan"
DIST = ROOT / ".nox" / "dist"
EXTRAS = ("strawberry", "fastapi", "asyncio")
# What the suite itself needs beside loadplan: the runner and the drivers of
# the three dialects (the async drivers only where the asyncio extra is in).
RUNNER = (
    "pytest",
    "pytest-asyncio",
    "pytest-xdist",
    "hypothesis",
    "psycopg",
    "pymysql",
    "httpx2",
    "httpx",
)
ASYNC_DRIVERS = ("aiosqlite", "aiomysql")

# Run in a session's environment right after installing the bare wheel: it must
# have brought SQLAlchemy and SQLAlchemy's own requirements, nothing else, and
# loadplan must import there.
ONLY_SQLALCHEMY = """
import importlib.metadata as metadata
import re

def name(text):
    return re.split(r"[\\s\\[<>=!~;(]", text, maxsplit=1)[0].lower().replace("_", "-")

required = {name(r) for r in metadata.requires("sqlalchemy") or [] if "extra ==" not in r}
installed = {name(d.metadata["Name"]) for d in metadata.distributions()} - {"pip", "setuptools"}
assert installed == {"loadplan", "sqlalchemy"} | required, sorted(installed)
import loadplan, loadplan.testing
print("installed:", ", ".join(sorted(installed)))
"""

# As `make test`: a process per core (at most four), a module's tests on one
# process so that its data set is built once.
PARALLEL = ("-n", "auto", "--maxprocesses", "4", "--dist", "loadscope")

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = False
nox.options.error_on_missing_interpreters = True


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()


@cache
def _test_requirements() -> dict[str, str]:
    """The root project's test requirements, by name (one place states their versions)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = pyproject["project"]["optional-dependencies"]["test"]
    requirements += pyproject["project"]["optional-dependencies"]["postgresql"]
    requirements += pyproject["project"]["optional-dependencies"]["mysql"]
    return {_requirement_name(requirement): requirement for requirement in requirements}


def _runner(extras: tuple[str, ...]) -> list[str]:
    names = RUNNER + (ASYNC_DRIVERS if "asyncio" in extras else ())
    return [_test_requirements()[name] for name in names]


@cache
def _wheel() -> Path:
    """loadplan's wheel, built once per nox run (by nox's own interpreter, which has ``build``)."""
    for old in DIST.glob("loadplan-*.whl"):
        old.unlink()
    nox.command.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(DIST), str(PROJECT)],
        external=True,
        silent=True,
    )
    (wheel,) = DIST.glob("loadplan-*.whl")
    return wheel


def _install_wheel(session: nox.Session, extras: tuple[str, ...], *pins: str) -> None:
    wanted = f"loadplan[{','.join(extras)}] @ {_wheel().as_uri()}" if extras else str(_wheel())
    session.install(wanted, *_runner(extras), *pins)


def _run_suite(session: nox.Session, extras: tuple[str, ...], *options: str) -> None:
    without = ",".join(extra for extra in EXTRAS if extra not in extras)
    session.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/loadplan",
        *PARALLEL,
        *options,
        *session.posargs,
        env={"LOADPLAN_TEST_FROM_WHEEL": "1", "LOADPLAN_TEST_WITHOUT": without},
    )


@nox.session(name="wheel")
@nox.parametrize(
    "extras",
    [(), ("strawberry",), ("fastapi",), ("asyncio",)],
    ids=["core", "strawberry", "fastapi", "asyncio"],
)
def wheel(session: nox.Session, extras: tuple[str, ...]) -> None:
    """The wheel with SQLAlchemy alone, then with each extra."""
    if not extras:
        session.install(str(_wheel()))
        session.run("python", "-c", ONLY_SQLALCHEMY)
    _install_wheel(session, extras)
    _run_suite(session, extras, "-k", "not postgresql and not mysql")


# SQLAlchemy 2.0's selectinload serves 500 parents per statement whatever
# loadplan asks (2.1 takes ``chunksize``): these cases load more than 500
# parents at one level in the ORM mode and assert the 2.1 statement count,
# which 2.0 exceeds by one statement per further 500 parents (see the
# "Support" section of loadplan/README.md).
OVER_500_PARENTS = (
    "tests/loadplan/strawberry/test_queries.py::test_query[{dialect}-custom resolvers returning objects, with hints]",
    "tests/loadplan/strawberry/test_queries.py::test_query[{dialect}-depth five]",
    "tests/loadplan/strawberry/test_queries.py::test_query[{dialect}-self reference]",
    "tests/loadplan/test_fastapi.py::test_statement_count_is_constant_from_one_to_500_rows[{dialect}-500]",
)


# Declared projections order their aggregates with SQLAlchemy 2.1's
# aggregate_order_by on PostgreSQL and MariaDB (README: Support): their own
# module's cases there, the GraphQL JSON mode's "declared projections as
# JSON", and the JSON mode's maps compared with the row mode's (its map
# keeping each key, its fallback from a refusal found while building).
PROJECTIONS_ON_SERVERS = (
    "not ((projections or a_map_keeps_each_key or falls_back_from_a_refusal_found_when_building)"
    " and (postgresql or mysql))"
)


def _unsupported_on_2_0(cases: tuple[str, ...]) -> list[str]:
    return [
        f"--deselect={case.format(dialect=dialect)}"
        for case in cases
        for dialect in ("sqlite", "postgresql", "mysql")
    ] + ["-k", PROJECTIONS_ON_SERVERS]


@nox.session(name="sqlalchemy-2.0")
def sqlalchemy_2_0(session: nox.Session) -> None:
    """Every extra, on the newest SQLAlchemy 2.0.x."""
    _install_wheel(session, EXTRAS, "sqlalchemy>=2.0,<2.1")
    _run_suite(session, EXTRAS, *_unsupported_on_2_0(OVER_500_PARENTS))


def lowest_versions() -> list[str]:
    """Each of loadplan's dependencies pinned to the lower bound its metadata states."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS:
        requirements += project["optional-dependencies"][extra]
    pins = []
    for requirement in requirements:
        lower = re.search(r">=\s*([\w.]+)", requirement)
        if lower is None:
            raise ValueError(f"{requirement!r} states no lower bound to test")
        pins.append(f"{_requirement_name(requirement)}=={lower.group(1)}")
    return pins


@nox.session
def lowest(session: nox.Session) -> None:
    """Every extra, each dependency at the lowest version the metadata allows
    (SQLAlchemy 2.0.49, so the cases over 500 parents are left out as on 2.0)."""
    _install_wheel(session, EXTRAS, *lowest_versions())
    _run_suite(session, EXTRAS, *_unsupported_on_2_0(OVER_500_PARENTS))
