"""How requests name the studio's vocabulary: by id, or by its unique name.

One rule for every filter and import column that names a task type, a task
status or an asset type: a value of ASCII digits only is an id; any other
value is the item's unique name, matched exactly (a task type's ``name``, a
task status's ``short_name``, an asset type's ``name``). Production rows
(projects, entities, episodes, sequences, people) are named by id only:
their names are unique only within a project or a parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shotline.errors import BadRequest
from shotline.models import AssetType, TaskStatus, TaskType
from shotline.schemas.crud import MAX_INT

__all__ = ["NAMES", "is_id", "resolve"]

NAMES: dict[type[Any], tuple[InstrumentedAttribute[str], str]] = {
    TaskType: (TaskType.name, "task type"),
    TaskStatus: (TaskStatus.short_name, "task status"),
    AssetType: (AssetType.name, "asset type"),
}
"""Each kind of vocabulary: the column that names it, and what it is called."""


def is_id(value: str) -> bool:
    """Whether ``value`` names a row by id (ASCII digits, within an id's range)."""
    return value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_INT


def resolve(session: Session, model: type[Any], values: Sequence[str], field: str) -> list[int]:
    """The ids ``values`` name (one statement), or a 400 naming ``field``
    and the first value that names nothing."""
    column, what = NAMES[model]
    ids = [int(value) for value in values if is_id(value)]
    names = [value for value in values if not is_id(value)]
    rows = session.execute(
        select(model.id, column).where(or_(model.id.in_(ids), column.in_(names)))
    ).all()
    known_ids = {ident for ident, _ in rows}
    by_name = {name: ident for ident, name in rows}
    resolved = []
    for value in values:
        ident = int(value) if is_id(value) else by_name.get(value)
        if ident is None or ident not in known_ids:
            raise BadRequest(field, f"unknown {what} {value!r}")
        resolved.append(ident)
    return resolved
