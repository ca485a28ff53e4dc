"""A document matched to a plan: where each field's value comes from, and how it is written.

Matching happens once per plan, document and dialect (kept across
requests); it is where the JSON mode decides whether it can answer at all.
Each field must be a column or a computed expression of the plan's entity
(or of a to-one the plan joins), or a relationship the plan loads, and each
value must have a form the dialect writes exactly
(:mod:`loadplan.execution.json.values`); else :class:`NotEligible` says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.engine import Dialect

from loadplan.documents import PLAIN, Document, Fixed, Form, Value
from loadplan.execution.json import mariadb
from loadplan.execution.json.errors import NotEligible
from loadplan.execution.json.text import fixed
from loadplan.execution.json.values import DIALECTS, Render, renderer
from loadplan.mapping import mapper_of, relationship_of
from loadplan.plans import EntityPlan, ExpressionLoad, RelationshipPlan, Strategy
from loadplan.state import Memo

__all__ = ["Constant", "Layout", "Related", "Scalar", "layout_of"]


@dataclass(frozen=True)
class Scalar:
    """A scalar field: ``prefix`` (its key and the punctuation before it),
    the joined to-ones walked (``hops``), then a ``column`` written by
    ``render``, or an ``expression`` whose form is found once built."""

    prefix: str
    hops: tuple[RelationshipPlan, ...]
    kind: type
    required: bool
    items: type | None = None
    column: str | None = None
    render: Render | None = None
    expression: ExpressionLoad | None = None
    form: Form = PLAIN


@dataclass(frozen=True)
class Constant:
    """A field whose text is the same for every item: ``text`` is its key,
    the punctuation before it and its value."""

    text: str
    hops: tuple[RelationshipPlan, ...] = ()


@dataclass(frozen=True)
class Related:
    """A relationship's row or rows, each written by ``layout``."""

    prefix: str
    hops: tuple[RelationshipPlan, ...]
    rel: RelationshipPlan
    layout: Layout
    many: bool
    required: bool


@dataclass(frozen=True)
class Layout:
    """How one entity of the plan is written: its fields in order."""

    plan: EntityPlan
    parts: tuple[Scalar | Related | Constant, ...]


_layouts: Memo[tuple[EntityPlan, Document, str], Layout | str] = Memo("JSON layouts")
"""Each layout made, or why there is none. The reason is kept, not the
exception: an exception raised again keeps every traceback it was raised
with, and with them the frames (and rows) of each request that raised it."""


def layout_of(plan: EntityPlan, document: Document, dialect: Dialect) -> Layout:
    """The layout of ``document`` over ``plan`` on ``dialect`` (made once);
    raises :class:`NotEligible` when the JSON mode cannot write it."""
    key = (plan, document, mariadb.flavour(dialect))
    try:
        hash(key)
    except TypeError:
        # A hint's own values that cannot be hashed: matched every time.
        found = _matched(plan, document, dialect)
    else:
        found = _layouts.get(key, lambda: _matched(plan, document, dialect))
    if isinstance(found, str):
        raise NotEligible(found)
    return found


def _matched(plan: EntityPlan, document: Document, dialect: Dialect) -> Layout | str:
    name = mariadb.flavour(dialect)
    if name not in DIALECTS:
        return f"the {name} dialect is not supported"
    try:
        return _layout(plan, document, dialect)
    except NotEligible as refusal:
        return refusal.reason


def _layout(plan: EntityPlan, document: Document, dialect: Dialect) -> Layout:
    if plan.options or plan.properties:
        raise NotEligible(f"{plan.cls.__name__} needs Python (a model property or loader options)")
    parts: list[Scalar | Related | Constant] = []
    for index, field in enumerate(document.fields):
        prefix = ("{" if index == 0 else ",") + json.dumps(field.key, ensure_ascii=False) + ":"
        fixed(prefix)
        if isinstance(field, Fixed):
            fixed(prefix + field.text)
            parts.append(Constant(prefix + field.text))
            continue
        level, hops = plan, []
        for hop in field.path[:-1]:
            rel = _relationship(level, hop)
            if rel.strategy is not Strategy.JOINED or rel.uselist:
                raise NotEligible(f"{field.key}: {hop} is not a joined to-one")
            hops.append(rel)
            level = rel.target
        last = field.path[-1]
        if isinstance(field, Value):
            parts.append(_scalar(level, last, field, prefix, tuple(hops), dialect))
            continue
        rel = _relationship(level, field.alias or last)
        if rel.key != last or rel.uselist != field.many:
            raise NotEligible(f"{field.key}: a list and a single row do not match")
        if relationship_of(rel.owner, rel.key).mapper.common_parent(mapper_of(rel.owner)):
            raise NotEligible(f"{rel.owner.__name__}.{rel.key} is self-referential")
        layout = _layout(rel.target, field.document, dialect)
        required = not field.many and not field.nullable
        parts.append(Related(prefix, tuple(hops), rel, layout, field.many, required))
    return Layout(plan, tuple(parts))


def _scalar(
    level: EntityPlan,
    name: str,
    field: Value,
    prefix: str,
    hops: tuple[RelationshipPlan, ...],
    dialect: Dialect,
) -> Scalar:
    if name in level.columns and field.items is None:
        column = mapper_of(level.cls).attrs[name].columns[0]
        # Read through no outer join, on a plan of one class (a subtype's
        # column is NULL on the rows of another), a NOT NULL column is never
        # NULL: written without a check.
        # A required value is checked before it is written (see
        # ``_Writer.required``): written without a check of its own either.
        present = not hops and not level.subtypes and getattr(column, "nullable", True) is False
        required = not field.nullable and not present
        nullable = not present and not required
        render = renderer(field.kind, column.type, dialect, field.form, nullable=nullable)
        return Scalar(
            prefix, hops, field.kind, required, column=name, render=render, form=field.form
        )
    for expression in level.expressions:
        if expression.name == name:
            required = not field.nullable
            return Scalar(
                prefix,
                hops,
                field.kind,
                required,
                field.items,
                expression=expression,
                form=field.form,
            )
    raise NotEligible(
        f"{field.key}: {level.cls.__name__}.{name} is neither a column nor a computed expression"
    )


def _relationship(level: EntityPlan, name: str) -> RelationshipPlan:
    """The load a field selected under response key ``name`` reads, as the
    other modes read it: a variant kept under that key first, else the
    attribute's own load (of the relationship of that name, or selected
    under that key)."""
    for rel in level.relationships:
        if rel.side and name in rel.keys:
            return rel
    for rel in level.relationships:
        if not rel.side and (rel.key == name or name in rel.keys):
            return rel
    raise NotEligible(f"{level.cls.__name__}.{name} is not a relationship the plan loads")
