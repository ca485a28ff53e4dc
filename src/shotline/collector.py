"""The garbage collector's settings for a serving process.

Everything allocated before the first request (libraries, the schema, the
plan and statement caches) lives as long as the process: one collection,
then ``gc.freeze()``, takes it out of the collector's sight for good. A
large response allocates tens of thousands of short-lived containers, so
young collections run every 50,000 allocations rather than CPython's 700,
and full ones far more rarely; memory under identical requests still
levels off (docs/performance.md, "The garbage collector and the server's
settings").
"""

from __future__ import annotations

import gc

#: CPython's generation thresholds for a serving process.
THRESHOLDS = (50_000, 20, 20)


def settle_for_serving() -> None:
    """Collect, freeze what exists, and set :data:`THRESHOLDS`: called once
    the app is built, before it serves."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
