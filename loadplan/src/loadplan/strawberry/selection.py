"""From a GraphQL operation to loadplan's selection tree.

Walks the AST under a field (named and inline fragments, ``@include`` /
``@skip``, variables, aliases), maps each field to the model attribute its
:class:`~loadplan.strawberry.fields.FieldSpec` names and each subtype fragment
to a type condition. Every list node takes the response key as its alias, so
the field's resolver finds what the plan loaded under that key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values
from sqlalchemy import inspect, select, true

from loadplan.hints import Hints
from loadplan.properties import property_hints
from loadplan.selection import Arguments, Selection
from loadplan.state import Memo
from loadplan.strawberry.definitions import (
    CURSOR_PREFIX,
    DEFINITION,
    FieldSpec,
    Kind,
    get_queryset_of,
    origin_of,
    python_values,
    spec_of,
    unwrap,
)
from loadplan.strawberry.fields import arguments_from, field_arguments
from loadplan.strawberry.pagination import Window, probing
from loadplan.strawberry.registry import model_of_type

LIST_KINDS = {"list", "connection", "page", "single", "root"}


def _without(node: Selection, dropped: set[int]) -> Selection:
    """``node`` without the nodes whose ids are ``dropped``, at any depth."""
    if not dropped:
        return node
    children = tuple(_without(c, dropped) for c in node.children if id(c) not in dropped)
    return replace(node, children=children)


def needs_objects(graphql_field: Any, spec: FieldSpec | None) -> bool:
    """Whether a field of a loadplan type must be resolved on the ORM object:
    not a loadplan field, left out of the plan, or a resolver that cannot run
    on a row (see :func:`resolves_on_rows`)."""
    return (
        spec is None
        or spec.disable_optimization
        or (spec.kind == "custom" and not resolves_on_rows(graphql_field, spec))
    )


def resolves_on_rows(graphql_field: Any, spec: FieldSpec) -> bool:
    """Whether a field's own resolver can run on a view of a row dict: it
    declares what it reads (hints), is sync, does not declare that it needs
    the ORM object (``needs_object=True``), and returns what the row
    completion can take: scalars, enums, objects of types not bound to a
    model (which graphql-core then completes as usual), or model objects it
    reads through its hints, alone, in lists or in pages and connections
    (views of the rows those hints loaded, answered as the rows)."""
    strawberry_field = graphql_field.extensions.get(DEFINITION)
    named = unwrap(graphql_field.type)
    return (
        bool(spec.hints)
        and not spec.needs_object
        and not getattr(strawberry_field, "is_async", True)
        and (not reaches_model(named) or completes_from_rows(named))
    )


def reaches_model(graphql_type: Any, seen: set[str] | None = None) -> bool:
    """Whether values of ``graphql_type`` hold model objects: it is a model
    type, or a type whose fields reach one (a page or connection a resolver
    builds, ``OffsetPage[IssueType]``)."""
    seen = set() if seen is None else seen
    if is_leaf_type(graphql_type) or graphql_type.name in seen:
        return False
    if model_of_type(graphql_type) is not None:
        return True
    seen.add(graphql_type.name)
    fields = getattr(graphql_type, "fields", {})
    return any(reaches_model(unwrap(field.type), seen) for field in fields.values())


def completes_from_rows(graphql_type: Any, seen: set[str] | None = None) -> bool:
    """Whether a value of ``graphql_type`` holding views of rows can be
    completed as rows: each model type on the way is an object type or an
    interface whose object type a row's class gives (not one resolving its
    types itself), and every other object type is plain data (fields
    without resolvers, as the page and connection types), which is read as
    a dict of its fields."""
    seen = set() if seen is None else seen
    if is_leaf_type(graphql_type) or graphql_type.name in seen:
        return True
    seen.add(graphql_type.name)
    if model_of_type(graphql_type) is not None:
        return not _custom_type_resolution(graphql_type)
    if not isinstance(graphql_type, GraphQLObjectType):
        return False
    for field in graphql_type.fields.values():
        definition = field.extensions.get(DEFINITION)
        if getattr(definition, "base_resolver", None) is not None:
            return False
        if not completes_from_rows(unwrap(field.type), seen):
            return False
    return True


@dataclass(frozen=True)
class RootRequest:
    """What a resolver's ``Select`` must load: the model, the selection and,
    for paginated fields, the window and whether a total was asked for."""

    model: type[Any]
    selection: Selection
    kind: Kind
    window: Window | None
    wants_total: bool
    is_list: bool
    row_ready: bool = False
    fallbacks: tuple[tuple[type[Any], tuple[Selection, ...]], ...] = ()
    """Per mapped class, what its fields that need ORM objects load: in the
    fast path those subtrees run on objects loaded for the rows' keys."""
    row_selection: Selection | None = None
    """``selection`` without what only the fallback subtrees load."""


class SelectionBuilder:
    def __init__(self, info: GraphQLResolveInfo[Any], max_page_size: int | None) -> None:
        self.info = info
        self.max_page_size = max_page_size
        # Whether the fields below can be answered from row dicts (no custom
        # type resolution): the fast path's condition. Fields that need ORM
        # objects are collected in ``fallbacks`` (class → their selections).
        self.row_ready = True
        self.fallbacks: dict[type[Any], list[Selection]] = {}

    # -- entry points ------------------------------------------------------

    def for_resolver_result(self, spec: FieldSpec | None) -> RootRequest | None:
        """The request of the field now resolving, whose resolver returned a Select."""
        info = self.info
        field_type = info.parent_type.fields[info.field_name].type
        kind = (
            spec.kind
            if spec is not None and spec.kind in {"connection", "page"}
            else (
                "root" if spec is not None and spec.kind in {"auto", "list", "root"} else "custom"
            )
        )
        node_type, child_sets = self._item_selections(unwrap(field_type), info.field_nodes, kind)
        model = model_of_type(node_type)
        if model is None:
            return None
        arguments, window = Arguments(), None
        if kind in {"root", "connection", "page"}:
            values = self._argument_values(info.parent_type, info.field_nodes[0])
            arguments, window = arguments_from(
                "list" if kind == "root" else kind,
                values,
                model,
                (),
                self.max_page_size,
                cursor_prefix=spec.cursor_prefix if spec is not None else CURSOR_PREFIX,
                keyset=spec is not None and spec.keyset,
            )
        children = self.children(node_type, child_sets, model, None)
        children += _keys_hint(arguments, window)
        # Counting from the end needs the total to place offset cursors; a
        # connection's pageInfo otherwise reads one row beyond its page.
        asks_count = kind in {"connection", "page"} and self._asks(info.field_nodes, "totalCount")
        if (
            kind == "connection"
            and window is not None
            and window.keyset is None
            and not window.from_end
            and not asks_count
        ):
            window, arguments = probing(window, arguments)
        wants_total = kind in {"connection", "page"} and (
            asks_count
            if window is not None and (window.keyset is not None or window.probe)
            else self._asks_total(info.field_nodes) or bool(window and window.from_end)
        )
        is_list = isinstance(_strip_non_null(field_type), GraphQLList)
        selection = Selection("", children=tuple(children), arguments=arguments)
        return self._request(node_type, model, selection, kind, window, wants_total, is_list)

    def for_node(self, node_type: GraphQLObjectType, model: type[Any]) -> RootRequest:
        """The request of the objects of one type a ``node`` or ``nodes``
        field asks for: the selection below the field, on that type (the
        fragments on other types left out)."""
        sets = [n.selection_set for n in self.info.field_nodes if n.selection_set is not None]
        selection = Selection("", children=tuple(self.children(node_type, sets, model, None)))
        return self._request(node_type, model, selection, "custom", None, False, False)

    def _request(
        self,
        node_type: Any,
        model: type[Any],
        selection: Selection,
        kind: Kind,
        window: Window | None,
        wants_total: bool,
        is_list: bool,
    ) -> RootRequest:
        return RootRequest(
            model,
            selection,
            kind,
            window,
            wants_total,
            is_list,
            self.row_ready and not _custom_type_resolution(node_type),
            tuple((cls, tuple(nodes)) for cls, nodes in self.fallbacks.items()),
            _without(selection, {id(n) for nodes in self.fallbacks.values() for n in nodes}),
        )

    # -- walking -----------------------------------------------------------

    def children(
        self,
        parent_type: Any,
        selection_sets: Iterable[SelectionSetNode],
        model: type[Any],
        condition: str | None,
        spread: set[str] | None = None,
    ) -> list[Selection]:
        """The selections of one level: ``spread`` are the fragments already
        collected into it, each collected once as the spec's CollectFields
        says (a document whose fragments each spread the next twice would
        otherwise be walked once per path: 2^n times)."""
        spread = set() if spread is None else spread
        out: list[Selection] = []
        for selection_set in selection_sets:
            for node in selection_set.selections:
                if not self._included(node):
                    continue
                if isinstance(node, FieldNode):
                    out.extend(self._field(parent_type, node, model, condition))
                elif isinstance(node, InlineFragmentNode):
                    out.extend(
                        self._fragment(
                            node.type_condition,
                            node.selection_set,
                            parent_type,
                            model,
                            condition,
                            spread,
                        )
                    )
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in spread:
                    spread.add(node.name.value)
                    fragment = self.info.fragments[node.name.value]
                    out.extend(
                        self._fragment(
                            fragment.type_condition,
                            fragment.selection_set,
                            parent_type,
                            model,
                            condition,
                            spread,
                        )
                    )
        return out

    def _fragment(
        self,
        type_condition: NamedTypeNode | None,
        selection_set: SelectionSetNode,
        parent_type: Any,
        model: type[Any],
        condition: str | None,
        spread: set[str],
    ) -> list[Selection]:
        target_type = parent_type
        if type_condition is not None:
            target_type = self.info.schema.get_type(type_condition.name.value)
        if not self._applies(target_type, parent_type):
            return []
        if _custom_type_resolution(target_type):
            self.row_ready = False
        fragment_model = model_of_type(target_type)
        if fragment_model is None and is_abstract_type(target_type):
            return self._modelless_fragment(
                target_type, selection_set, parent_type, model, condition, spread
            )
        if (
            fragment_model is not None
            and fragment_model is not model
            and issubclass(fragment_model, model)
        ):
            condition = fragment_model.__name__
        return self.children(target_type, [selection_set], model, condition, spread)

    def _applies(self, target_type: Any, parent_type: Any) -> bool:
        """Whether a fragment on ``target_type`` applies to objects of
        ``parent_type``: always below an abstract type (its subtypes are
        told apart by type conditions); below an object type, when it is
        that type or one of its interfaces (a ``node`` field's selection,
        walked once per type asked, spreads fragments on the others)."""
        if not isinstance(parent_type, GraphQLObjectType) or target_type is parent_type:
            return True
        return is_abstract_type(target_type) and self.info.schema.is_sub_type(
            target_type, parent_type
        )

    def _modelless_fragment(
        self,
        abstract: Any,
        selection_set: SelectionSetNode,
        parent_type: Any,
        model: type[Any],
        condition: str | None,
        spread: set[str],
    ) -> list[Selection]:
        """A fragment on an interface bound to no model (a plain Strawberry
        interface such as ``Named { name }``): its fields are those of the
        model types implementing it, so the fragment is walked on each of
        them, under the type condition of each one's subclass."""
        if isinstance(parent_type, GraphQLObjectType):
            return self.children(parent_type, [selection_set], model, condition, spread)
        out: list[Selection] = []
        for implementation in self.info.schema.get_possible_types(abstract):
            implemented = model_of_type(implementation)
            if implemented is None or not issubclass(implemented, model):
                continue
            if not self.info.schema.is_sub_type(parent_type, implementation):
                continue
            sub = condition if implemented is model else implemented.__name__
            out.extend(self.children(implementation, [selection_set], model, sub, set(spread)))
        return out

    def _field(
        self, parent_type: Any, node: FieldNode, model: type[Any], condition: str | None
    ) -> list[Selection]:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent_type, GraphQLObjectType | GraphQLInterfaceType
        ):
            return []
        graphql_field = parent_type.fields.get(name)
        spec = spec_of(graphql_field.extensions.get(DEFINITION)) if graphql_field else None
        fallback = graphql_field is not None and needs_objects(graphql_field, spec)
        if fallback:
            self.fallbacks.setdefault(_subtype(model, condition), [])
        if spec is None or spec.disable_optimization:
            return []
        key = node.alias.value if node.alias else name
        if spec.kind == "custom":
            nodes = self._custom(graphql_field, node, model, condition, spec.hints)
            if fallback:
                self.fallbacks[_subtype(model, condition)].extend(nodes)
            return nodes
        assert spec.attribute is not None
        *hops, last = spec.attribute.split(".")
        owner = _subtype(model, condition)
        for hop in hops:
            owner = inspect(owner).relationships[hop].mapper.class_
        prop = inspect(owner).attrs.get(last)
        leaf: Selection
        if prop is None and node.selection_set is not None and not hops:
            return self._model_property(graphql_field, node, owner, last, condition, spec.hints)
        if spec.kind in LIST_KINDS:
            target = prop.mapper.class_
            node_type, child_sets = self._item_selections(
                unwrap(graphql_field.type), [node], spec.kind
            )
            values = self._argument_values(parent_type, node)
            arguments, window = field_arguments(
                spec, spec.kind, values, target, self.info, self.max_page_size
            )
            if window is not None and window.keyset is not None:
                # A keyset page needs no total for its page info.
                arguments = replace(arguments, counted=self._asks([node], "totalCount"))
            if _custom_type_resolution(node_type):
                self.row_ready = False
            children = self.children(node_type, child_sets, target, None)
            children += _keys_hint(arguments, window)
            children += self.criteria(node_type, target)
            leaf = Selection(
                last, tuple(children), alias=key, arguments=arguments, hints=spec.hints
            )
        elif node.selection_set is not None:
            target = prop.mapper.class_
            target_type = unwrap(graphql_field.type)
            if _custom_type_resolution(target_type):
                self.row_ready = False
            children = self.children(target_type, [node.selection_set], target, None)
            children += self.criteria(target_type, target)
            # Under its response key: a to-one of another type of the target
            # restricting its rows differently is loaded and kept apart.
            leaf = Selection(last, tuple(children), alias=None if hops else key, hints=spec.hints)
        else:
            leaf = Selection(last, hints=spec.hints)
        for hop in reversed(hops):
            leaf = Selection(hop, (leaf,))
        if condition is not None:
            leaf = Selection(
                leaf.name, leaf.children, leaf.alias, leaf.arguments, condition, leaf.hints
            )
        return [leaf]

    def _model_property(
        self,
        graphql_field: Any,
        node: FieldNode,
        owner: type[Any],
        name: str,
        condition: str | None,
        hints: Hints | None,
    ) -> list[Selection]:
        """A model property returning related objects: the property (the
        planner expands its hints), and the selection below it under the
        relationships its hints name."""
        out = [Selection(name, type_condition=condition, hints=hints)]
        own = property_hints(owner, name)
        if own is None:
            return out
        return out + self._below_hints(graphql_field, node, owner, condition, own)

    def _custom(
        self,
        graphql_field: Any,
        node: FieldNode,
        model: type[Any],
        condition: str | None,
        hints: Hints | None,
    ) -> list[Selection]:
        """A custom resolver: its hints, and the selection below it placed under
        the one relationship its hints name, so nested fields stay optimized."""
        if hints is None:
            return []
        out = [Selection("", type_condition=condition, hints=hints)]
        return out + self._below_hints(graphql_field, node, model, condition, hints)

    def _below_hints(
        self,
        graphql_field: Any,
        node: FieldNode,
        model: type[Any],
        condition: str | None,
        hints: Hints,
    ) -> list[Selection]:
        """The selection below a field that returns model objects it reads
        through hinted relationships (a resolver, a model property), placed
        under every hinted path that ends on the returned type: with
        ``select_related=["milestone", "milestone.project"]`` a field
        returning a milestone gets its selection under ``milestone``, one
        returning a project under ``milestone.project``."""
        return_type, selection_sets = self._returned_items(unwrap(graphql_field.type), node)
        target = model_of_type(return_type)
        if target is None or not selection_sets:
            return []
        out: list[Selection] = []
        for path in (*hints.select_related, *hints.prefetch_related):
            if not isinstance(path, str):
                continue
            *hops, last = path.split(".")
            owner: type[Any] | None = _subtype(model, condition)
            for hop in [*hops, last]:
                relationship = inspect(owner).relationships.get(hop)
                owner = relationship.mapper.class_ if relationship is not None else None
                if owner is None:
                    break
            if owner is None or not (issubclass(owner, target) or issubclass(target, owner)):
                continue
            # Under the field's response key, so that what is selected below
            # it keeps arguments and a place of its own beside a field that
            # selects the same relationship.
            leaf = Selection(
                last,
                tuple(self.children(return_type, selection_sets, owner, None)),
                alias=node.alias.value if node.alias else node.name.value,
            )
            for hop in reversed(hops):
                leaf = Selection(hop, (leaf,))
            out.append(replace(leaf, type_condition=condition))
        return out

    def _returned_items(
        self, return_type: Any, node: FieldNode
    ) -> tuple[Any, list[SelectionSetNode]]:
        """The type of the objects a resolver returns and the selection sets
        that apply to them: its own, or those of the items of a page or
        connection it builds (``results``, ``edges { node }``)."""
        fields = getattr(return_type, "fields", {})
        if model_of_type(return_type) is None and "results" in fields:
            return self._item_selections(return_type, [node], "page")
        if model_of_type(return_type) is None and "edges" in fields:
            return self._item_selections(return_type, [node], "connection")
        return return_type, [node.selection_set] if node.selection_set is not None else []

    def criteria(self, graphql_type: Any, model: type[Any]) -> list[Selection]:
        """The ``get_queryset`` hook of a type, as row criteria of its entity."""
        hook = get_queryset_of(graphql_type)
        if hook is None:
            return []
        return [Selection("", hints=Hints(criteria=(_criterion(hook, model),)))]

    # -- helpers -----------------------------------------------------------

    def _item_selections(
        self, field_type: Any, nodes: Sequence[FieldNode], kind: str
    ) -> tuple[Any, list[SelectionSetNode]]:
        """The type of a list's items and the selection sets that apply to them:
        the field's own, or those under ``edges { node }`` / ``results``."""
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        if kind == "connection":
            edge_type = unwrap(field_type.fields["edges"].type)
            edge_sets = self._sub_sets(field_type, sets, "edges")
            return unwrap(edge_type.fields["node"].type), self._sub_sets(
                edge_type, edge_sets, "node"
            )
        if kind == "page":
            return unwrap(field_type.fields["results"].type), self._sub_sets(
                field_type, sets, "results"
            )
        return field_type, sets

    def _sub_sets(
        self, parent_type: Any, sets: Iterable[SelectionSetNode], name: str
    ) -> list[SelectionSetNode]:
        out: list[SelectionSetNode] = []
        for field_node in self._fields_named(sets, name):
            if field_node.selection_set is not None:
                out.append(field_node.selection_set)
        return out

    def _fields_named(
        self, sets: Iterable[SelectionSetNode], name: str, seen: set[str] | None = None
    ) -> list[FieldNode]:
        """The fields called ``name`` in ``sets``, through fragments: each
        named fragment walked once (``seen``), so fragments spreading the
        next one twice cost their size, not 2^n walks."""
        seen = set() if seen is None else seen
        found: list[FieldNode] = []
        for selection_set in sets:
            for node in selection_set.selections:
                if not self._included(node):
                    continue
                if isinstance(node, FieldNode) and node.name.value == name:
                    found.append(node)
                elif isinstance(node, InlineFragmentNode):
                    found.extend(self._fields_named([node.selection_set], name, seen))
                elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                    seen.add(node.name.value)
                    fragment = self.info.fragments[node.name.value]
                    found.extend(self._fields_named([fragment.selection_set], name, seen))
        return found

    def _asks(self, nodes: Sequence[FieldNode], name: str) -> bool:
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        return bool(self._fields_named(sets, name))

    def _asks_total(self, nodes: Sequence[FieldNode]) -> bool:
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        return bool(self._fields_named(sets, "totalCount") or self._fields_named(sets, "pageInfo"))

    def _argument_values(self, parent_type: Any, node: FieldNode) -> dict[str, Any]:
        graphql_field = parent_type.fields[node.name.value]
        return python_values(
            graphql_field, get_argument_values(graphql_field, node, self._variables())
        )

    def _variables(self) -> VariableValues:
        """Strawberry hands over plain dicts where graphql-core 3.3 expects
        :class:`VariableValues`."""
        variables = self.info.variable_values
        if isinstance(variables, VariableValues):
            return variables
        return VariableValues(sources={}, coerced=dict(variables or {}))

    def _included(self, node: Any) -> bool:
        variables = self._variables()
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        if skip is not None and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return not (include is not None and include.get("if") is False)


def _keys_hint(arguments: Arguments, window: Window | None) -> list[Selection]:
    """For a keyset connection, the ordering keys its cursors are made of,
    loaded with each row whether the client selects them or not."""
    if window is None or window.keyset is None:
        return []
    return [Selection("", hints=Hints(only=tuple(o.path for o in arguments.order_by)))]


def _custom_type_resolution(graphql_type: Any) -> bool:
    """An interface choosing its object types itself (one table, several
    types): rows carry no class to choose by."""
    origin = origin_of(graphql_type)
    return origin is not None and "resolve_type" in vars(origin)


def _subtype(model: type[Any], name: str | None) -> type[Any]:
    if name is None:
        return model
    for mapper in inspect(model).self_and_descendants:
        if mapper.class_.__name__ == name:
            return mapper.class_  # type: ignore[no-any-return]
    return model


def _criterion(hook: Any, model: type[Any]) -> Any:
    """The WHERE clause ``hook`` adds to a bare ``select(model)``.

    Taking the clause out of the hook's statement lets it restrict rows
    wherever the type is loaded: in a selectin load, a windowed load or a
    root statement, not only where the hook's own Select runs.
    """

    def criterion(_entity: Any, context: Any) -> Any:
        clause = hook(select(model), context).whereclause
        return clause if clause is not None else true()

    criterion.__qualname__ = f"get_queryset of {model.__name__}"
    return _memo(hook, model, criterion)


_criteria_cache: Memo[tuple[Any, type[Any]], Any] = Memo("get_queryset criteria")


def _memo(hook: Any, model: type[Any], criterion: Any) -> Any:
    """One criterion object per hook and model, so plans stay cacheable."""
    return _criteria_cache.get((getattr(hook, "__func__", hook), model), lambda: criterion)


def _strip_non_null(graphql_type: Any) -> Any:
    return graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
