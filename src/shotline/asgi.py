"""The application as each worker process of ``shotline serve --workers N``
builds it: from the environment (``SHOTLINE_DATABASE_URL`` and the
``SHOTLINE_*`` settings), on a database ``serve`` has already migrated.

Every worker delivers every event to its own streams: PostgreSQL notifies
them all of each commit (see :mod:`shotline.events.broker`).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from shotline.app import create_app
from shotline.collector import settle_for_serving
from shotline.db import make_engine
from shotline.settings import Settings

DATABASE_URL = "SHOTLINE_DATABASE_URL"


def application() -> FastAPI:
    """The app of one worker (uvicorn's ``factory=True``)."""
    settings = Settings()
    engine = make_engine(
        os.environ[DATABASE_URL], statement_timeout=settings.statement_timeout_seconds
    )
    application = create_app(engine, settings)
    settle_for_serving()
    return application
