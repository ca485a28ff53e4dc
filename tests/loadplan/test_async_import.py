"""``import loadplan`` works without greenlet, which only ``loadplan[asyncio]`` brings,
and without any package another extra brings.

Each check runs in a fresh interpreter where importing those packages fails,
as it does in an environment with SQLAlchemy alone, and asserts that loadplan
never imported SQLAlchemy's asyncio extension (which needs greenlet) on the way.
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


EXTRAS_PACKAGES = ("greenlet", "orjson", "strawberry", "fastapi", "pydantic", "graphql")
"""What ``loadplan[asyncio]``, ``[fastapi]`` and ``[strawberry]`` install."""

WITHOUT_EXTRAS = f"""
import sys
for name in {EXTRAS_PACKAGES!r}:
    sys.modules[name] = None  # any import of it now raises ImportError
import loadplan, loadplan.testing
print("imported")
"""


def test_the_core_imports_nothing_an_extra_brings() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_EXTRAS], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "imported"), result.stderr
