"""The web app's pages and static files, and the documentation pages, served
by the application itself with nothing loaded from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from shotline import web
from shotline.app import create_app
from tests.refusals import refusal

ABSOLUTE = re.compile(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"' >]+)""", re.IGNORECASE)


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the built app (``make web`` writes the real one)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Shotline</title><div id=app>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "vendor" / "redoc").mkdir(parents=True)
    (tmp_path / "vendor" / "redoc" / "redoc.standalone.js").write_text("// redoc")
    monkeypatch.setattr(web, "BUNDLE", tmp_path)
    return tmp_path


def _client() -> TestClient:
    return TestClient(create_app(create_engine("sqlite://")))


@pytest.mark.parametrize(
    "path", ["/", "/login", "/password", "/my-tasks", "/projects", "/projects/1/assets"]
)
def test_every_page_of_the_app_is_its_index_without_a_token(bundle: Path, path: str) -> None:
    answer = _client().get(path)
    assert answer.status_code == 200
    assert answer.text == (bundle / "index.html").read_text()
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["content-security-policy"] == web.APP_POLICY
    assert "default-src 'self'" in web.APP_POLICY
    assert "script-src" not in web.APP_POLICY  # no inline script: 'self' only


def test_static_files_hashed_ones_cached_for_good(bundle: Path) -> None:
    client = _client()
    asset = client.get("/static/assets/index-abc123.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('app')"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    vendor = client.get("/static/vendor/redoc/redoc.standalone.js")
    assert (vendor.status_code, vendor.headers["cache-control"]) == (200, "no-cache")
    assert client.get("/static/nothing.js").status_code == 404


def test_an_unbuilt_app_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "BUNDLE", tmp_path / "missing")
    answer = _client().get("/")
    assert answer.status_code == 503
    assert "make web" in answer.text
    # Its files are not found (the documentation pages' scripts among them), not a 500.
    missing = _client().get("/static/vendor/swagger-ui/swagger-ui.css")
    assert (missing.status_code, missing.json()) == (404, refusal("not_found", "Not Found"))
    # The API is still there.
    assert _client().get("/healthz").json() == {"status": "ok"}


def test_the_api_still_needs_a_token_beside_the_pages(bundle: Path) -> None:
    client = _client()
    assert client.get("/api/projects").status_code == 401
    assert client.get("/api/projects/1/assets").status_code == 401


@pytest.mark.parametrize(
    ("path", "scripts"),
    [
        ("/docs", ["/static/vendor/swagger-ui/swagger-ui-bundle.js"]),
        ("/redoc", ["/static/vendor/redoc/redoc.standalone.js"]),
        (
            "/graphql",
            [
                "/static/vendor/graphiql/react.production.min.js",
                "/static/vendor/graphiql/react-dom.production.min.js",
                "/static/vendor/graphiql/graphiql.min.js",
                "/static/vendor/graphiql/plugin-explorer.umd.js",
            ],
        ),
    ],
)
def test_documentation_pages_load_only_this_servers_files(path: str, scripts: list[str]) -> None:
    page = _client().get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    # What the page's own scripts would fetch from elsewhere, the browser refuses.
    assert page.headers["content-security-policy"] == web.DOCS_POLICY
    assert ABSOLUTE.findall(page.text) == []
    found = re.findall(r"""<script[^>]*\ssrc=["']([^"']+)""", page.text)
    assert found == scripts


def test_graphiql_sends_the_sessions_csrf_token() -> None:
    page = _client().get("/graphql", headers={"Accept": "text/html"}).text
    assert "shotline_csrf=" in page
    assert '"X-CSRF-Token"' in page
