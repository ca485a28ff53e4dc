"""The key columns a relationship load needs on each side.

A batched child row must carry the key that points back to its parent, and a
joined or selectin load needs the parent's side of the join: leaving either
out is the classic "every row refetches" bug of other optimizers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Mapper, RelationshipProperty


@dataclass(frozen=True)
class KeyPairs:
    """Parent attribute keys and the matching child-side columns.

    For a plain relationship the child-side columns live on the child's table;
    for one through a ``secondary`` table they live on that table, and
    ``child_columns`` hold the child's own side of the secondary join.
    """

    parent_keys: tuple[str, ...]
    remote_columns: tuple[ColumnElement[Any], ...]
    child_keys: tuple[str, ...]


def attribute_keys(mapper: Mapper[Any], columns: list[Any]) -> tuple[str, ...]:
    keys: list[str] = []
    for column in columns:
        prop = mapper.get_property_by_column(column)
        if prop.key not in keys:
            keys.append(prop.key)
    return tuple(keys)


@cache
def key_pairs(prop: RelationshipProperty[Any]) -> KeyPairs:
    """Worked out once per relationship: the planner and every batched load
    of a request (the parents' keys, then the statement) ask for them."""
    parent: Mapper[Any] = prop.parent
    child: Mapper[Any] = prop.mapper
    if prop.secondary is not None:
        pairs = list(prop.synchronize_pairs)
        child_pairs = list(prop.secondary_synchronize_pairs or ())
        return KeyPairs(
            parent_keys=attribute_keys(parent, [local for local, _ in pairs]),
            remote_columns=tuple(remote for _, remote in pairs),
            child_keys=attribute_keys(child, [local for local, _ in child_pairs]),
        )
    pairs = list(prop.local_remote_pairs or ())
    remote = [r for _, r in pairs]
    return KeyPairs(
        parent_keys=attribute_keys(parent, [local for local, _ in pairs]),
        remote_columns=tuple(remote),
        child_keys=attribute_keys(child, remote),
    )
