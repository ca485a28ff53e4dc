"""docs/events.md: its examples run."""

from __future__ import annotations

from tests.docs_runner import run_blocks


def test_the_examples_of_the_events_page_run() -> None:
    run_blocks("events.md")
