"""A server process whose threads are sampled: where its time goes under load.

    python -m bench.sampled_server OUT.json -- <uvicorn arguments>

Runs uvicorn as ``bench.events`` does, with a thread that every
:data:`INTERVAL` seconds reads the stack of every other thread
(``sys._current_frames``) and counts, per sample, which part of the work the
stack is in (:data:`PARTS`, the first that matches from the innermost frame
out), or ``idle`` when the thread is waiting (the event loop's selector, a
lock, a queue). On SIGTERM it writes the counts to ``OUT.json``. A sampler
rather than ``cProfile``: the work runs in the threads of anyio's pool and
of ``asyncio.to_thread``, which a profiler of the main thread misses, and
profiling every call would change the timings it measures.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import FrameType

import uvicorn

INTERVAL = 0.005

PARTS = [
    # (part, file fragment, function name or "" for any)
    ("listening", "shotline/events/broker.py", "_follow_channel"),
    ("commit", "sqlalchemy/engine/base.py", "_commit_impl"),
    ("fan-out: who may read (SQL)", "shotline/events/broker.py", "_read"),
    ("fan-out: queueing batches", "shotline/events/broker.py", "_deliver"),
    ("token checks", "shotline/events/tokens.py", ""),
    ("stream: resuming from the log", "shotline/api/events.py", "backlog"),
    ("stream: sending frames", "shotline/api/events.py", "body"),
    ("comment: recording events", "shotline/events/log.py", ""),
    ("comment: the write", "shotline/api/crud/comments.py", ""),
    ("comment: the write", "shotline/services/tasks.py", ""),
    ("authentication", "shotline/auth.py", ""),
    ("http and asgi", "uvicorn/", ""),
    ("http and asgi", "starlette/", ""),
    ("http and asgi", "fastapi/", ""),
]
IDLE = {
    ("selectors.py", "select"),
    ("threading.py", "wait"),
    ("queue.py", "get"),
    ("thread.py", "_worker"),
    ("notifies", "notifies"),
}


def _part(frame: FrameType | None) -> str:
    innermost = frame
    if innermost is not None:
        code = innermost.f_code
        if "psycopg" in code.co_filename:
            caller = _caller(frame)
            return "idle" if caller == "listening" else f"database, for {caller}"
        name = Path(code.co_filename).name
        if (name, code.co_name) in IDLE or code.co_name in {"wait", "select", "notifies"}:
            return "idle"
    return _caller(frame)


def _caller(frame: FrameType | None) -> str:
    """The first part of :data:`PARTS` the stack is in, from the innermost frame out."""
    while frame is not None:
        code = frame.f_code
        for part, fragment, function in PARTS:
            if fragment in code.co_filename and (not function or code.co_name == function):
                return part
        frame = frame.f_back
    return "other"


def _sample(counts: Counter[str], stop: threading.Event) -> None:
    me = threading.get_ident()
    while not stop.wait(INTERVAL):
        for ident, frame in sys._current_frames().items():
            if ident != me:
                counts[_part(frame)] += 1


def main() -> None:
    out = Path(sys.argv[1])
    arguments = sys.argv[sys.argv.index("--") + 1 :]
    counts: Counter[str] = Counter()
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(counts, stop), daemon=True)
    started = time.monotonic()
    sampler.start()

    def written(*_: object) -> None:
        stop.set()
        busy = {k: v for k, v in counts.items() if k != "idle"}
        total = sum(busy.values()) or 1
        report = {
            "seconds": round(time.monotonic() - started, 1),
            "interval": INTERVAL,
            "busy_samples": total,
            "share": {k: round(v / total, 3) for k, v in sorted(busy.items(), key=lambda i: -i[1])},
        }
        out.write_text(json.dumps(report, indent=2) + "\n")

    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum: int, frame: FrameType | None) -> None:
        written()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
    sys.argv = ["uvicorn", *arguments]
    try:
        uvicorn.main()
    finally:
        if not stop.is_set():
            written()


if __name__ == "__main__":
    main()
