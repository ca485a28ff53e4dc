"""What every floor of ``loadplan.strawberry`` reads: the leaf of the package.

The package is built in floors, each importing only the ones below it:
this module (field definitions, helpers on GraphQL types and ``info``, the
context variables of the running operation) and ``names`` (the names of
generated types); the declaration floor
(``registry``, ``pagination``, ``filters``, ``fields``, ``types``: what a
schema declares); the runtime floor (``selection``, ``rows``,
``extension``: what runs per request). Keeping what both upper floors need
here is what lets the declared resolvers read the running operation's
session without importing the extension that sets it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from graphql import GraphQLList, GraphQLNonNull
from sqlalchemy.orm import Session

from loadplan.errors import LoadplanError
from loadplan.hints import Hints
from loadplan.selection import Filter, FilterGroup, Order
from loadplan.storage import SIDE_PREFIX, TOTAL_SUFFIX

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "DEFINITION",
    "FieldSpec",
    "Kind",
    "LoadedKey",
    "SessionGetter",
    "default_session_getter",
    "item_type",
    "optimizing",
    "session_from_info",
    "set_spec",
    "spec_of",
    "unwrap",
]

DEFINITION = "strawberry-definition"
"""The key under which Strawberry keeps its own definition of a GraphQL
type or field in graphql-core's ``extensions``."""

CURSOR_PREFIX = "loadplan:"
"""What a connection's cursors say before the offset they point at (base64
encoded); graphql-relay's array connections use ``arrayconnection:``."""

Kind = Literal["auto", "list", "connection", "page", "single", "custom", "root"]

SPEC_ATTRIBUTE = "_loadplan_spec"


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """What the optimizer knows about one GraphQL field.

    ``attribute`` is the model attribute path the field reads (dotted paths
    walk to-one relationships); ``kind`` says how its list is shaped;
    ``order_by`` is a fixed ordering (for ``single`` fields such as "the
    latest comment"); ``column_paths`` map the filter/order input fields of the
    target type to attribute paths (set when the owning type is built).
    """

    kind: Kind = "auto"
    attribute: str | None = None
    hints: Hints | None = None
    disable_optimization: bool = False
    order_by: tuple[Order, ...] = ()
    model: type[Any] | None = None
    filters: tuple[Filter | FilterGroup, ...] = ()
    """Conditions the list always applies, before the client's filter."""
    cursor_prefix: str = CURSOR_PREFIX
    """The cursor format of a connection (see :data:`CURSOR_PREFIX`)."""
    keyset: bool = False
    """A connection whose cursors hold their row's ordering keys rather
    than an offset (:mod:`loadplan.strawberry.keyset`)."""
    argument_names: tuple[tuple[str, str | None], ...] = ()
    """The generated list arguments renamed (``("filter", "where")``) or
    left out (``("offset", None)``), by their Python names."""
    needs_object: bool = False
    """The field's resolver needs the real ORM object (a session, identity,
    ``inspect()``), not a view of its row: in the row mode its subtree runs
    on objects loaded for the rows' keys."""
    statement: Any = None
    """The resolver (a ``StrawberryResolver``) of a list of a relationship
    that returns a statement for one parent's list: its ``where``,
    ``order_by``, ``limit`` and ``offset`` become the list's arguments."""

    def describe(self) -> str:
        """``Model.attribute``, as messages name the field's source."""
        owner = f"{self.model.__name__}." if self.model is not None else ""
        return f"{owner}{self.attribute or ''}"


def spec_of(field: Any) -> FieldSpec | None:
    """The spec of a Strawberry field, ``None`` for a field loadplan did not make."""
    spec = getattr(field, SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, FieldSpec) else None


def set_spec(field: Any, spec: FieldSpec) -> None:
    setattr(field, SPEC_ATTRIBUTE, spec)


ALL_ARGUMENTS = ("filter", "order", "limit", "offset", "first", "after", "last", "before")
"""The Python names of the arguments a list field may be given."""


def argument_names(option: bool | Mapping[str, str | None]) -> tuple[tuple[str, str | None], ...]:
    """A field's ``arguments=`` option as :attr:`FieldSpec.argument_names`:
    ``True`` keeps every generated argument, ``False`` leaves them all out,
    a mapping renames (a name) or leaves out (``None``) the ones it lists."""
    if option is True:
        return ()
    if option is False:
        return tuple((name, None) for name in ALL_ARGUMENTS)
    unknown = set(option) - set(ALL_ARGUMENTS)
    if unknown:
        raise LoadplanError(
            f"arguments= names {', '.join(sorted(unknown))}: a list field's arguments "
            f"are {', '.join(ALL_ARGUMENTS)}"
        )
    return tuple(option.items())


def python_values(graphql_field: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Argument values read by graphql-core (keyed by GraphQL names) keyed
    by the arguments' Python names, as resolvers receive them: a list field
    may rename its generated arguments."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        argument = graphql_field.args.get(name)
        definition = argument.extensions.get(DEFINITION) if argument is not None else None
        out[getattr(definition, "python_name", name)] = value
    return out


def unwrap(graphql_type: Any) -> Any:
    """A GraphQL type without its list and non-null wrappers."""
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def origin_of(graphql_type: Any) -> Any:
    """The Python class Strawberry built a GraphQL type from, if any."""
    definition = getattr(graphql_type, "extensions", {}).get(DEFINITION)
    return getattr(definition, "origin", None)


def get_queryset_of(graphql_type: Any) -> Any:
    """The ``get_queryset`` hook of a type's class, if it has one."""
    return getattr(origin_of(graphql_type), "get_queryset", None)


def item_type(graphql_type: Any, kind: str) -> Any:
    """The type of the objects a field of ``kind`` returns: a connection's
    node type, a page's result type, otherwise the field's own type. It is
    the field's, not the model's: a model may have several types, each with
    its own ``get_queryset``."""
    field_type = unwrap(graphql_type)
    if kind == "connection":
        return unwrap(unwrap(field_type.fields["edges"].type).fields["node"].type)
    if kind == "page":
        return unwrap(field_type.fields["results"].type)
    return field_type


# -- the running operation -----------------------------------------------------

SessionGetter: TypeAlias = "Callable[[Any], Session | AsyncSession]"


def default_session_getter(info: Any) -> Session | AsyncSession:
    """The session of a request: ``context["session"]`` or ``context.session``."""
    context = info.context
    session = (
        context.get("session") if isinstance(context, dict) else getattr(context, "session", None)
    )
    if session is None:
        raise LoadplanError(
            "no session in the GraphQL context: put it under context['session'] "
            "or pass session_getter= to OptimizerExtension"
        )
    return session  # type: ignore[no-any-return]


session_getter: ContextVar[SessionGetter] = ContextVar(
    "loadplan_session_getter", default=default_session_getter
)
"""How the running operation finds its session (set by the extension)."""

optimizing_now: ContextVar[bool] = ContextVar("loadplan_optimizing", default=False)
"""Whether an enabled optimizer plans the running operation."""


page_size_limit: ContextVar[int | None] = ContextVar("loadplan_max_page_size", default=None)
"""The extension's ``max_page_size`` in the running operation: a keyset
connection asked for no ``first`` or ``last`` reads that many rows and one
more, which its resolver must know to tell the row beyond the page."""


def optimizing() -> bool:
    """Whether the operation now running is planned by an enabled optimizer
    (computed fields were then loaded with their rows)."""
    return optimizing_now.get()


def session_from_info(info: Any) -> Session | AsyncSession:
    """The session of the operation now running, for resolvers that query
    on their own (the optimizer off, a field left out of the plan)."""
    return session_getter.get()(getattr(info, "_raw_info", info))


class LoadedKey:
    """Where a plan kept a list selected under the response ``key`` of a
    field below the field ``parent`` (see :mod:`loadplan.storage`): under
    ``parent.key`` when another selection of the same relationship with the
    same response key reaches the same object along another path (a field
    and a resolver's hint), else under ``key``."""

    __slots__ = ("key", "qualified", "side", "total")

    def __init__(self, key: str, parent: str | None) -> None:
        self.key = key
        self.qualified = f"{parent}.{key}" if parent is not None else None
        self.side = SIDE_PREFIX + (self.qualified or key)
        self.total = (self.qualified or key) + TOTAL_SUFFIX

    def of(self, target: Any) -> str:
        """The key ``target`` (an object, a row view or a row dict) keeps the list under."""
        if self.qualified is None:
            return self.key
        found = target if type(target) is dict else target.__dict__
        return self.qualified if self.side in found or self.total in found else self.key


def parent_key(path: Any) -> str | None:
    """The response key of the field whose object holds the field at
    ``path`` (graphql-core's ``info.path``), list indices skipped."""
    prev = path.prev
    while prev is not None and not isinstance(prev.key, str):
        prev = prev.prev
    return prev.key if prev is not None else None
