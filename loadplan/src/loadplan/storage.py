"""Where what a plan loaded is kept, in both modes: one rule, one set of readers.

A relationship may be loaded several ways for one object: all of its rows
for a model property, a page of them for the client, a filtered variant
under an alias. Both modes keep them the same way, in the parent's own
dict (an ORM object's ``__dict__``, which is its instance state's dict, or
a row dict, which is its row view's ``__dict__``):

- under the relationship's name: the variant that fills the attribute (the
  one without arguments, else the first one selected); the ORM mode writes
  it as the attribute's committed value;
- under ``@<key>``: a variant kept beside the attribute (see
  ``RelationshipPlan.side``), once per response key it was selected with;
  where two variants of one relationship share a response key (one object
  reached along two paths, each with its own arguments), each is kept
  under the key of the field holding the list, a dot, and its own
  (``@milestoneOf.issuePage``);
- under ``<key>@total``: the total of a list loaded by a windowed load
  (``None`` when nothing reads it), under each of its keys, and under the
  relationship's name too for the variant in the attribute.

Front ends read through :func:`related`, :func:`total_count` and
:func:`value`, which take an ORM object, a row view or a row dict alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm.attributes import set_committed_value

__all__ = [
    "HYBRID_CARRIER_PREFIX",
    "MODEL_KEY",
    "OBJECT_KEY",
    "SIDE_PREFIX",
    "TOTAL_SUFFIX",
    "keep",
    "kept_apart",
    "related",
    "total_count",
    "value",
    "windowed",
]

#: Prefix of a variant kept beside the attribute, before its response key.
SIDE_PREFIX = "@"
#: Suffix of a windowed list's total, after its key.
TOTAL_SUFFIX = "@total"
#: The mapped class of a row of a polymorphic entity (row dicts only).
MODEL_KEY = "__model__"
#: The ORM object of a row whose subtree needs one (row dicts only; see
#: :mod:`loadplan.execution.rows.objects`).
OBJECT_KEY = "__object__"
#: Prefix of the ``query_expression`` attribute a selected hybrid's SQL side
#: is loaded into on an ORM object (the hybrid itself stays as it is); a row
#: holds the value under the hybrid's own name.
HYBRID_CARRIER_PREFIX = "_loadplan_"

_MISSING = object()


def _dict_of(target: Any) -> dict[str, Any]:
    """The dict a loaded value lives in: the row dict itself, or the
    object's (or row view's) ``__dict__``."""
    if type(target) is dict:
        return target
    found: dict[str, Any] = target.__dict__
    return found


def keep(
    target: Any,
    name: str,
    keys: tuple[str, ...],
    side: bool,
    value: Any,
    total: int | None,
    windowed: bool,
) -> None:
    """Keep ``value``, a load of relationship ``name`` selected under
    ``keys``, on ``target`` by the rule above: in the attribute (an ORM
    object's committed value) unless ``side``; a ``windowed`` load with its
    ``total`` (``None`` when nobody reads it)."""
    found = _dict_of(target)
    if side:
        for key in keys:
            found[SIDE_PREFIX + key] = value
    elif type(target) is dict:
        target[name] = value
    else:
        set_committed_value(target, name, value)
    if windowed:
        for key in keys if side else (name, *keys):
            found[key + TOTAL_SUFFIX] = total


def related(target: Any, name: str, key: str | None = None) -> Any:
    """The loaded value of relationship ``name`` selected under ``key`` (its
    alias or response key): the variant kept beside the attribute under that
    key, else the attribute. ``target`` is an ORM object, a row view or a
    row dict."""
    found = _dict_of(target)
    if key is not None:
        kept = found.get(SIDE_PREFIX + key, _MISSING)
        if kept is not _MISSING:
            return kept
    if type(target) is dict:
        return target.get(name)
    return getattr(target, name)


def kept_apart(target: Any, key: str) -> bool:
    """Whether a variant selected under ``key`` is kept beside the attribute
    on ``target`` (an ORM object, a row view or a row dict)."""
    return SIDE_PREFIX + key in _dict_of(target)


def windowed(target: Any, key: str) -> bool:
    """Whether a windowed load filled ``key`` (a relationship or a response
    key) on ``target``."""
    return key + TOTAL_SUFFIX in _dict_of(target)


def total_count(target: Any, key: str) -> int | None:
    """The total number of rows of a paginated or filtered list of ``target``.

    ``key`` is the relationship name, or the response key of a variant.
    ``None`` means that list was not loaded with a windowed load, or was
    loaded without its total (``Arguments(counted=False)``).
    """
    total = _dict_of(target).get(key + TOTAL_SUFFIX)
    return None if total is None else int(total)


def value(target: Any, name: str) -> Any:
    """The value of field ``name``: a hybrid loaded as an expression, else the
    attribute (or the row's key)."""
    found = _dict_of(target)
    carrier = HYBRID_CARRIER_PREFIX + name
    if carrier in found:
        return found[carrier]
    if type(target) is dict:
        return target.get(name)
    return getattr(target, name)
