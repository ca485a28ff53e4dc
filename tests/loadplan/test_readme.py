"""loadplan/README.md, the package's page on an index: its example runs on the core install."""

from __future__ import annotations

from tests.docs_runner import run_blocks


def test_the_package_readme_example_runs() -> None:
    run_blocks("../loadplan/README.md")
