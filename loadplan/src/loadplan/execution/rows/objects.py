"""ORM objects for the subtrees of a row-mode answer that need them.

A front end may answer most of a request from rows while some fields below
need real ORM objects (a resolver that queries, a hint's own loader
options). Those fields' rows get their objects here: one statement per
class, for the keys of its rows, planned for what those fields load. Each
row keeps its object under :data:`~loadplan.storage.OBJECT_KEY`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, inspect, select, tuple_
from sqlalchemy.orm import Session

from loadplan.mapping import primary_key
from loadplan.plans import EntityPlan
from loadplan.storage import OBJECT_KEY
from loadplan.views import rows_of

__all__ = ["attach_objects"]


def attach_objects(
    session: Session,
    root: EntityPlan,
    rows: list[dict[str, Any]],
    cls: type[Any],
    planned: Callable[[Select[Any]], Select[Any]],
) -> None:
    """Give the rows of ``cls`` anywhere in ``rows`` (loaded by ``root``)
    their objects, loaded by the statement ``planned`` makes of a ``Select``."""
    found = rows_of(root, rows, cls)
    if not found:
        return
    mapper = inspect(cls)
    keys = primary_key(cls)
    wanted = {tuple(row[k] for k in keys) for row in found}
    if len(keys) == 1:
        condition = mapper.primary_key[0].in_([k[0] for k in wanted])
    else:
        condition = tuple_(*mapper.primary_key).in_(list(wanted))
    objects = {
        inspect(o).identity: o for o in session.scalars(planned(select(cls).where(condition)))
    }
    for row in found:
        obj = objects.get(tuple(row[k] for k in keys))
        if obj is not None:
            row[OBJECT_KEY] = obj
