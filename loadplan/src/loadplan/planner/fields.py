"""The first planning pass: resolve the selected names into a plan.

Each entity's selected names become columns, relationships, expressions and
hinted properties, hints expanding into extra selections; every selection
node of a relationship becomes a relationship load of its own (the next pass
groups them). This is the only pass that reads attribute names from the
client, so it is also where unknown names and names of the wrong kind, and
list arguments that do not resolve, are rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.hybrid import HybridExtensionType
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty, query_expression
from sqlalchemy.orm.interfaces import LoaderOption

from loadplan.errors import PlanError
from loadplan.expressions import Computed
from loadplan.hints import Hints
from loadplan.mapping import check_arguments, mapper_of
from loadplan.planner.planning import Planning
from loadplan.plans import EntityPlan, ExpressionLoad, RelationshipPlan, Strategy
from loadplan.properties import property_hints
from loadplan.selection import Selection
from loadplan.storage import HYBRID_CARRIER_PREFIX

__all__ = ["QUERY_EXPRESSION", "resolve_fields"]

QUERY_EXPRESSION = (("query_expression", True),)


@dataclass
class ResolvedFields:
    """The selection of one class (the entity or one of its subtypes)."""

    cls: type[Any]
    columns: list[str] = field(default_factory=list)
    relationships: list[Selection] = field(default_factory=list)
    prefetch: set[str] = field(default_factory=set)
    expressions: dict[str, tuple[str, Computed]] = field(default_factory=dict)
    options: list[LoaderOption] = field(default_factory=list)
    hints: Hints = field(default_factory=Hints)
    properties: list[str] = field(default_factory=list)

    def add_column(self, key: str) -> None:
        if key not in self.columns:
            self.columns.append(key)


def subtype_of(mapper: Mapper[Any], name: str | None) -> Mapper[Any]:
    """The mapper a type condition names: ``mapper`` itself or a subclass of it."""
    if name is None or name == mapper.class_.__name__:
        return mapper
    for candidate in mapper.self_and_descendants:
        if candidate.class_.__name__ == name:
            return candidate
    for candidate in mapper.iterate_to_root():
        if candidate.class_.__name__ == name:
            return mapper
    raise PlanError(mapper.class_.__name__, name, "is not a subtype of this entity")


def _path_to_node(path: str) -> Selection:
    head, _, rest = path.partition(".")
    return Selection(head, children=(_path_to_node(rest),) if rest else ())


ALL_COLUMNS = "*"
"""A selection name standing for every column of its entity."""


def _whole_objects(path: str, narrowed: Iterable[str]) -> Selection:
    """The node of a ``select_related`` path that loads every column of each
    object along it, as Django's ``select_related`` does, so that a resolver
    reading any column of a joined object finds it loaded; an object that
    an ``only`` path of the same hints reaches loads just what ``only`` names."""
    head, _, rest = path.partition(".")
    below = [p.partition(".")[2] for p in narrowed if p.startswith(head + ".")]
    children = [_whole_objects(rest, below)] if rest else []
    if not below:
        children.append(Selection(ALL_COLUMNS))
    return Selection(head, children=tuple(children))


def _hint_nodes(
    paths: Iterable[Any],
    context: Any,
    fields: ResolvedFields,
    prefetch: bool,
    condition: str | None,
    narrowed: tuple[str, ...] | None = None,
) -> list[Selection]:
    """Selections of hinted paths, under the type condition of the field
    that gave the hints: a subtype's resolver names the subtype's attributes.
    With ``narrowed`` (the ``only`` paths of ``select_related`` hints), the
    objects along each path are loaded whole (see :func:`_whole_objects`)."""
    nodes: list[Selection] = []
    for item in paths:
        produced = item(context) if callable(item) else (item,)
        for entry in produced:
            if isinstance(entry, str):
                node = _path_to_node(entry) if narrowed is None else _whole_objects(entry, narrowed)
                node = replace(node, type_condition=condition)
                nodes.append(node)
                if prefetch:
                    fields.prefetch.add(node.name)
            else:
                fields.options.append(entry)
    return nodes


def _ensure_carrier(mapper: Mapper[Any], attribute: str, field_name: str) -> None:
    """Make ``attribute`` a ``query_expression`` attribute of the class.

    Models need no change: the carrier is added to the mapper the first time a
    computed field of that name is planned.
    """
    existing = mapper.attrs.get(attribute)
    if existing is None:
        if hasattr(mapper.class_, attribute):
            raise PlanError(
                mapper.class_.__name__,
                field_name,
                f"cannot load a computed value into the existing attribute {attribute!r}",
            )
        mapper.add_property(attribute, query_expression())
        return
    if not (isinstance(existing, ColumnProperty) and existing.strategy_key == QUERY_EXPRESSION):
        raise PlanError(
            mapper.class_.__name__,
            field_name,
            f"{attribute!r} is a mapped attribute, not a computed field",
        )


def resolve(
    mapper: Mapper[Any], nodes: Iterable[Selection], context: Any
) -> dict[Mapper[Any], ResolvedFields]:
    """Group the selected fields by the class they belong to."""
    by_mapper: dict[Mapper[Any], ResolvedFields] = {}
    pending = list(nodes)
    deferred: list[tuple[Mapper[Any], Selection]] = []

    def fields_of(target: Mapper[Any]) -> ResolvedFields:
        if target not in by_mapper:
            by_mapper[target] = ResolvedFields(target.class_)
        return by_mapper[target]

    while pending:
        node = pending.pop(0)
        owner = subtype_of(mapper, node.type_condition)
        if owner is not mapper and node.name in mapper.attrs:
            # Inherited: load it for every row rather than through the subtype.
            owner = mapper
        fields = fields_of(owner)
        if node.hints:
            fields.hints = fields.hints.merge(node.hints)
            pending.extend(_expand(owner, node.hints, node, context, fields))
        if not node.name or node.name.startswith("__"):
            continue
        if node.name == ALL_COLUMNS:
            for column in owner.column_attrs:
                if column.strategy_key != QUERY_EXPRESSION and hasattr(owner.class_, column.key):
                    fields.add_column(column.key)
            continue
        attr = owner.all_orm_descriptors.get(node.name)
        prop = owner.attrs.get(node.name)
        if isinstance(prop, RelationshipProperty):
            fields.relationships.append(node)
        elif isinstance(prop, ColumnProperty) and prop.strategy_key == QUERY_EXPRESSION:
            deferred.append((owner, node))
        elif isinstance(prop, ColumnProperty):
            if node.children:
                raise PlanError(owner.class_.__name__, node.name, "is a column, not a relationship")
            if node.arguments:
                raise PlanError(
                    owner.class_.__name__, node.name, "is a column and takes no arguments"
                )
            fields.add_column(node.name)
        elif attr is not None and attr.extension_type is HybridExtensionType.HYBRID_PROPERTY:
            carrier = HYBRID_CARRIER_PREFIX + node.name
            _ensure_carrier(owner, carrier, node.name)
            fields.expressions.setdefault(node.name, (carrier, _hybrid(node.name)))
        else:
            hints = property_hints(owner.class_, node.name)
            if hints is not None:
                fields.properties.append(node.name)
                fields.hints = fields.hints.merge(hints)
                pending.extend(_expand(owner, hints, node, context, fields))
            else:
                deferred.append((owner, node))

    for owner, node in deferred:
        fields = fields_of(owner)
        if node.name not in fields.expressions:
            reason = (
                "is a query expression with no annotate hint giving its SQL"
                if node.name in owner.attrs
                else "is not an attribute of this model"
            )
            raise PlanError(owner.class_.__name__, node.name, reason)
    return by_mapper


def _hybrid(name: str) -> Computed:
    """A hybrid's SQL side, taken from the class (or alias) it is loaded for."""

    def build(cls: type[Any], _context: Any) -> Any:
        return getattr(cls, name).__clause_element__()

    return Computed(build, label=f"hybrid {name}")


def _expand(
    owner: Mapper[Any], hints: Hints, node: Selection, context: Any, fields: ResolvedFields
) -> list[Selection]:
    for name, computed in hints.annotate:
        attribute = name or node.name
        _ensure_carrier(owner, attribute, attribute)
        fields.expressions.setdefault(attribute, (attribute, computed))
    condition = node.type_condition
    narrowed = tuple(p for p in hints.only if isinstance(p, str))
    return [
        *_hint_nodes(hints.only, context, fields, False, condition),
        *_hint_nodes(hints.select_related, context, fields, False, condition, narrowed),
        *_hint_nodes(hints.prefetch_related, context, fields, True, condition),
    ]


def resolve_fields(plan: EntityPlan, planning: Planning) -> EntityPlan:
    """The plan of ``planning.selection`` on ``plan.cls``, one relationship
    load per selection node, with only the selected columns."""
    return _entity(mapper_of(plan.cls), planning.selection.children, planning, ("",))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _entity(
    mapper: Mapper[Any], nodes: Iterable[Selection], planning: Planning, paths: tuple[str, ...]
) -> EntityPlan:
    by_mapper = resolve(mapper, nodes, planning.context)
    base_fields = by_mapper.pop(mapper, None) or ResolvedFields(mapper.class_)
    base = _part(mapper, base_fields, planning, paths)
    if not by_mapper:
        return base
    subtypes = tuple(_part(sub, fields, planning, paths) for sub, fields in by_mapper.items())
    return replace(base, subtypes=subtypes)


def _part(
    mapper: Mapper[Any], fields: ResolvedFields, planning: Planning, paths: tuple[str, ...]
) -> EntityPlan:
    """The plan of one class's share of an entity (the entity, or a subtype)."""
    relationships = []
    for node in fields.relationships:
        prop = mapper.relationships[node.name]
        check_arguments(prop.mapper.class_, node.arguments)
        child_paths = tuple(dict.fromkeys(_join(p, node.key) for p in paths))
        relationships.append(
            RelationshipPlan(
                key=node.name,
                owner=mapper.class_,
                # Until the strategy pass chooses.
                strategy=Strategy.SELECTIN,
                uselist=bool(prop.uselist),
                target=_entity(prop.mapper, node.children, planning, child_paths),
                paths=child_paths,
                arguments=node.arguments,
                keys=(node.key,),
                prefetch=node.name in fields.prefetch,
            )
        )
    expressions = (
        tuple(
            ExpressionLoad(name, attribute, source)
            for name, (attribute, source) in fields.expressions.items()
        )
        if planning.settings.expressions
        else ()
    )
    return EntityPlan(
        cls=mapper.class_,
        columns=tuple(fields.columns),
        expressions=expressions,
        relationships=tuple(relationships),
        hints=fields.hints,
        options=tuple(fields.options),
        properties=tuple(dict.fromkeys(fields.properties)),
    )
