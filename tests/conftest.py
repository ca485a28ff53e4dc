"""Test harness: any test asking for ``db`` (or ``engine``) runs once per dialect."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

import loadplan
from tests.databases import DIALECTS, IsolatedDatabase, create_isolated_database, unreachable_reason
from tests.extras import extras_needed, left_out

# Statement counts assert that a token authenticates in one statement: a
# token is refreshed (one UPDATE more) once it is older than Shotline's touch
# interval, which a module's token outlives when a busy machine runs the suite
# slowly. The tests of the refresh itself use tokens never used.
os.environ.setdefault("SHOTLINE_TOKEN_TOUCH_SECONDS", str(7 * 24 * 3600))

# The async_engine fixture needs loadplan's asyncio extra (see tests/extras.py).
pytest_plugins = [] if "asyncio" in left_out() else ["tests.async_databases"]


def pytest_configure(config: pytest.Config) -> None:
    """Under ``LOADPLAN_TEST_FROM_WHEEL`` (noxfile.py), loadplan must be the installed wheel."""
    if os.environ.get("LOADPLAN_TEST_FROM_WHEEL") and "site-packages" not in loadplan.__file__:
        raise pytest.UsageError(f"loadplan comes from {loadplan.__file__}, not from a wheel")


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Leave out the modules that need an extra this run does without."""
    if collection_path.suffix == ".py" and extras_needed(collection_path) & left_out():
        return True
    return None


def _require(dialect: str) -> None:
    reason = unreachable_reason(dialect)
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (under CI every dialect is required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    _require(name)
    return name


@pytest.fixture(scope="session")
def make_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], IsolatedDatabase]:
    """Factory for modules that build a read-only data set once per dialect."""
    workdir: Path = tmp_path_factory.mktemp("sqlite")
    return lambda dialect: create_isolated_database(dialect, workdir)


@pytest.fixture
def db(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> Iterator[IsolatedDatabase]:
    database = make_database(dialect)
    yield database
    database.close_sync()


@pytest.fixture
def engine(db: IsolatedDatabase) -> Engine:
    return db.engine()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how many tests ran on each dialect, so a skipped server shows."""
    counts: Counter[tuple[str, str]] = Counter()
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in {"call", "setup"}:
                continue
            if outcome == "passed" and report.when != "call":
                continue
            for name in DIALECTS:
                if re.search(rf"[\[-]{name}[\]-]", report.nodeid):
                    counts[(name, outcome)] += 1
    if not counts:
        return
    terminalreporter.section("tests per dialect")
    for name in DIALECTS:
        parts = [
            f"{counts[(name, o)]} {o}"
            for o in ("passed", "failed", "error", "skipped")
            if counts[(name, o)]
        ]
        terminalreporter.write_line(f"{name:<11} {', '.join(parts) if parts else 'none'}")
