"""``import loadplan`` works without greenlet, which only ``loadplan[asyncio]`` brings.

Each check runs in a fresh interpreter where importing greenlet fails, as it
does in an environment with SQLAlchemy alone, and asserts that loadplan never
imported SQLAlchemy's asyncio extension (which needs greenlet) on the way.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.extras import left_out

WITHOUT_GREENLET = """
import sys
sys.modules["greenlet"] = None  # any import of greenlet now raises ImportError
import {modules}
assert "sqlalchemy.ext.asyncio" not in sys.modules, "loadplan imported the asyncio extension"
print("imported")
"""


def run_without_greenlet(modules: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_GREENLET.format(modules=modules)],
        capture_output=True,
        text=True,
        check=False,
    )


# loadplan's modules, by the extra they need (none for the core), in this run.
MODULES_BY_EXTRA = {
    "core": "loadplan, loadplan.testing",
    "strawberry": "loadplan.strawberry",
    "fastapi": "loadplan.fastapi, loadplan.pydantic",
}


@pytest.mark.parametrize(
    "modules",
    [modules for extra, modules in MODULES_BY_EXTRA.items() if extra not in left_out()],
)
def test_imports_without_greenlet(modules: str) -> None:
    result = run_without_greenlet(modules)
    assert (result.returncode, result.stdout.strip()) == (0, "imported"), result.stderr
