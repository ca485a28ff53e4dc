"""docs/loadplan.md: its examples run, and they cover the public API."""

from __future__ import annotations

import loadplan
from tests.docs_runner import python_blocks, run_blocks, text_of, undocumented


def test_the_document_has_python_blocks() -> None:
    blocks = python_blocks(text_of("loadplan.md"))
    assert len(blocks) >= 20
    assert all(block.code.strip() for block in blocks)


def test_every_public_name_is_documented() -> None:
    assert undocumented("loadplan.md", list(loadplan.__all__), r"loadplan\.") == []


def test_python_blocks_run_in_order() -> None:
    run_blocks("loadplan.md")
