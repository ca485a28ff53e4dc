"""End-to-end tests of the web app: headless Chromium (Debian's, driven by
Playwright) against a live server on a demo production of its own.

The server runs in a thread of the test process, on a free port, over a
SQLite file holding the small demo; it serves the built app (``make web``).
Every page a test opens may reach that server and nothing else: requests to
any other host are aborted and recorded, and a test that caused one fails.

Tests share the server and change its data (statuses, comments, bulk
changes), so each works on tasks of its own and reads what it expects from
the API at the time, as the role it tests.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from shotline import web
from shotline.app import create_app
from shotline.db import make_engine, upgrade
from shotline.demo import DEMO_PASSWORD, create_demo
from shotline.settings import Settings
from shotline.storage import LocalStore

CHROMIUM = Path(os.environ.get("SHOTLINE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
SCREENSHOTS = os.environ.get("SHOTLINE_UI_SCREENSHOTS")
"""Where the views' screenshots go (``make ui-screenshots`` sets docs/ui)."""

ROLES = ("admin", "manager", "supervisor", "artist", "vendor", "client")


def _require(ready: bool, reason: str) -> None:
    if ready:
        return
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI runs the end-to-end tests)", pytrace=False)
    pytest.skip(reason)


def email(role: str) -> str:
    return f"{role}@shotline.test"


@dataclass
class Server:
    url: str
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, role: str) -> httpx2.Client:
        """An API client signed in as the demo account of ``role`` (bearer)."""
        if role not in self.tokens:
            answer = httpx2.post(
                f"{self.url}/api/auth/login",
                json={"email": email(role), "password": DEMO_PASSWORD},
            )
            answer.raise_for_status()
            self.tokens[role] = answer.json()["access_token"]
        # A whole-project read on a busy machine outlasts httpx's 5 s default.
        return httpx2.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
            timeout=60,
        )

    def get(self, role: str, path: str, **params: Any) -> Any:
        with self.api(role) as client:
            answer = client.get(path, params=params)
            assert answer.status_code == 200, answer.text
            return answer.json()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _require((web.BUNDLE / "index.html").is_file(), "the web app is not built (make web)")
    folder = tmp_path_factory.mktemp("e2e")
    engine = make_engine(f"sqlite:///{folder / 'shotline.db'}")
    upgrade(engine)
    previews = folder / "previews"
    create_demo(engine, "small", 42, previews=LocalStore(previews))
    app = create_app(engine, dataclasses.replace(Settings(), preview_dir=str(previews)))
    sock = _free_socket()
    host, port = sock.getsockname()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield Server(f"http://{host}:{port}")
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    """Playwright for this package's tests only: its sync API keeps an event
    loop marked running in this thread while it is open, so a test of
    another package run later by the same process (the suite runs a process
    per core) could not call ``asyncio.run``."""
    _require(CHROMIUM.is_file(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@dataclass
class Visit:
    """A browser context on the server, with every other host cut off."""

    server: Server
    context: BrowserContext
    page: Page
    blocked: list[str]
    errors: list[str]

    def open(self, path: str) -> Page:
        self.page.goto(self.server.url + path)
        return self.page

    def sign_in(self, role: str, password: str = DEMO_PASSWORD, who: str | None = None) -> Page:
        page = self.open("/login")
        page.fill("input[name=email]", who or email(role))
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.wait_for_selector("[data-test=who]")
        return page

    def shoot(self, name: str) -> None:
        """A screenshot of the page for docs/ui.md (when asked for)."""
        if SCREENSHOTS:
            target = Path(SCREENSHOTS) / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(target))


@pytest.fixture
def visit(server: Server, browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    blocked: list[str] = []
    errors: list[str] = []
    origin = urlsplit(server.url).netloc

    def route(handle: Any) -> None:
        if urlsplit(handle.request.url).netloc == origin:
            handle.continue_()
        else:
            blocked.append(handle.request.url)
            handle.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield Visit(server, context, page, blocked, errors)
    context.close()
    assert blocked == [], f"requests to other hosts: {blocked}"
    assert errors == [], f"uncaught errors in the page: {errors}"


def row_count(page: Page) -> str:
    return page.locator("[data-test=row-count]").inner_text()
