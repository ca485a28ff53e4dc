"""Module-level state: listed in one place, cleared by one call, thread-safe."""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import loadplan
from loadplan import Selection
from loadplan.state import Memo, caches
from tests.loadplan.models import Entity, Project


def test_one_call_empties_every_cache(small: Engine) -> None:
    plan = loadplan.plan(
        Entity,
        Selection.of("name", Selection("asset_type", type_condition="Asset"), "tasks.label"),
    )
    with Session(small) as session:
        plan.fetch(session, select(Entity), mode="rows")
        session.scalars(
            loadplan.plan(Project, Selection.of("entities.name")).apply(select(Project))
        ).all()
    found = caches()
    assert {
        "plans",
        "batched statements",
        "row readers",
        "row view classes",
        "join aliases",
        "with_polymorphic entities",
        "relationship key pairs",
    } <= set(found)
    sized = {name: cache for name, cache in found.items() if hasattr(cache, "__len__")}
    assert all(len(cache) > 0 for name, cache in sized.items() if name in {"plans", "row readers"})
    loadplan.clear_caches()
    assert {name: len(cache) for name, cache in sized.items()} == dict.fromkeys(sized, 0)


def test_a_memo_builds_each_value_once_across_threads() -> None:
    memo: Memo[str, object] = Memo("test memo")
    built: list[object] = []

    def build() -> object:
        time.sleep(0.01)
        value = object()
        built.append(value)
        return value

    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(memo.get("k", build))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert results == built * 8
