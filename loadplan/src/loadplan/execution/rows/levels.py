"""How each level of a plan reads its rows in the row mode.

A statement of the row mode selects one level's columns (and those of the
to-ones joined into it) as one bundle; each level reads its part of a row
with a function generated for that level: one dict display, the joined
to-ones nested, an entity repeated across rows read once and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import CodeType
from typing import Any

from sqlalchemy.orm import aliased

from loadplan.execution.binding import Binding
from loadplan.execution.entities import criteria_for, namespace_of
from loadplan.execution.strategies import load_of
from loadplan.mapping import discriminator_expression, discriminator_key, mapper_of, primary_key
from loadplan.plans import EntityPlan, RelationshipPlan
from loadplan.rules import applying
from loadplan.state import Memo
from loadplan.storage import MODEL_KEY

__all__ = ["Level", "Parts", "compile_level"]


@dataclass
class Level:
    """How one entity of the plan reads from a row: output keys and their
    positions, and the to-ones joined into the same row.

    A level whose rows repeat the same entity (a to-one, the people of a
    many-to-many) reads each entity once per request: rows with the same key
    (at ``key_indexes``) share one dict, which saves the time and the memory
    of a dict per row."""

    plan: EntityPlan
    columns: list[tuple[str, int]] = field(default_factory=list)
    joined: list[tuple[RelationshipPlan, Level, int]] = field(default_factory=list)
    kinds: tuple[int, dict[Any, type[Any]]] | None = None
    key_indexes: tuple[int, ...] | None = None

    @cached_property
    def read(self) -> Callable[[Sequence[Any]], dict[str, Any]]:
        """The function turning a row into this level's dict (joined to-ones
        nested), generated per level: it runs once per row fetched."""
        namespace: dict[str, Any] = {"MODEL_KEY": MODEL_KEY}
        source = _reader_source(self, namespace)
        code = _reader_code.get(source, lambda: compile(source, "<row reader>", "exec"))
        exec(code, namespace)
        read: Callable[[Sequence[Any]], dict[str, Any]] = namespace["read"]
        return read


_reader_code: Memo[str, CodeType] = Memo("row readers")
"""Generated reader sources are few (one per plan level) but a level is
built per request: compile each source once."""


def _reader_source(level: Level, namespace: dict[str, Any]) -> str:
    """Python source of ``level.read``; objects it needs go into ``namespace``.
    The source names only positions and keys, never objects, so that levels
    of the same shape share one compiled code object."""
    lines = ["def read(row):"]
    items = [f"{key!r}: row[{index}]" for key, index in level.columns]
    if level.kinds is not None:
        # The mapped class of a polymorphic row, as its objects would have.
        index, classes = level.kinds
        namespace["classes"], namespace["default"] = classes, level.plan.cls
        items.append(f"MODEL_KEY: classes.get(row[{index}], default)")
    for n, (rel, joined, key_index) in enumerate(level.joined):
        namespace[f"joined{n}"] = joined.read
        lines.append(f"    j{n} = None if row[{key_index}] is None else joined{n}(row)")
        items.append(f"{rel.key!r}: j{n}")
    body = "{" + ", ".join(items) + "}"
    if level.key_indexes is None:
        lines.append(f"    return {body}")
    else:
        namespace["shared"] = {}
        parts = ", ".join(f"row[{index}]" for index in level.key_indexes)
        key = parts if len(level.key_indexes) == 1 else f"({parts},)"
        lines += [
            f"    key = {key}",
            "    found = shared.get(key)",
            "    if found is None:",
            f"        found = shared[key] = {body}",
            "    return found",
        ]
    return "\n".join(lines)


@dataclass
class Parts:
    """What a statement selects (``head``) and outer-joins for it
    (``joins``), and which of those elements the request built
    (``built``: computed expressions and row conditions, which may differ
    from one request to the next; see :mod:`loadplan.execution.statement_cache`)."""

    head: list[Any] = field(default_factory=list)
    joins: list[tuple[Any, Any]] = field(default_factory=list)
    built: list[Any] = field(default_factory=list)


def compile_level(
    plan: EntityPlan, entity: Any, parts: Parts, binding: Binding, shared: bool
) -> Level:
    """Add ``plan``'s columns (and those of the to-ones its rows hold) to
    ``parts``; rows of a ``shared`` level with one key share one dict."""
    head, joins = parts.head, parts.joins
    level = Level(plan)
    mapper = mapper_of(plan.cls)
    classes = {identity: m.class_ for identity, m in mapper.polymorphic_map.items()}
    discriminator = discriminator_key(mapper)
    computed_kind = discriminator_expression(mapper, entity)
    if discriminator is not None:
        level.kinds = (len(head) + plan.columns.index(discriminator), classes)
    elif computed_kind is not None:
        level.kinds = (len(head), classes)
        head.append(computed_kind)
    for part in (plan, *plan.subtypes):
        namespace = namespace_of(entity, part.cls)
        for key in part.columns:
            level.columns.append((key, len(head)))
            head.append(getattr(namespace, key))
        with applying(binding.rules, binding.context):
            for expression in part.expressions:
                level.columns.append((expression.name, len(head)))
                computed = expression.source(namespace, binding.context)
                head.append(computed)
                parts.built.append(computed)
        for rel in part.relationships:
            if not load_of(rel).joined:
                continue
            alias = _join_alias(rel.target.cls, joins)
            onclause = getattr(namespace, rel.key).of_type(alias)
            criteria = criteria_for(rel.target, alias, binding)
            joins.append((alias, onclause.and_(*criteria) if criteria else onclause))
            parts.built.extend(criteria)
            key_index = len(head)
            joined = compile_level(rel.target, alias, parts, binding, shared=True)
            level.joined.append((rel, joined, key_index))
    if shared:
        positions = dict(level.columns)
        keys = primary_key(plan.cls)
        if all(k in positions for k in keys):
            level.key_indexes = tuple(positions[k] for k in keys)
    return level


_join_aliases: Memo[type[Any], list[Any]] = Memo("join aliases")


def _join_alias(cls: type[Any], joins: list[tuple[Any, Any]]) -> Any:
    """An alias of ``cls`` that ``joins`` does not use yet. Aliases are kept
    across requests: each column of a new alias builds its SQL expression on
    first use (about 0.2 ms), which every request would otherwise pay again
    for every joined column."""
    used = {id(target) for target, _ in joins}
    pool = _join_aliases.get(cls, list)
    for alias in pool:
        if id(alias) not in used:
            return alias
    alias = aliased(cls)
    pool.append(alias)
    return alias
