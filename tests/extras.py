"""Which test modules need which of loadplan's extras, read from their imports.

The suite normally runs with every extra installed. loadplan's wheel sessions
(``noxfile.py``) run it without some of them and say so in
``LOADPLAN_TEST_WITHOUT`` (e.g. ``strawberry,fastapi,asyncio`` for the
SQLAlchemy-only run); the modules that need a missing extra, directly or
through a test helper they import, are then not collected. Nothing is left
out unless the variable names it, so a full run cannot skip a module quietly.
A module that executes a document (``run_blocks("rest.md")``) needs what the
document's examples import.
"""

from __future__ import annotations

import ast
import os
from functools import cache
from pathlib import Path

from tests.docs_runner import DOCS, python_blocks

ROOT = Path(__file__).resolve().parents[1]

# The modules each extra brings (or, for loadplan's own, needs).
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "strawberry": ("strawberry", "graphql", "loadplan.strawberry"),
    "fastapi": (
        "fastapi",
        "starlette",
        "pydantic",
        "orjson",
        "loadplan.fastapi",
        "loadplan.pydantic",
        "loadplan.row_json",
    ),
    "asyncio": ("sqlalchemy.ext.asyncio", "greenlet", "tests.async_databases"),
}


def left_out() -> frozenset[str]:
    """The extras this run does without, from ``LOADPLAN_TEST_WITHOUT``."""
    named = {name.strip() for name in os.environ.get("LOADPLAN_TEST_WITHOUT", "").split(",")}
    named.discard("")
    unknown = named - EXTRA_MODULES.keys()
    if unknown:
        raise ValueError(f"LOADPLAN_TEST_WITHOUT names unknown extras: {sorted(unknown)}")
    return frozenset(named)


def _provides(module: str, extra: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in EXTRA_MODULES[extra])


def _imports(source: str, filename: str) -> tuple[set[str], list[str]]:
    """The modules ``source`` imports, and the documents it runs with ``run_blocks``."""
    imported: set[str] = set()
    documents: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "run_blocks"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            documents.append(node.args[0].value)
    return imported, documents


@cache
def extras_needed(path: Path) -> frozenset[str]:
    """The extras a test module (or test helper) needs, following ``tests.*``
    imports and the examples of the documents it runs."""
    imported, documents = _imports(path.read_text(encoding="utf-8"), str(path))
    for document in documents:
        text = (DOCS / document).read_text(encoding="utf-8")
        code = "\n".join(block.code for block in python_blocks(text))
        imported |= _imports(code, document)[0]
    needed: set[str] = set()
    for module in imported:
        needed.update(extra for extra in EXTRA_MODULES if _provides(module, extra))
        if module.startswith("tests."):
            helper = ROOT.joinpath(*module.split(".")).with_suffix(".py")
            if helper.is_file() and helper.resolve() != path.resolve():
                needed |= extras_needed(helper)
    return frozenset(needed)
