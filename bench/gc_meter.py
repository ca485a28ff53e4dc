"""Garbage collections during one request: how many, how many full, how long.

A request that keeps many objects alive at once (one per row, say) makes
Python's cyclic collector run during it, and each run traverses every
object of the generations it collects; the time shows in the request's
latency but not in a profile of the request's own code. Installed in
``gc.callbacks``, this counts only between :meth:`GcMeter.start` and
:meth:`GcMeter.stop`.
"""

from __future__ import annotations

import time
from typing import Any


class GcMeter:
    """A ``gc.callbacks`` hook counting the collections of one request."""

    def __init__(self) -> None:
        self.active = False
        self.runs = 0
        self.full = 0
        self.seconds = 0.0
        self._began = 0.0

    def start(self) -> None:
        self.runs, self.full, self.seconds, self.active = 0, 0, 0.0, True

    def stop(self) -> None:
        self.active = False

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if not self.active:
            return
        if phase == "start":
            self._began = time.perf_counter()
            return
        self.runs += 1
        self.full += info["generation"] == 2
        self.seconds += time.perf_counter() - self._began
