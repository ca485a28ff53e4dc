"""docs/start/rest.md runs as written with loadplan[fastapi] alone."""

from __future__ import annotations

from tests.docs_runner import run_blocks


def test_the_rest_quick_start_runs() -> None:
    run_blocks("start/rest.md")
