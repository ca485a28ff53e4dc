"""The documentation site builds in strict mode, reads offline, and documents the public API.

``mkdocs build --strict`` fails on a broken link, a missing page or an object
the API reference cannot find. The built pages must not load anything from the
network (the site is read from a clone or an archive), and each name a public
module lists in ``__all__`` must have its entry in the reference.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.extras import left_out

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PAGES = {
    "loadplan": "reference/loadplan.html",
    "loadplan.strawberry": "reference/strawberry.html",
    "loadplan.fastapi": "reference/fastapi.html",
    "loadplan.pydantic": "reference/pydantic.html",
    "loadplan.testing": "reference/testing.html",
}
# A resource the browser fetches by itself: scripts, styles, images, fonts, frames.
REMOTE_RESOURCE = re.compile(
    r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']https?://"""
    r"""|<link\b[^>]*\bhref=["']https?://[^"']*["'][^>]*\brel=["'](?:stylesheet|preload|icon)"""
    r"""|<link\b[^>]*\brel=["'](?:stylesheet|preload|icon)["'][^>]*\bhref=["']https?://"""
    r"""|url\(\s*["']?https?://""",
)

pytestmark = pytest.mark.skipif(
    bool(left_out()), reason="the site documents every extra; this run does without some"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return target


def test_every_page_of_the_docs_folder_is_in_the_site(site: Path) -> None:
    sources = {
        path.relative_to(ROOT / "docs").with_suffix(".html")
        for path in (ROOT / "docs").rglob("*.md")
    }
    built = {path.relative_to(site) for path in site.rglob("*.html")}
    assert sources <= built


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    remote = {
        str(path.relative_to(site)): REMOTE_RESOURCE.findall(path.read_text())
        for path in site.rglob("*")
        if path.suffix in {".html", ".css"}
    }
    assert {page: found for page, found in remote.items() if found} == {}


@pytest.mark.parametrize("module", sorted(REFERENCE_PAGES))
def test_each_public_name_has_its_entry_in_the_reference(site: Path, module: str) -> None:
    page = (site / REFERENCE_PAGES[module]).read_text()
    anchors = set(re.findall(r'\bid="([^"]+)"', page))
    public = importlib.import_module(module).__all__
    assert [name for name in public if f"{module}.{name}" not in anchors] == []
