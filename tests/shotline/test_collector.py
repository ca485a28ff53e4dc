"""The collector's settings of a serving process: both ways ``shotline serve``
builds its app (one process, or each worker of ``--workers N``) settle them.
Checked in a child process, so that the suite's own collector is untouched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shotline.asgi import DATABASE_URL
from shotline.collector import THRESHOLDS

WORKER_APP = """
import gc
from shotline.asgi import application
before = gc.get_freeze_count()
application()
print(gc.get_threshold(), before, gc.get_freeze_count() > before)
"""


def test_a_worker_freezes_its_startup_objects_and_sets_the_thresholds(tmp_path: Path) -> None:
    env = {DATABASE_URL: f"sqlite:///{tmp_path / 'shotline.db'}", "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", WORKER_APP], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout == f"{THRESHOLDS} 0 True\n"
