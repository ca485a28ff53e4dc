"""Fixtures of the events tests: the access tests' studio (one person per
role, ``tests/shotline/auth/world.py``), served live per module and dialect,
with a token per person."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import Engine

from shotline.app import create_app
from shotline.db import upgrade
from shotline.settings import Settings
from shotline.storage import LocalStore
from tests.databases import IsolatedDatabase
from tests.shotline.auth.world import PEOPLE, build
from tests.shotline.events.live import serving
from tests.shotline.signin import bearer


@dataclass(frozen=True)
class Live:
    """The studio served at ``url``; ``headers[name]`` signs in as that person."""

    url: str
    engine: Engine
    database: IsolatedDatabase
    headers: dict[str, dict[str, str]]

    def call(self, who: str, method: str, path: str, body: object = None) -> httpx2.Response:
        """One request as ``who``; a busy machine (a whole suite beside the
        server's threads) may take longer than httpx's 5 s default to answer."""
        return httpx2.request(
            method, self.url + path, json=body, headers=self.headers[who], timeout=60
        )


def studio(engine: Engine, previews: Path) -> dict[str, dict[str, str]]:
    """Migrate the database, build the studio's world in it (previews stored
    under ``previews``): answers each person's ``Authorization`` header."""
    upgrade(engine)
    build(engine, LocalStore(previews))
    return {name: bearer(engine, person) for name, person in PEOPLE.items()}


@pytest.fixture(scope="module")
def live(
    dialect: str,
    make_database: Callable[[str], IsolatedDatabase],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Live]:
    database = make_database(dialect)
    engine = database.engine()
    previews = tmp_path_factory.mktemp("previews")
    headers = studio(engine, previews)
    app = create_app(engine, Settings(preview_dir=str(previews)))
    with serving(app) as url:
        yield Live(url, engine, database, headers)
    database.close_sync()
