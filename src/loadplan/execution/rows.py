"""The row mode: a plan answered with plain rows, assembled into nested dicts.

Building ORM objects costs about 20 µs a row; once N+1 is gone that is where
the time goes. This mode runs the same statements as the ORM mode (the root
with its joined to-ones as outer joins, one batched statement per other
relationship, the same pages, filters, ordering, expressions, subtypes and
row rules) but selects columns, not entities, and puts each row straight
into a dict keyed by attribute name (and by response key for lists), nested
the way the selection is. Model properties run on views of those dicts
(:mod:`loadplan.execution.row_views`); only what needs real objects (see
:meth:`EntityPlan.needs_objects`) keeps a plan in the ORM mode.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import CodeType
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Mapper, Session, aliased

from loadplan.execution.binding import Binding
from loadplan.execution.options import criteria_for, entity_for, namespace_of
from loadplan.execution.raw_rows import RawRows
from loadplan.execution.row_keys import FULL_LIST_PREFIX, MODE_HEADER, MODEL_KEY, TOTAL_SUFFIX
from loadplan.execution.row_views import compute_properties, distinct
from loadplan.execution.windowed import (
    cached_batch_statement,
    complete_keys,
    fetch,
    key_getter,
)
from loadplan.mapping import key_pairs, mapper_of
from loadplan.plan import EntityPlan, RelationshipPlan, Strategy
from loadplan.rules import applying

__all__ = ["MODEL_KEY", "MODE_HEADER", "TOTAL_SUFFIX", "load_rows"]


@dataclass
class _Level:
    """How one entity of the plan reads from a row: output keys and their
    positions, and the to-ones joined into the same row.

    A level whose rows repeat the same entity (a to-one, the people of a
    many-to-many) reads each entity once per request: rows with the same key
    (at ``key_indexes``) share one dict, which saves the time and the memory
    of a dict per row."""

    plan: EntityPlan
    columns: list[tuple[str, int]] = field(default_factory=list)
    joined: list[tuple[RelationshipPlan, _Level, int]] = field(default_factory=list)
    kinds: tuple[int, dict[Any, type[Any]]] | None = None
    key_indexes: tuple[int, ...] | None = None

    @cached_property
    def read(self) -> Callable[[Sequence[Any]], dict[str, Any]]:
        """The function turning a row into this level's dict (joined to-ones
        nested), generated per level: it runs once per row fetched."""
        namespace: dict[str, Any] = {"MODEL_KEY": MODEL_KEY}
        source = _reader_source(self, namespace)
        code = _reader_code.get(source)
        if code is None:
            code = _reader_code[source] = compile(source, "<row reader>", "exec")
        exec(code, namespace)
        read: Callable[[Sequence[Any]], dict[str, Any]] = namespace["read"]
        return read


_reader_code: dict[str, CodeType] = {}
"""Generated reader sources are few (one per plan level) but a level is
built per request: compile each source once."""


def _reader_source(level: _Level, namespace: dict[str, Any]) -> str:
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
        items.extend(f"{key!r}: j{n}" for key in (rel.key, *rel.keys))
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
class _Parts:
    """What a statement selects (``head``) and outer-joins for it
    (``joins``), and which of those elements the request built
    (``built``: computed expressions and row conditions, which may differ
    from one request to the next; see :mod:`loadplan.execution.statement_cache`)."""

    head: list[Any] = field(default_factory=list)
    joins: list[tuple[Any, Any]] = field(default_factory=list)
    built: list[Any] = field(default_factory=list)


def _compile(
    plan: EntityPlan, entity: Any, parts: _Parts, binding: Binding, shared: bool
) -> _Level:
    """Add ``plan``'s columns (and its joined to-ones') to ``parts``; rows of
    a ``shared`` level with one key share one dict."""
    head, joins = parts.head, parts.joins
    level = _Level(plan)
    mapper: Mapper[Any] = mapper_of(plan.cls)
    if mapper.polymorphic_on is not None:
        discriminator = mapper.get_property_by_column(mapper.polymorphic_on).key
        classes = {identity: m.class_ for identity, m in mapper.polymorphic_map.items()}
        level.kinds = (len(head) + plan.columns.index(discriminator), classes)
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
            if rel.strategy is not Strategy.JOINED:
                continue
            alias = _join_alias(rel.target.cls, joins)
            onclause = getattr(namespace, rel.key).of_type(alias)
            criteria = criteria_for(rel.target, alias, binding)
            joins.append((alias, onclause.and_(*criteria) if criteria else onclause))
            parts.built.extend(criteria)
            key_index = len(head)
            joined = _compile(rel.target, alias, parts, binding, shared=True)
            level.joined.append((rel, joined, key_index))
    if shared:
        positions = dict(level.columns)
        keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
        if all(k in positions for k in keys):
            level.key_indexes = tuple(positions[k] for k in keys)
    return level


_join_aliases: dict[type[Any], list[Any]] = {}


def _join_alias(cls: type[Any], joins: list[tuple[Any, Any]]) -> Any:
    """An alias of ``cls`` that ``joins`` does not use yet. Aliases are kept
    across requests: each column of a new alias builds its SQL expression on
    first use (about 0.2 ms), which every request would otherwise pay again
    for every joined column."""
    used = {id(target) for target, _ in joins}
    pool = _join_aliases.setdefault(cls, [])
    for alias in pool:
        if id(alias) not in used:
            return alias
    alias = aliased(cls)
    pool.append(alias)
    return alias


def _parents(
    level: _Level, rel: RelationshipPlan, dicts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The dicts ``rel`` loads for: all, or those of the subtype that owns it."""
    if rel.owner is level.plan.cls:
        return dicts
    return [d for d in dicts if issubclass(d[MODEL_KEY], rel.owner)]


def _load_below(
    session: Session, level: _Level, dicts: list[dict[str, Any]], binding: Binding
) -> None:
    for rel, sub, _ in level.joined:
        children = distinct(d[rel.key] for d in dicts if d.get(rel.key) is not None)
        if children:
            _load_below(session, sub, children, binding)
    relationships = level.plan.all_relationships()
    paged = {key for rel in relationships if rel.side for key in rel.keys}
    for rel in relationships:
        if rel.strategy is Strategy.JOINED:
            continue
        parents = _parents(level, rel, dicts)
        if parents:
            _load_relationship(session, rel, parents, binding, paged)


def _load_relationship(
    session: Session,
    rel: RelationshipPlan,
    parents: list[dict[str, Any]],
    binding: Binding,
    paged: set[str],
) -> None:
    """Load ``rel`` for ``parents``; keys that pages kept beside the attribute
    hold (``paged``) are left to them."""
    entity = entity_for(rel.target)
    parts = _Parts()
    prop = mapper_of(rel.owner).relationships[rel.key]
    repeats = not rel.uselist or prop.secondary is not None
    level = _compile(rel.target, entity, parts, binding, shared=repeats)
    parent_keys = key_pairs(prop).parent_keys
    key_of = key_getter(parent_keys)
    wanted = complete_keys(map(key_of, parents), len(parent_keys))
    batch = cached_batch_statement(
        rel, binding, parts.head, parts.joins, parts.built, raw=True, single=len(wanted) == 1
    )
    by_parent, totals = fetch(session, batch, batch.stmt, wanted, rel.batch_size, level.read)
    children = [child for rows in by_parent.values() for child in rows]
    if rel.side:
        keys = rel.keys
    else:
        own_key = FULL_LIST_PREFIX + rel.key if rel.key in paged else rel.key
        keys = (own_key, *(key for key in rel.keys if key not in paged))
    counted = rel.windowed and batch.counted
    # Parent dicts with one key (a root statement whose join repeats rows)
    # share that key's list: nothing writes to the lists once loaded.
    for parent in parents:
        key = key_of(parent)
        rows = by_parent.get(key)
        if rows is None:
            rows = []
        value: Any = rows if rel.uselist else (rows[0] if rows else None)
        for name in keys:
            parent[name] = value
            if counted:
                parent[name + TOTAL_SUFFIX] = totals.get(key, len(rows))
    if children:
        _load_below(session, level, distinct(children) if repeats else children, binding)


def load_rows(
    session: Session, root: EntityPlan, binding: Binding, stmt: Select[Any]
) -> list[dict[str, Any]]:
    """``stmt`` (already restricted by the plan) answered as nested dicts."""
    entity = entity_for(root)
    parts = _Parts()
    level = _compile(root, entity, parts, binding, shared=False)
    columns_stmt = stmt.with_only_columns(RawRows("lp_row", *parts.head))
    for target, onclause in parts.joins:
        columns_stmt = columns_stmt.outerjoin(target, onclause)
    dicts = [level.read(row) for row in session.execute(columns_stmt).scalars()]
    if dicts:
        _load_below(session, level, dicts, binding)
        compute_properties(root, dicts)
    return dicts
