"""Test harness: any test asking for ``db`` (or ``engine``) runs once per dialect."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.databases import DIALECTS, IsolatedDatabase, create_isolated_database, unreachable_reason


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


@pytest.fixture
async def async_engine(
    dialect: str, make_database: Callable[[str], IsolatedDatabase]
) -> AsyncIterator[AsyncEngine]:
    database = make_database(dialect)
    yield database.async_engine()
    await database.aclose()


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
