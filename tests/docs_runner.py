"""Run the ```python blocks of a Markdown document as one test.

The documents' examples check their own results with ``assert``; a block that
raises fails with its number, its first line in the document and the
exception. Blocks are compiled with the document's line numbers (tracebacks
point at the Markdown file) and without this package's ``from __future__``
flags, so they run exactly as written.
"""

from __future__ import annotations

import re
import sys
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

import loadplan
import loadplan.core

DOCS = Path(__file__).resolve().parents[1] / "docs"
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


@contextmanager
def doc_module(name: str) -> Iterator[types.ModuleType]:
    """A real module for the examples (libraries resolve names through a
    class's ``__module__``), and the process-wide loadplan defaults put back
    after."""
    module = types.ModuleType(f"docs_{name.replace('.', '_')}")
    module.__file__ = str(DOCS / name)
    defaults = dict(loadplan.core._defaults)
    sys.modules[module.__name__] = module
    try:
        yield module
    finally:
        del sys.modules[module.__name__]
        loadplan.core._defaults.update(defaults)
        loadplan.clear_plan_cache()


def text_of(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def run_blocks(name: str) -> None:
    """Run every block of ``docs/<name>`` in order, in one namespace."""
    path = DOCS / name
    with doc_module(name) as module:
        for block in python_blocks(text_of(name)):
            # Pad with blank lines so that line numbers are the document's.
            source = "\n" * (block.line - 1) + block.code
            failure = None
            try:
                exec(compile(source, str(path), "exec", dont_inherit=True), module.__dict__)
            except Exception as exc:
                failure = (
                    f"block {block.number} (docs/{name} line {block.line}) raised "
                    f"{type(exc).__name__}: {exc}\n\n{''.join(traceback.format_exception(exc))}"
                )
            if failure is not None:
                pytest.fail(failure, pytrace=False)


def undocumented(name: str, names: list[str], prefix: str) -> list[str]:
    """Names not found in a code span of the document (``name``, ``name(``,
    ``prefix.name``, ``name.attribute``, ``name[T]``)."""
    text = text_of(name)
    return [n for n in names if not re.search(rf"`(?:{prefix})?{re.escape(n)}[`(.\[]", text)]
