"""Run the windowed loads of a plan once its parent statement has returned.

Walks the loaded object graph along the plan: joined and selectin loads have
already filled their attributes, so the walk only descends through them to
reach the parents of each windowed load below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from loadplan.execution.binding import Binding
from loadplan.execution.windowed import load_windowed
from loadplan.plan import EntityPlan


def _flatten(parents: Iterable[Any], key: str) -> list[Any]:
    out: list[Any] = []
    for parent in parents:
        value = getattr(parent, key)
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            out.extend(value)
        else:
            out.append(value)
    return out


def run_post_loads(
    session: Session, objects: Sequence[Any], plan: EntityPlan, binding: Binding
) -> None:
    for rel in plan.all_relationships():
        if not (rel.windowed or rel.target.needs_post_load()):
            continue
        parents = [obj for obj in objects if isinstance(obj, rel.owner)]
        if not parents:
            continue
        if rel.windowed:
            children = load_windowed(session, parents, rel, binding)
        else:
            children = _flatten(parents, rel.key)
        if children and rel.target.needs_post_load():
            run_post_loads(session, list(dict.fromkeys(children)), rel.target, binding)
