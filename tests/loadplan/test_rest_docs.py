"""Run every ```python block of docs/rest.md, in order, in one namespace.

The examples of the REST guide check their own JSON bodies and statement
counts with ``assert``; a block that raises fails the test with its number,
its first line in the document and the exception. Blocks are compiled with the
document's line numbers, so tracebacks point at the Markdown file.
"""

from __future__ import annotations

import inspect
import re
import sys
import traceback
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import loadplan
import loadplan.core
from loadplan.fastapi import PlannedEndpoint
from tests.loadplan.test_docs import python_blocks

DOC = Path(__file__).resolve().parents[2] / "docs" / "rest.md"


@pytest.fixture
def doc_module() -> Iterator[types.ModuleType]:
    """A real module for the examples (Pydantic and FastAPI resolve names
    through ``__module__``), and the process-wide loadplan defaults put back
    after."""
    module = types.ModuleType("loadplan_rest_docs")
    module.__file__ = str(DOC)
    defaults = dict(loadplan.core._defaults)
    sys.modules[module.__name__] = module
    try:
        yield module
    finally:
        del sys.modules[module.__name__]
        loadplan.core._defaults.update(defaults)
        loadplan.clear_plan_cache()


def test_the_document_has_python_blocks() -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 20
    assert all(block.code.strip() for block in blocks)


def test_every_query_parameter_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    declared = [
        name
        for name in inspect.signature(PlannedEndpoint.__call__).parameters
        if name not in {"self", "request"}
    ]
    missing = [name for name in declared if not re.search(rf"`{name}[`=]", text)]
    assert missing == []


def test_python_blocks_run_in_order(doc_module: types.ModuleType) -> None:
    namespace = doc_module.__dict__
    for block in python_blocks(DOC.read_text(encoding="utf-8")):
        # Pad with blank lines so that line numbers are the document's.
        source = "\n" * (block.line - 1) + block.code
        failure = None
        try:
            exec(compile(source, str(DOC), "exec"), namespace)
        except Exception as exc:
            failure = (
                f"block {block.number} (docs/rest.md line {block.line}) raised "
                f"{type(exc).__name__}: {exc}\n\n{''.join(traceback.format_exception(exc))}"
            )
        if failure is not None:
            pytest.fail(failure, pytrace=False)
