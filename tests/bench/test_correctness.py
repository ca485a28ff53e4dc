"""The benchmark's correctness guard on a small demo (SQLite): the naive,
hand-written, one-statement SQL and loadplan (REST and GraphQL) answers of
every workload are the same data. The peers need ``.[bench]`` and are left
to ``make bench``; this keeps the benchmark from drifting as Shotline changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.dense import add_dense_project
from bench.impls import auth, loadplan_impls, sqlalchemy_impls
from bench.impls.base import Implementation, Unsupported
from bench.workloads import TABLE, Workload, first_difference, w1, w3, w3_limit
from sqlalchemy import Engine

from shotline.db import make_engine, upgrade
from shotline.demo import create_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("bench") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    create_demo(engine, "small", 42)
    add_dense_project(engine, 42, assets=120)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def implementations(demo: Engine) -> Iterator[dict[str, Implementation]]:
    token = auth.admin_token(demo)
    made = [
        *sqlalchemy_impls.make(demo, token),
        loadplan_impls.LoadplanRest(demo, token),
        loadplan_impls.LoadplanGraphql(demo, token),
    ]
    yield {impl.key: impl for impl in made}
    for impl in made:
        impl.close()


@pytest.mark.parametrize("workload", [*TABLE, w1(10), w3(10)], ids=lambda w: w.label)
def test_every_implementation_answers_the_same(
    workload: Workload, implementations: dict[str, Implementation]
) -> None:
    hand = implementations["hand"]
    expected = hand.normalise(workload, hand.request(workload)())
    assert expected, "the reference payload is empty"
    if workload.key == "W3":
        # The small demo's main project has 100 assets, the dense one 120 here.
        available = 100 if workload.shape == "demo" else 120
        assert len(expected["project"]["assets"]) == min(w3_limit(workload), available)
    answered = 0
    for key, impl in implementations.items():
        if key == "hand":
            continue
        try:
            body = impl.request(workload)()
        except Unsupported:
            continue
        assert first_difference(expected, impl.normalise(workload, body)) is None, key
        answered += 1
    assert answered >= 3
