"""Run every ```python block of docs/graphql.md, in order, in one namespace.

The examples check their own results with ``assert``; a block that raises fails
the test with its number, its first line in the document and the exception.
Blocks are compiled with the document's line numbers, so tracebacks point at
the Markdown file. A block that needs an event loop runs ``asyncio.run``
itself.

loadplan.strawberry keeps a process-wide registry from mapped classes to
Strawberry types, so the document declares its own models (with their own
``DeclarativeBase``) rather than reusing the test models.
"""

from __future__ import annotations

import re
import sys
import traceback
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import loadplan
import loadplan.core
import loadplan.strawberry

DOC = Path(__file__).resolve().parents[3] / "docs" / "graphql.md"
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")


@dataclass(frozen=True)
class Block:
    number: int
    line: int  # line of the block's first code line in the document, from 1
    code: str


def python_blocks(text: str) -> list[Block]:
    """The fenced blocks whose info string is exactly ``python``."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening["fence"]
        start = index + 1
        end = start
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            end += 1
        if opening["info"].strip() == "python":
            blocks.append(Block(len(blocks) + 1, start + 1, "\n".join(lines[start:end]) + "\n"))
        index = end + 1
    return blocks


@pytest.fixture
def doc_module() -> Iterator[types.ModuleType]:
    """A real module for the examples (Strawberry resolves string annotations
    through a class's ``__module__``), and the process-wide loadplan defaults
    put back after."""
    module = types.ModuleType("loadplan_graphql_docs")
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


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    # In code spans: `name`, `name(...)`, `lp.name`, `loadplan.strawberry.name`, `Name[T]`.
    missing = [
        name
        for name in loadplan.strawberry.__all__
        if not re.search(rf"`(?:lp\.|loadplan\.strawberry\.)?{re.escape(name)}[`(.\[]", text)
    ]
    assert missing == []


def test_python_blocks_run_in_order(doc_module: types.ModuleType) -> None:
    namespace = doc_module.__dict__
    for block in python_blocks(DOC.read_text(encoding="utf-8")):
        # Pad with blank lines so that line numbers are the document's.
        source = "\n" * (block.line - 1) + block.code
        failure = None
        try:
            # dont_inherit: compile the examples as written, without this
            # module's ``from __future__ import annotations``.
            code = compile(source, str(DOC), "exec", dont_inherit=True)
            exec(code, namespace)
        except Exception as exc:
            failure = (
                f"block {block.number} (docs/graphql.md line {block.line}) raised "
                f"{type(exc).__name__}: {exc}\n\n{''.join(traceback.format_exception(exc))}"
            )
        if failure is not None:
            pytest.fail(failure, pytrace=False)
