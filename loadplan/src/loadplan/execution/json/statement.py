"""The JSON mode's one statement per root: each root row selects its own JSON text.

The root statement is the one every mode starts from (the plan's rules,
filters, order and page already applied, see
:mod:`loadplan.execution.statements`); it selects, per row, the row's JSON
text and the root's key columns (front ends read cursors from them). Below the
root, each relationship is written where the plan loads it, by the same
rows the other modes read:

- a joined to-one: outer-joined under an alias (its rules in the ON
  clause), written as an object or ``null``;
- any other relationship: a correlated subquery over the target with the
  list's filters, rules and order (the relationship's own, else the
  primary key, as the batched statements order) and its per-parent page
  (``LIMIT``/``OFFSET`` per parent), its rows' texts joined into an array,
  or the first row (or ``null``) for a to-one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import UnaryExpression

from loadplan.arguments import filter_condition, order_terms
from loadplan.documents import MISSING
from loadplan.execution.binding import Binding
from loadplan.execution.entities import entity_for, namespace_of
from loadplan.execution.json import mariadb
from loadplan.execution.json.errors import NotEligible
from loadplan.execution.json.inputs import Inputs, Joins, gather
from loadplan.execution.json.layout import Constant, Layout, Related, Scalar
from loadplan.execution.json.text import Concat, array_of, fixed, object_of
from loadplan.execution.json.values import renderer
from loadplan.execution.statement_cache import StatementCache
from loadplan.mapping import (
    extra_join_criteria,
    key_pairs,
    primary_key,
    python_type,
    relationship_of,
)
from loadplan.plans import EntityPlan, RelationshipPlan, Strategy
from loadplan.projections import JsonArrayOf
from loadplan.selection import Arguments
from loadplan.state import register

__all__ = ["DOCUMENT_LABEL", "document_statement", "key_columns"]

DOCUMENT_LABEL = "lp_document"


@dataclass
class _Writer:
    """Builds a JSON statement from a request's :class:`Inputs`, asking for
    them in the order :func:`gather` gathered them; ``joins`` are the outer
    joins of the statement (or subquery) being built."""

    dialect: Dialect
    expressions: Iterator[ColumnElement[Any]]
    criteria: Iterator[list[Any]]
    arguments: Iterator[Arguments]
    joins: Joins = field(default_factory=Joins)
    onclauses: list[tuple[Any, Any]] = field(default_factory=list)

    def below(self) -> _Writer:
        """A writer for a subquery: the same inputs, joins of its own."""
        return _Writer(
            self.dialect, self.expressions, self.criteria, self.arguments, self.joins.below()
        )

    def object(self, layout: Layout, entity: Any) -> ColumnElement[str]:
        if not layout.parts:
            return fixed("{}")
        pieces: list[ColumnElement[Any]] = []
        for part in layout.parts:
            if isinstance(part, Constant):
                pieces.append(fixed(part.text))
                continue
            pieces.append(fixed(part.prefix))
            source = entity
            for rel in part.hops:
                source = self.joined(source, rel)
            if isinstance(part, Scalar):
                pieces.append(self.scalar(part, layout, source))
            else:
                pieces.append(self.related(part, source))
        pieces.append(fixed("}"))
        return Concat(*pieces)

    def scalar(self, part: Scalar, layout: Layout, source: Any) -> ColumnElement[str]:
        if part.column is not None and part.render is not None:
            level = layout.plan
            for rel in part.hops:
                level = rel.target
            value = getattr(namespace_of(source, level.cls), part.column)
            return self.required(part, value, part.render(value))
        value = next(self.expressions)
        if part.kind in (list, dict, object):
            return self.projection(part, value)
        render = renderer(part.kind, value.type, self.dialect, part.form, not part.required)
        written = render(value)
        return self.required(part, value, written)

    def required(
        self, part: Scalar, value: ColumnElement[Any], written: ColumnElement[str]
    ) -> ColumnElement[str]:
        """``written``, or ``MISSING`` where ``value`` is required and NULL
        or out of the form's bounds."""
        refused: list[ColumnElement[bool]] = []
        if part.required:
            refused.append(value.is_(None))
        if part.form.bounds is not None:
            low, high = part.form.bounds
            refused.append(or_(value < low, value > high))
        if not refused:
            return written
        return case((or_(*refused), self.missing()), else_=written)

    def missing(self) -> ColumnElement[str]:
        if mariadb.flavour(self.dialect) == "mariadb":
            return mariadb.missing()
        mark: ColumnElement[str] = (func.char if self.dialect.name == "sqlite" else func.chr)(
            ord(MISSING), type_=String()
        )
        return mark

    def projection(self, part: Scalar, value: ColumnElement[Any]) -> ColumnElement[str]:
        """A declared projection's list or map, written from its rows; a
        document's ``object`` (a value written as it is, GraphQL's JSON
        scalar) is either, as declared, of the type its column holds."""
        if not isinstance(value, JsonArrayOf) or (
            part.kind is not object and value.nested != (part.kind is dict)
        ):
            raise NotEligible(f"a {part.kind.__name__} that is not a declared projection of it")
        if not value.nested:
            items = part.items or _item_type(value.value.type)
            item = renderer(items, value.value.type, self.dialect)(value.value)
            return array_of(value.rows, item, value.order)
        key, item = value.value.first, value.value.second
        member = Concat(
            renderer(str, key.type, self.dialect)(key),
            fixed(":"),
            renderer(part.items or _item_type(item.type), item.type, self.dialect)(item),
        )
        if mariadb.flavour(self.dialect) == "mariadb" and not value.unique_keys:
            # Keys that can repeat: one entry per key, found MariaDB's way.
            return mariadb.object_of(value.rows, key, member, value.order)
        return object_of(value.rows, key, member, value.order, value.unique_keys)

    def joined(self, entity: Any, rel: RelationshipPlan) -> Any:
        """The alias ``rel`` is outer-joined under from ``entity`` (once)."""
        alias, new = self.joins.alias(entity, rel)
        if new:
            onclause = getattr(entity, rel.key).of_type(alias)
            criteria = next(self.criteria)
            self.onclauses.append((alias, onclause.and_(*criteria) if criteria else onclause))
        return alias

    def related(self, part: Related, entity: Any) -> ColumnElement[str]:
        rel = part.rel
        if rel.strategy is Strategy.JOINED:
            alias = self.joined(entity, rel)
            key = getattr(alias, primary_key(rel.target.cls)[0])
            absent = self.missing() if part.required else literal_column("'null'")
            return case((key.is_(None), absent), else_=self.object(part.layout, alias))
        rows, text, order = self.rows(part, entity)
        if part.many:
            return array_of(rows, text, order)
        if mariadb.flavour(self.dialect) == "mariadb":
            # NULL there is a text too long (see the mariadb module), not
            # the absent row.
            text = func.coalesce(text, self.missing(), type_=String())
        first = rows.with_only_columns(text).order_by(*order).limit(1).scalar_subquery()
        return func.coalesce(first, self.missing() if part.required else literal_column("'null'"))

    def rows(self, part: Related, parent: Any) -> tuple[Select[Any], ColumnElement[str], list[Any]]:
        """The rows of ``part`` below the row of ``parent`` (their page
        applied), the text of each, and their order."""
        rel = part.rel
        prop = relationship_of(rel.owner, rel.key)
        arguments = next(self.arguments)
        criteria = next(self.criteria)
        entity = entity_for(rel.target)
        inner = self.below()
        text = inner.object(part.layout, entity)
        pairs = key_pairs(prop)
        conditions: list[Any] = [
            remote == getattr(parent, key)
            for remote, key in zip(pairs.remote_columns, pairs.parent_keys, strict=True)
        ]
        conditions += extra_join_criteria(prop)
        conditions += [filter_condition(entity, f) for f in arguments.filters]
        conditions += criteria
        order = order_terms(entity, arguments.order_by)
        if not order and prop.order_by:
            order = list(prop.order_by)
        target = prop.mapper
        pk = [getattr(entity, target.get_property_by_column(c).key) for c in target.primary_key]
        order += [c for c in pk if not any(c.compare(_ordered(term)) for term in order)]
        stmt = select(text).select_from(entity)
        if prop.secondary is not None:
            stmt = stmt.join(prop.secondary, prop.secondaryjoin)
        for alias, onclause in inner.onclauses:
            stmt = stmt.outerjoin(alias, onclause)
        stmt = stmt.where(and_(*conditions)).correlate(parent)
        if arguments.limit is not None:
            stmt = stmt.limit(arguments.limit)
        if arguments.offset:
            stmt = stmt.offset(arguments.offset)
        return stmt, text, order


def _item_type(column_type: Any) -> type:
    """The type a projection's values are written as, from their column:
    integers and strings, which travel through JSON unchanged."""
    found = python_type(column_type)
    if found not in (int, str):
        raise NotEligible("a projection of values that are neither integers nor strings")
    assert found is not None
    return found


def _ordered(term: Any) -> Any:
    return getattr(term, "element", term) if isinstance(term, UnaryExpression) else term


_statements: StatementCache[Select[Any]] = register("JSON mode statements", StatementCache(256))
_by_context_key: StatementCache[Select[Any]] = register(
    "JSON mode statements by context key", StatementCache(256)
)
_by_statement_key: StatementCache[Select[Any]] = register(
    "JSON mode statements by statement key", StatementCache(256)
)


def document_statement(
    layout: Layout,
    binding: Binding,
    stmt: Callable[[], Select[Any]],
    entity: Any,
    dialect: Dialect,
    key: Hashable | None = None,
) -> Select[Any]:
    """The root statement ``stmt`` builds (restricted and paged) selecting
    each row's :func:`key_columns`, then its JSON text: kept for the next
    request with an equal root statement and equal parts (see
    :mod:`inputs`).

    With a context key (see :func:`loadplan.plan`), equal keys and argument
    values stand for equal parts: they are not built to be compared, only
    the root statement is. With a ``key`` besides (see
    :meth:`loadplan.Plan.fetch`, the page's limit and offset in it), the
    key stands for the root statement too: nothing is built for a key seen.
    """
    flavour = mariadb.flavour(dialect)
    if binding.context_key is not None:
        arguments = tuple(sorted(binding.arguments.items()))
        # Their text too: values equal in Python may bind differently (1 and
        # True, one instant in two zones).
        values = (flavour, binding.context_key, arguments, repr(arguments))
        if key is not None:

            def declared() -> tuple[Select[Any], list[Select[Any]]]:
                root = stmt()
                inputs = gather(layout, entity, binding)
                return _built(layout, binding, inputs, root, entity, dialect), [root]

            return _by_statement_key.get_declared(layout, (*values, key, repr(key)), declared)
        root = stmt()
        return _by_context_key.get(
            layout,
            values,
            [root],
            lambda: _built(layout, binding, gather(layout, entity, binding), root, entity, dialect),
        )
    root = stmt()
    inputs = gather(layout, entity, binding)
    return _statements.get(
        layout,
        (flavour, *inputs.arguments),
        [root, *inputs.built()],
        lambda: _built(layout, binding, inputs, root, entity, dialect),
    )


def key_columns(root: EntityPlan, binding: Binding) -> list[str]:
    """The root's columns each row carries beside its text: its primary key
    and the columns its order names, which a front end's cursor reads from
    the last row. The rest of the root is in the text: reading it again
    (dates parsed, dicts filled) cost a page of 100 items about 0.8 ms."""
    wanted = {*primary_key(root.cls), *(o.path for o in binding.arguments_at("").order_by)}
    return [name for name in root.columns if name in wanted]


def _built(
    layout: Layout,
    binding: Binding,
    inputs: Inputs,
    stmt: Select[Any],
    entity: Any,
    dialect: Dialect,
) -> Select[Any]:
    writer = _Writer(dialect, *inputs.readers())
    text = writer.object(layout, entity)
    namespace = namespace_of(entity, layout.plan.cls)
    columns = [getattr(namespace, name) for name in key_columns(layout.plan, binding)]
    out = stmt.with_only_columns(*columns, text.label(DOCUMENT_LABEL))
    for alias, onclause in writer.onclauses:
        out = out.outerjoin(alias, onclause)
    return mariadb.unbounded(out) if mariadb.flavour(dialect) == "mariadb" else out
