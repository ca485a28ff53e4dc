"""The plan cache: plans by class, selection shape and settings.

The shape of a selection is its tree without argument values, so two
requests that differ only in a filter value or a page size share one plan.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from loadplan.plans import EntityPlan
from loadplan.selection import Selection

__all__ = ["PlanCache", "dynamic", "shape"]


def shape(node: Selection) -> Hashable:
    """The cache key of a selection: its tree without argument values, plus
    which sibling selections of one relationship have equal arguments."""
    seen: dict[tuple[str, str | None], list[Any]] = {}
    children = []
    for child in node.children:
        variants = seen.setdefault((child.name, child.type_condition), [])
        if child.arguments not in variants:
            variants.append(child.arguments)
        children.append(
            (
                child.name,
                child.alias,
                child.type_condition,
                child.arguments.shape(),
                variants.index(child.arguments),
                child.hints,
                shape(child),
            )
        )
    return tuple(children)


def dynamic(node: Selection) -> bool:
    """Whether a hint below ``node`` computes its paths from the request
    context: such a plan is made for each request, never cached."""
    return bool(node.hints and node.hints.dynamic) or any(dynamic(c) for c in node.children)


class PlanCache:
    """A bounded, thread-safe LRU of entity plans."""

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._plans: OrderedDict[Hashable, EntityPlan] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> EntityPlan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is None:
                self.misses += 1
                return None
            self._plans.move_to_end(key)
            self.hits += 1
            return plan

    def put(self, key: Hashable, plan: EntityPlan) -> None:
        with self._lock:
            self._plans[key] = plan
            if len(self._plans) > self._size:
                self._plans.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._plans)
