"""docs/rest.md: its examples run, and every query parameter is documented."""

from __future__ import annotations

import inspect
import re

from loadplan.fastapi import PlannedEndpoint
from tests.docs_runner import python_blocks, run_blocks, text_of


def test_the_document_has_python_blocks() -> None:
    blocks = python_blocks(text_of("rest.md"))
    assert len(blocks) >= 20
    assert all(block.code.strip() for block in blocks)


def test_every_query_parameter_is_documented() -> None:
    text = text_of("rest.md")
    declared = [
        name
        for name in inspect.signature(PlannedEndpoint.__call__).parameters
        if name not in {"self", "request"}
    ]
    missing = [name for name in declared if not re.search(rf"`{name}[`=]", text)]
    assert missing == []


def test_python_blocks_run_in_order() -> None:
    run_blocks("rest.md")
