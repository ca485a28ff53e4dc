"""``field``, ``connection`` and ``offset_page``: Strawberry fields that carry
what the optimizer needs to know about them.

Every field made here has a :class:`FieldSpec` (the model attribute it reads,
its hints, its list style); the selection builder reads specs, the resolvers
made here read what the plan loaded and fall back to a query of their own when
no plan ran (optimizer off), so results never depend on the optimizer.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect as inspect_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy import ColumnElement, Select, func, inspect, select
from sqlalchemy.orm import with_parent
from strawberry.annotation import StrawberryAnnotation
from strawberry.types.arguments import StrawberryArgument
from strawberry.types.field import StrawberryField
from strawberry.types.unset import UNSET

from loadplan.arguments import filter_condition, order_terms, reversed_order, seek_conditions
from loadplan.errors import LoadplanError
from loadplan.hints import HintPath, hint
from loadplan.keysets import keyset_orders
from loadplan.selection import Arguments, Filter, FilterGroup, Order, Seek
from loadplan.storage import related, total_count, windowed
from loadplan.strawberry.definitions import (
    CURSOR_PREFIX,
    FieldSpec,
    Kind,
    argument_names,
    optimizing,
    set_spec,
    spec_of,
    unwrap,
)
from loadplan.strawberry.filters import filters_from, order_from
from loadplan.strawberry.pagination import (
    Window,
    connection_window,
    keyset_window,
    make_connection,
    make_page,
)
from loadplan.strawberry.registry import FieldInputRef, column_paths, model_of_type


def field(
    resolver: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    field_name: str | None = None,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | Any | None = None,
    disable_optimization: bool = False,
    needs_object: bool = False,
    single: bool = False,
    order_by: Iterable[str] = (),
    filters: Iterable[Filter | FilterGroup] = (),
    arguments: bool | Mapping[str, str | None] = True,
    graphql_type: Any | None = None,
    default: Any = dataclasses.MISSING,
    **strawberry_options: Any,
) -> Any:
    """A field of a ``loadplan.strawberry.type``, as attribute default or resolver decorator.

    Without a resolver it reads ``field_name`` (default: its own name) from
    the model. With one, the hints say what the resolver reads; a resolver
    whose ``field_name`` is a to-many relationship returns the statement of
    one parent's list instead (``select(Target).where(...).order_by(...)``,
    built from the field's arguments, called once with ``None`` for
    ``self`` and ``root``), folded into the relationship's batched load
    rather than run per parent. ``single``
    exposes one row of a to-many relationship (``order_by`` says which, e.g.
    ``["-id"]`` for the latest), loaded per parent without the whole list.
    ``filters`` restrict a list of a relationship always (a filtered list
    beside the plain one, as Django's ``Prefetch(to_attr=...)``): each such
    field is loaded on its own, the plain list untouched. In the row mode
    a resolver with hints runs on a view of its row, model objects it
    returns being views of the rows its hints loaded; ``needs_object=True``
    says it needs the real ORM object instead (it queries the session,
    reads identity), which costs one statement more in that mode.
    ``arguments`` (lists): ``False`` gives the list none of its generated
    arguments, a mapping renames some (``{"filter": "where"}``) or leaves
    them out (``{"offset": None}``).
    """
    hints = hint(
        only=only,
        select_related=select_related,
        prefetch_related=prefetch_related,
        annotate=annotate,
    )
    kind: Kind = "single" if single else "auto"
    spec = FieldSpec(
        kind=kind,
        attribute=field_name,
        hints=hints or None,
        disable_optimization=disable_optimization,
        needs_object=needs_object,
        order_by=tuple(Order.parse(o) for o in order_by),
        filters=tuple(filters),
        argument_names=argument_names(arguments),
    )
    made = strawberry.field(
        name=name,
        description=description,
        graphql_type=graphql_type,
        default=default,
        **strawberry_options,
    )
    set_spec(made, spec)
    # Used as a decorator, Strawberry sets the resolver on this same object; the
    # type decorator then sees a resolver and treats the field as custom.
    if resolver is not None:
        return made(resolver)
    return _with_root_resolver(made, "root")


def _root_resolver(root: Any, info: strawberry.Info, **_arguments: Any) -> Any:
    """On a type not bound to a model (the root Query), a list of the field's
    item type: ``select(Model)``, planned and run by the extension (which
    orders it by key after the client's ``order``, so pages are stable)."""
    graphql_type = unwrap(info._raw_info.return_type)
    spec = spec_of(info._field)
    if spec is not None and spec.kind == "connection":
        graphql_type = unwrap(unwrap(graphql_type.fields["edges"].type).fields["node"].type)
    elif spec is not None and spec.kind == "page":
        graphql_type = unwrap(graphql_type.fields["results"].type)
    model = model_of_type(graphql_type)
    if model is None:
        raise LoadplanError(f"{info.field_name} does not return a loadplan.strawberry type")
    return select(model)


_root_resolver._loadplan_root = True  # type: ignore[attr-defined]


def is_root_resolver(made: StrawberryField) -> bool:
    resolver = made.base_resolver
    return resolver is not None and getattr(resolver.wrapped_func, "_loadplan_root", False)


class LoadplanField(StrawberryField):
    """A field that may be given a resolver later (used as a decorator): the
    root resolver and its list arguments then give way to the real resolver,
    except on a connection or page, which keeps its list arguments after the
    resolver's own and pages the statement the resolver returns.

    Its ``filter`` and ``order`` arguments exist only where the listed type
    has the input (a type with no filterable column has none, and an empty
    input would make the schema invalid); which type a field lists is known
    once every type is declared, when the schema reads the arguments."""

    def __call__(self, resolver: Any) -> Any:
        spec = spec_of(self)
        listed = self._arguments if is_root_resolver(self) else None
        self._arguments = None
        if spec is None or spec.kind not in {"connection", "page"} or listed is None:
            return super().__call__(resolver)
        # A connection or page over a resolver's statement: the resolver's
        # own arguments, then the list's (a resolver's argument of the same
        # name wins); the extension pages, filters and counts the statement.
        made = super().__call__(_own_arguments_only(resolver, spec.kind, spec.keyset))
        assert made.base_resolver is not None
        own = list(made.base_resolver.arguments)
        names = {argument.python_name for argument in own}
        made.arguments = own + [a for a in listed if a.python_name not in names]
        return made

    @property
    def arguments(self) -> list[StrawberryArgument]:
        declared: list[StrawberryArgument] = StrawberryField.arguments.fget(self)  # type: ignore[attr-defined]
        return [argument for argument in declared if _has_input(argument)]

    @arguments.setter
    def arguments(self, value: list[StrawberryArgument]) -> None:
        self._arguments = value


def _own_arguments_only(
    resolver: Callable[..., Any], kind: Kind, keyset: bool = False
) -> Callable[..., Any]:
    """``resolver`` called with only the arguments it declares: a field over
    its statement also takes the list's arguments, which the extension reads
    from the request. Its signature stays the resolver's (``__wrapped__``),
    so Strawberry finds its arguments and its ``root`` and ``info``. The
    client pages the statement: one with its own limit or offset is refused,
    as it would page the rows and not their count; a keyset connection's
    statement has no order of its own either, since its cursors hold the
    values of the client's order only."""
    own = inspect_module.signature(resolver).parameters

    @functools.wraps(resolver)
    def call(*args: Any, **kwargs: Any) -> Any:
        stmt = resolver(*args, **{name: v for name, v in kwargs.items() if name in own})
        if isinstance(stmt, Select) and (
            stmt._limit_clause is not None or stmt._offset_clause is not None
        ):
            raise GraphQLError(
                f"{resolver.__name__}: the statement of a {kind} must not have a limit or "
                "an offset (the client's arguments page it)"
            )
        if keyset and isinstance(stmt, Select) and stmt._order_by_clauses:
            raise GraphQLError(_UNORDERED.format(source=resolver.__name__))
        return stmt

    return call


_UNORDERED = (
    "{source}: the statement of a keyset connection must not have an order_by "
    "(its cursors hold the values of the client's order, then of the key)"
)

INPUT_ATTRIBUTE = "_loadplan_input"


def _has_input(argument: StrawberryArgument) -> bool:
    """Whether the generated input an argument takes exists; ``True`` for
    other arguments, and while the listed type is not declared yet."""
    reference = getattr(argument, INPUT_ATTRIBUTE, None)
    if reference is None:
        return True
    try:
        return reference.resolve_type() is not None
    except LoadplanError:
        return True


def set_list_arguments(
    made: StrawberryField,
    filter_type: Any,
    order_type: Any,
    kind: Kind,
    names: tuple[tuple[str, str | None], ...] = (),
) -> None:
    """Give ``made`` the arguments of a list of the given kind, renamed or
    left out as ``names`` say."""
    if type(made) is StrawberryField:
        made.__class__ = LoadplanField
    made.arguments = list_arguments(filter_type, order_type, kind, dict(names))


def _with_root_resolver(made: StrawberryField, kind: Kind) -> StrawberryField:
    spec = spec_of(made)
    made = made(_root_resolver)
    set_list_arguments(
        made,
        FieldInputRef.of(made, "Filter"),
        FieldInputRef.of(made, "Order"),
        kind,
        spec.argument_names if spec is not None else (),
    )
    return made


def detach_root_resolver(made: StrawberryField) -> None:
    """Inside a bound type the field reads the model instead."""
    made._base_resolver = None
    made._arguments = None


def connection(
    *,
    name: str | None = None,
    description: str | None = None,
    field_name: str | None = None,
    arguments: bool | Mapping[str, str | None] = True,
    cursor_prefix: str = CURSOR_PREFIX,
    keyset: bool = False,
    **strawberry_options: Any,
) -> Any:
    """A Relay connection over a relationship (or, on the root type, over a model).

    Its cursors are base64 of ``cursor_prefix`` and an offset
    (``"arrayconnection:"`` gives graphql-relay's cursors); its type may be
    ``lp.Connection[T]`` or any type of the same fields (a ``totalCount``
    that is nullable, to keep an existing API). As a decorator, over the
    statement its resolver returns (see :class:`LoadplanField`).

    ``keyset=True`` gives it keyset cursors: each holds the values its row
    is ordered by (the client's ``order``, then the primary key), and
    ``after`` becomes a condition on them, so pages stay put when rows are
    added or removed before them and a deep page costs what the first
    does (see :mod:`loadplan.strawberry.keyset`)."""
    made = strawberry.field(name=name, description=description, **strawberry_options)
    spec = FieldSpec(
        kind="connection",
        attribute=field_name,
        argument_names=argument_names(arguments),
        cursor_prefix=cursor_prefix,
        keyset=keyset,
    )
    set_spec(made, spec)
    return _with_root_resolver(made, "connection")


def offset_page(
    *,
    name: str | None = None,
    description: str | None = None,
    field_name: str | None = None,
    arguments: bool | Mapping[str, str | None] = True,
    **strawberry_options: Any,
) -> Any:
    """A ``limit``/``offset`` page with ``totalCount`` over a relationship or a
    model; as a decorator, over the statement its resolver returns."""
    made = strawberry.field(name=name, description=description, **strawberry_options)
    spec = FieldSpec(kind="page", attribute=field_name, argument_names=argument_names(arguments))
    set_spec(made, spec)
    return _with_root_resolver(made, "page")


# -- arguments ---------------------------------------------------------------


def list_arguments(
    filter_type: Any, order_type: Any, kind: Kind, names: Mapping[str, str | None] | None = None
) -> list[StrawberryArgument]:
    """GraphQL arguments of a list field of the given kind; ``names`` renames
    an argument (its GraphQL name) or, mapping it to ``None``, leaves it out."""
    names = names or {}

    def argument(python_name: str, annotation: Any, input_type: Any = None) -> Any:
        made = StrawberryArgument(
            python_name=python_name,
            graphql_name=names.get(python_name),
            type_annotation=StrawberryAnnotation(annotation),
            default=None,
        )
        setattr(made, INPUT_ATTRIBUTE, input_type)
        return made

    common = [
        argument("filter", filter_type | None, filter_type),
        argument("order", list[order_type] | None, order_type),
    ]
    made: list[StrawberryArgument] = []
    if kind == "connection":
        made = [
            *common,
            argument("first", int | None),
            argument("after", str | None),
            argument("last", int | None),
            argument("before", str | None),
        ]
    elif kind in {"list", "page", "root"}:
        made = [*common, argument("limit", int | None), argument("offset", int | None)]
    return [a for a in made if a.python_name not in names or names[a.python_name] is not None]


def arguments_from(
    kind: Kind,
    values: Mapping[str, Any],
    model: type[Any],
    fixed_order: tuple[Order, ...],
    max_page_size: int | None,
    fixed_filters: tuple[Filter | FilterGroup, ...] = (),
    cursor_prefix: str = CURSOR_PREFIX,
    keyset: bool = False,
) -> tuple[Arguments, Window | None]:
    """loadplan arguments of a list field, from its GraphQL argument values
    (``keyset``: a connection with keyset cursors)."""
    paths = column_paths(model)
    filters = fixed_filters + filters_from(values.get("filter"), paths, model)
    order = order_from(values.get("order"), paths) or fixed_order
    if kind == "single":
        # Without an order saying which row, a second row is an error: load it.
        return Arguments(filters, order, 1 if order else 2, counted=False), None
    if kind == "connection" and keyset:
        orders = keyset_orders(model, order)
        window = keyset_window(
            model,
            orders,
            values.get("first"),
            values.get("after"),
            values.get("last"),
            values.get("before"),
            max_page_size,
            cursor_prefix,
        )
        assert window.keyset is not None
        seek = Seek(window.keyset.after, window.keyset.before)
        arguments = Arguments(
            filters,
            orders,
            window.limit,
            reverse=window.from_end,
            seek=seek if seek.after is not None or seek.before is not None else None,
        )
        return arguments, window
    if kind == "connection":
        window = connection_window(
            values.get("first"),
            values.get("after"),
            values.get("last"),
            values.get("before"),
            max_page_size,
            cursor_prefix,
        )
        arguments = Arguments(
            filters, order, window.limit, window.offset or None, reverse=window.from_end
        )
        return arguments, window
    limit, offset = values.get("limit"), values.get("offset")
    _check_page(limit, offset, max_page_size)
    # A plain list shows no total; a page's ``totalCount`` reads it.
    return Arguments(filters, order, limit, offset or None, counted=kind == "page"), None


def _check_page(limit: int | None, offset: int | None, max_page_size: int | None) -> None:
    if limit is not None and limit < 0:
        raise GraphQLError("limit must not be negative")
    if offset is not None and offset < 0:
        raise GraphQLError("offset must not be negative")
    if limit is not None and max_page_size is not None and limit > max_page_size:
        raise GraphQLError(f"limit must not exceed {max_page_size}")


# -- resolvers of relationship fields -----------------------------------------


Restrict = Callable[[Any], Any]


def _fallback_rows(
    root: Any, attribute: str, arguments: Arguments, session: Any, restrict: Restrict | None
) -> tuple[list[Any], int]:
    """Rows of one parent's list, queried directly (no plan ran for this field)."""
    prop = inspect(type(root)).relationships[attribute]
    target = prop.mapper.class_
    conditions: list[ColumnElement[bool]] = [with_parent(root, prop)]
    conditions += [filter_condition(target, f) for f in arguments.filters]
    conditions += arguments.conditions
    if restrict is not None:
        clause = restrict(select(target)).whereclause
        if clause is not None:
            conditions.append(clause)
    order = list(arguments.ordering) + order_terms(target, arguments.order_by)
    order = order or list(prop.order_by or ())
    order += list(inspect(target).primary_key)
    if arguments.reverse:
        order = reversed_order(order)
    stmt = select(target).where(*conditions, *seek_conditions(target, arguments)).order_by(*order)
    if arguments.offset:
        stmt = stmt.offset(arguments.offset)
    if arguments.limit is not None:
        stmt = stmt.limit(arguments.limit)
    rows = list(session.scalars(stmt))
    total = session.scalar(select(func.count()).select_from(target).where(*conditions))
    return rows, int(total or 0)


def read_list(
    root: Any,
    attribute: str,
    key: str,
    arguments: Arguments,
    session_of: Callable[[], Any],
    restrict: Restrict | None = None,
) -> tuple[list[Any], int]:
    """A relationship list as the plan loaded it, or queried now if no plan
    loaded it (the optimizer is off): with the list's arguments and the target
    type's ``get_queryset`` restriction, so results never depend on the optimizer."""
    if windowed(root, key):
        rows = list(related(root, attribute, key))
        total = total_count(root, key)
        return rows, len(rows) if total is None else total
    loaded = vars(root)
    # Optimizer off, the attribute may hold what another field of the
    # relationship loaded lazily, without this type's restriction.
    if attribute in loaded and not arguments and (restrict is None or optimizing()):
        rows = list(loaded[attribute])
        return rows, len(rows)
    if arguments or restrict is not None:
        return _fallback_rows(root, attribute, arguments, session_of(), restrict)
    rows = list(getattr(root, attribute))
    return rows, len(rows)


def statement_arguments(
    resolver: Any, info: Any, values: Mapping[str, Any], target: type[Any], source: str
) -> Arguments:
    """The arguments of a list whose resolver returns a statement for one
    parent's list (:attr:`FieldSpec.statement`): the resolver is called with
    the field's argument ``values`` (by Python name), ``info``, and ``None``
    for its ``self`` and ``root``, since it stands for every parent's list;
    the statement's ``where``, ``order_by``, ``limit`` and ``offset`` apply
    to each parent's rows of the relationship. A statement that selects
    anything but the relationship's class, or joins, groups or reads another
    table, cannot be one list's rows: a GraphQL error names it."""
    kwargs = dict(values)
    for parameter in resolver.reserved_parameters.values():
        if parameter is not None:
            kwargs[parameter.name] = info if parameter is resolver.info_parameter else None
    stmt = resolver.wrapped_func(**kwargs)
    plain = select(target)
    if not (
        isinstance(stmt, Select)
        and [d.get("entity") for d in stmt.column_descriptions] == [target]
        and _same_froms(stmt.get_final_froms(), plain.get_final_froms())
        and not (stmt._group_by_clauses or stmt._having_criteria or stmt._distinct)
    ):
        raise GraphQLError(
            f"{source}: the resolver must return select({target.__name__}) with only "
            "where, order_by, limit and offset (a list of the relationship for each parent)"
        )
    where = stmt.whereclause
    return Arguments(
        limit=stmt._limit,
        offset=stmt._offset or None,
        counted=False,
        conditions=() if where is None else (where,),
        ordering=tuple(stmt._order_by_clauses),
    )


def field_arguments(
    spec: FieldSpec,
    kind: Kind,
    values: Mapping[str, Any],
    target: type[Any],
    info: Any,
    max_page_size: int | None,
) -> tuple[Arguments, Window | None]:
    """loadplan arguments of a list field of a relationship: the client's
    (:func:`arguments_from`), with, for a field whose resolver returns a
    statement (:attr:`FieldSpec.statement`), the statement's conditions and
    ordering (before the client's order) and, on a plain list, its page (a
    connection's or page's resolver may not page its statement: see
    :func:`_own_arguments_only`)."""
    arguments, window = arguments_from(
        kind,
        values,
        target,
        spec.order_by,
        max_page_size,
        spec.filters,
        spec.cursor_prefix,
        spec.keyset,
    )
    if spec.statement is None:
        return arguments, window
    folded = statement_arguments(spec.statement, info, values, target, spec.describe())
    if spec.keyset and folded.ordering:
        raise GraphQLError(_UNORDERED.format(source=spec.describe()))
    paged = folded if kind == "list" else arguments
    return dataclasses.replace(
        arguments,
        limit=paged.limit,
        offset=paged.offset,
        conditions=folded.conditions,
        ordering=folded.ordering,
    ), window


def _same_froms(found: Sequence[Any], expected: Sequence[Any]) -> bool:
    return len(found) == len(expected) and all(a is b for a, b in zip(found, expected, strict=True))


def single_row(rows: list[Any], source: str, exact: bool) -> Any:
    """The row of a ``single`` field, ``None`` when there is none. An
    ``exact`` field (one with no ``order_by`` saying which row) must have at
    most one: several are a GraphQL error, as Django's ``get()`` raises."""
    if exact and len(rows) > 1:
        raise GraphQLError(
            f"{source} has several rows where one was expected: "
            "give the field an order_by to pick one"
        )
    return rows[0] if rows else None


def shape_result(
    kind: Kind,
    rows: list[Any],
    total: int,
    window: Window | None,
    spec: FieldSpec | None = None,
    arguments: Arguments | None = None,
) -> Any:
    if kind == "connection":
        assert window is not None
        nodes = list(reversed(rows)) if window.from_end and window.keyset is None else rows
        return make_connection(nodes, total, window)
    if kind == "page":
        page = arguments or Arguments()
        return make_page(rows, total, page.limit, page.offset or 0)
    if kind == "single":
        assert spec is not None
        return single_row(rows, spec.describe(), exact=not spec.order_by)
    return rows


__all__ = [
    "UNSET",
    "FieldSpec",
    "connection",
    "field",
    "offset_page",
    "spec_of",
]
