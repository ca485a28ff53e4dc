"""The parity data sets: a small and a larger one per dialect."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from tests.databases import IsolatedDatabase
from tests.loadplan.parity.data import populate


def dataset(
    dialect: str,
    make_database: Callable[[str], IsolatedDatabase],
    populate: Callable[[Engine, int], None],
    size: int,
) -> Iterator[Engine]:
    """An engine on a database of its own that ``populate`` filled at
    ``size``, dropped once the fixture using it is done."""
    database = make_database(dialect)
    engine = database.engine()
    populate(engine, size)
    yield engine
    database.close_sync()


@pytest.fixture(scope="module")
def small(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """One company: 3 projects (one of each kind), 6 milestones, 18 issues."""
    yield from dataset(dialect, make_database, populate, 1)


@pytest.fixture(scope="module")
def large(dialect: str, make_database: Callable[[str], IsolatedDatabase]) -> Iterator[Engine]:
    """Three times the small set."""
    yield from dataset(dialect, make_database, populate, 3)
