"""docs/graphql.md: its examples run, and they cover the public API.

loadplan.strawberry keeps a process-wide registry from mapped classes to
Strawberry types, so the document declares its own models (with their own
``DeclarativeBase``) rather than reusing the test models.
"""

from __future__ import annotations

import loadplan.strawberry
from tests.docs_runner import python_blocks, run_blocks, text_of, undocumented


def test_the_document_has_python_blocks() -> None:
    blocks = python_blocks(text_of("graphql.md"))
    assert len(blocks) >= 20
    assert all(block.code.strip() for block in blocks)


def test_every_public_name_is_documented() -> None:
    names = list(loadplan.strawberry.__all__)
    assert undocumented("graphql.md", names, r"lp\.|loadplan\.strawberry\.") == []


def test_python_blocks_run_in_order() -> None:
    run_blocks("graphql.md")
