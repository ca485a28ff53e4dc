"""Browser benchmark of the web app on the demo production (``make bench-web``).

Headless Chromium (Debian's, driven by Playwright) against ``shotline serve``
in a process of its own, on a copy of the benchmark's SQLite database (the
benchmark changes statuses). Measured, each over ``--rounds`` runs:

- **grid interactive**: from the start of the navigation to the whole
  project's asset grid (and, for comparison, shot grid) painted with its rows
  and ready for clicks (the app's ``shotline:grid-ready`` mark, made once the
  frame showing the rows is painted); with the grid request's own time;
- **task panel**: from the click on a cell to the panel painted with the task
  and its comments (``shotline:panel-ready``);
- **frame times while scrolling**: the grid scrolled from top to bottom, a
  step per frame (100 px, and ``--step``), with Chromium's frame rate limit
  off, so that a frame takes as long as its work (script, style, layout,
  paint), not 1/60 s; measured as intervals (wall clock, which a machine busy
  with other work stretches) and, from a trace, as the CPU time the frame
  cost the page's main thread and every thread of the browser;
- **status change visible**: from the end of the response of the comment that
  changes a task's status to the frame showing the new status in its cell
  painted (``shotline:cell-updated``); and the same for a bulk change.

Targets (the web app's issue): grid interactive <= 1.5 s, p95 frame time
<= 16 ms, status change visible <= 100 ms after the response.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2
from playwright.sync_api import Browser, Page, sync_playwright

from bench.database import prepare
from shotline.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("SHOTLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # Frames as fast as their work allows: a frame's interval is its cost.
    "--disable-frame-rate-limit",
    "--disable-gpu-vsync",
]
VIEWPORT = {"width": 1600, "height": 1000}
PROJECT = 1


@dataclass
class Stats:
    name: str
    values: list[float]
    unit: str = "ms"

    def line(self) -> str:
        values = sorted(self.values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return (
            f"| {self.name} | {len(values)} | {statistics.median(values):,.1f} | "
            f"{p95:,.1f} | {values[-1]:,.1f} |"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serve(database: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "shotline"),
            "serve",
            "--port",
            str(port),
            "--database-url",
            f"sqlite:///{database}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx2.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the server did not start")


def _sign_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", "admin@shotline.test")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda address: "/login" not in address)


MARK = "name => performance.getEntriesByName(name).length > 0"


def _grid(page: Page, url: str, kind: str) -> tuple[float, float, int]:
    """Navigation start → grid painted; the grid request's duration; rows."""
    page.goto(f"{url}/projects/{PROJECT}/{kind}s")
    page.wait_for_function(MARK, arg="shotline:grid-ready", timeout=60_000)
    ready, request, rows = page.evaluate(
        """kind => {
            const mark = performance.getEntriesByName('shotline:grid-ready')[0].startTime;
            const grid = performance.getEntriesByType('resource')
                .find(entry => entry.name.includes(`/${kind}s?`));
            const count = document.querySelector('[data-test=row-count]').textContent;
            return [mark, grid.responseEnd - grid.startTime, parseInt(count.replace(/,/g, ''))];
        }""",
        kind,
    )
    return ready, request, rows


def _panel(page: Page, index: int) -> float:
    """Click → panel painted, on a cell of a row in view."""
    return float(
        page.evaluate(
            """async index => {
                performance.clearMarks('shotline:panel-ready');
                const cells = document.querySelectorAll('.grid-cell[data-task]');
                const cell = cells[index % cells.length];
                const start = performance.now();
                cell.click();
                while (!performance.getEntriesByName('shotline:panel-ready').length) {
                    await new Promise(resolve => setTimeout(resolve, 1));
                }
                return performance.getEntriesByName('shotline:panel-ready')[0].startTime - start;
            }""",
            index * 7,
        )
    )


TRACED = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline.frame",
    "toplevel",
    "blink",
    "cc",
    "viz",
]


TASKS = {"RunTask", "ThreadControllerImpl::RunTask"}
"""What a thread's top-level task is called in a trace (it varies by version)."""


def _frame_cpu(trace: bytes) -> tuple[list[float], list[float]]:
    """CPU time spent per frame (ms) by the renderer's main thread, and by
    every thread of the browser (compositing and software raster included),
    from a trace: each thread's tasks (their thread time, which a busy
    machine does not stretch) summed between two animation frames."""
    data = json.loads(trace)
    events = data["traceEvents"] if isinstance(data, dict) else data
    threads = {
        (event["pid"], event["tid"]): event["args"]["name"]
        for event in events
        if event.get("ph") == "M" and event.get("name") == "thread_name"
    }
    main = {key for key, name in threads.items() if name == "CrRendererMain"}
    frames = sorted(
        event["ts"]
        for event in events
        if event.get("name") == "FireAnimationFrame" and (event["pid"], event["tid"]) in main
    )
    on_main = [0.0] * (len(frames) - 1)
    everywhere = [0.0] * (len(frames) - 1)
    for event in events:
        if event.get("ph") != "X" or event.get("name") not in TASKS or "tdur" not in event:
            continue
        frame = bisect.bisect_right(frames, event["ts"]) - 1
        if 0 <= frame < len(on_main):
            everywhere[frame] += event["tdur"] / 1000
            if (event["pid"], event["tid"]) in main:
                on_main[frame] += event["tdur"] / 1000
    return on_main[1:], everywhere[1:]


@dataclass
class Scrolled:
    """Per frame: intervals (wall clock), and CPU time of the page's main
    thread and of every browser thread (see :func:`_frame_cpu`)."""

    intervals: list[float]
    main: list[float]
    everywhere: list[float]


def _scroll(page: Page, step: int, browser: Browser) -> Scrolled:
    """Scroll the grid top to bottom, ``step`` px a frame, traced."""
    browser.start_tracing(page=page, categories=TRACED)
    intervals: list[float] = page.evaluate(
        """step => new Promise(resolve => {
            const grid = document.querySelector('[data-test=grid]');
            grid.scrollTop = 0;
            const frames = [];
            let last = null;
            function frame(now) {
                if (last !== null) frames.push(now - last);
                last = now;
                if (grid.scrollTop + grid.clientHeight >= grid.scrollHeight) {
                    resolve(frames);
                    return;
                }
                grid.scrollTop += step;
                requestAnimationFrame(frame);
            }
            requestAnimationFrame(frame);
        })""",
        step,
    )
    main, everywhere = _frame_cpu(browser.stop_tracing())
    # The first interval holds the scroll's start-up.
    return Scrolled(intervals[1:], main, everywhere)


def _painted_after(page: Page, path: str) -> tuple[float, float]:
    """(response → cell painted, the request's own duration) of the first
    request to ``path`` since the resource timings were cleared.

    The cell painted is the first ``shotline:cell-updated`` mark after the
    response: the change also comes back on the page's event stream, which
    may mark the cell before the response is over (or, for a previous
    change, after the marks were cleared)."""
    timing = page.wait_for_function(
        """path => {
            const posted = performance.getEntriesByType('resource')
                .find(entry => entry.name.endsWith(path));
            const mark = posted && performance.getEntriesByName('shotline:cell-updated')
                .find(entry => entry.startTime >= posted.responseEnd);
            return mark && [mark.startTime - posted.responseEnd, posted.responseEnd - posted.startTime];
        }""",
        arg=path,
    )
    visible, request = timing.json_value()
    return float(visible), float(request)


def _status_change(page: Page, status: str) -> tuple[float, float]:
    """Post a comment changing the open task's status; (response → cell
    painted, the request's own duration)."""
    page.evaluate(
        "performance.clearMarks('shotline:cell-updated'); performance.clearResourceTimings()"
    )
    page.select_option("[data-test=panel-status-select]", label=status)
    page.fill("[data-test=comment-text]", "Benchmark status change.")
    page.click("[data-test=comment-post]")
    return _painted_after(page, "/comments")


def _bulk(page: Page, rows: int, status: str) -> tuple[float, float, int]:
    """Select ``rows`` rows with a shift-click and change their status."""
    if page.locator("[data-test=panel-close]").count():
        page.click("[data-test=panel-close]")
    page.evaluate("document.querySelector('[data-test=grid]').scrollTop = 0")
    page.wait_for_timeout(100)
    firsts = page.locator(".grid-row .grid-first")
    firsts.nth(0).click()
    firsts.nth(rows - 1).click(modifiers=["Shift"])
    selected = int(page.locator("[data-test=bulk] strong").inner_text().split()[0])
    page.evaluate(
        "performance.clearMarks('shotline:cell-updated'); performance.clearResourceTimings()"
    )
    page.select_option("[data-test=bulk-status]", label=status)
    page.click("[data-test=bulk-apply]")
    visible, request = _painted_after(page, "/tasks/status")
    return visible, request, selected


def run(scale: str, rounds: int, step: int) -> str:
    source = prepare("sqlite", scale, 42, log=lambda line: print(line, file=sys.stderr))
    workdir = Path(tempfile.mkdtemp(prefix="shotline-bench-web-"))
    database = workdir / "shotline.sqlite"
    shutil.copyfile(str(source.url.database), database)
    port = _free_port()
    server = _serve(database, port)
    url = f"http://127.0.0.1:{port}"
    results: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        results.setdefault(name, []).append(value)

    counts: dict[str, int] = {}
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
            page = context.new_page()
            _sign_in(page, url)
            for kind in ("asset", "shot"):
                _grid(page, url, kind)  # warm the server's statement caches
                for _ in range(rounds):
                    ready, request, rows = _grid(page, url, kind)
                    add(f"{kind} grid interactive (navigation → painted)", ready)
                    add(f"{kind} grid request (whole project)", request)
                    counts[kind] = rows
            _grid(page, url, "asset")
            for index in range(rounds * 2):
                add("task panel (click → painted)", _panel(page, index))
            page.click("[data-test=panel-close]")
            for kind in ("asset", "shot"):
                _grid(page, url, kind)
                for pace in sorted({100, step}):
                    what = f"{kind} grid frame, scrolling {pace} px a frame"
                    scrolled = _scroll(page, pace, browser)
                    results[f"{what}: interval (wall clock)"] = scrolled.intervals
                    results[f"{what}: CPU of the page's main thread"] = scrolled.main
                    results[f"{what}: CPU of every browser thread"] = scrolled.everywhere
            _grid(page, url, "asset")
            _panel(page, 0)
            for index in range(rounds):
                visible, request = _status_change(page, "WIP" if index % 2 else "Pending review")
                add("status change: response → cell painted", visible)
                add("status change request (comment with status)", request)
            for index in range(max(1, rounds // 2)):
                visible, request, selected = _bulk(page, 20, "On hold" if index % 2 else "Ready")
                add(f"bulk change of {selected} tasks: response → cells painted", visible)
                add(f"bulk change request ({selected} tasks)", request)
            version = browser.version
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"{time.strftime('%Y-%m-%d %H:%M')} (load average after the run: {load}), "
        f"{scale} demo on SQLite ({counts['asset']:,} assets, "
        f"{counts['shot']:,} shots in the grids), Chromium {version} headless, "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}, {os.cpu_count()} cores; "
        "server: shotline serve in its own process.",
        "",
        "| measure | n | median ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- |",
        *(Stats(name, values).line() for name, values in results.items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--step", type=int, default=300, help="pixels scrolled per frame")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "web.md")
    options = parser.parse_args()
    report = run(options.scale, options.rounds, options.step)
    options.out.write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
