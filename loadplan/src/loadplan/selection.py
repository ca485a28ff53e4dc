"""The framework-neutral selection tree: what a client asked for.

Front ends (GraphQL, Pydantic/REST) only build these nodes; everything after
works on them. Nodes are immutable and hashable, so a selection's *shape* (the
tree without argument values) is a cache key for its plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "NO_ARGUMENTS",
    "Arguments",
    "Connective",
    "Filter",
    "FilterGroup",
    "NullsPlacement",
    "Operator",
    "Order",
    "Seek",
    "Selection",
]


class Operator(StrEnum):
    """Comparison operators a nested list filter may use."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    IN = "in"
    NOT_IN = "not_in"
    IEXACT = "iexact"
    CONTAINS = "contains"
    ICONTAINS = "icontains"
    STARTSWITH = "startswith"
    ISTARTSWITH = "istartswith"
    ENDSWITH = "endswith"
    IENDSWITH = "iendswith"
    RANGE = "range"
    IS_NULL = "is_null"


@dataclass(frozen=True)
class Filter:
    """``path op value``; ``path`` is dotted and may walk to-one relationships."""

    path: str
    op: Operator
    value: Any

    def __post_init__(self) -> None:
        # Lists (``in`` operands) become tuples: arguments are compared and hashed.
        if isinstance(self.value, list | set | frozenset):
            object.__setattr__(self, "value", tuple(self.value))

    def shape(self) -> tuple[str, str, bool]:
        # Only the arity of ``in`` lists matters to SQL; values are parameters.
        return (self.path, self.op.value, self.value is None)

    def describe(self) -> str:
        return f"{self.path} {self.op.value}"


class Connective(StrEnum):
    """How a :class:`FilterGroup` combines its conditions."""

    AND = "and"
    OR = "or"
    NOT = "not"


@dataclass(frozen=True)
class FilterGroup:
    """Conditions combined: all of them (``AND``), any of them (``OR``), or
    none of them (``NOT``, which negates their conjunction). Its filters'
    paths may walk to-one relationships like those of any filter."""

    connective: Connective
    items: tuple[Filter | FilterGroup, ...]

    def shape(self) -> tuple[Any, ...]:
        return (self.connective.value, tuple(item.shape() for item in self.items))

    def describe(self) -> str:
        return f"{self.connective.value}({', '.join(item.describe() for item in self.items)})"

    def leaves(self) -> tuple[Filter, ...]:
        """Every filter of the group, at any depth."""
        return tuple(
            leaf
            for item in self.items
            for leaf in (item.leaves() if isinstance(item, FilterGroup) else (item,))
        )


class NullsPlacement(StrEnum):
    """Where an ordering puts NULL values."""

    FIRST = "first"
    LAST = "last"


@dataclass(frozen=True)
class Order:
    """One ordering term; ``path`` is dotted and may walk to-one relationships."""

    path: str
    descending: bool = False
    nulls: NullsPlacement | None = None
    """Where rows whose value is NULL go (``None``: where the database puts
    them, which differs between dialects)."""

    @classmethod
    def parse(cls, text: str) -> Order:
        """Read ``"-updated_at"`` as descending, ``"name"`` as ascending."""
        text = text.strip()
        if text.startswith("-"):
            return cls(text[1:], descending=True)
        return cls(text.lstrip("+"))


@dataclass(frozen=True)
class Seek:
    """The bounds of a keyset page: the rows strictly after ``after`` and
    strictly before ``before``, each the values of a row's ordering keys
    (the list's ``order_by``, in the list's own order, whatever ``reverse``
    says). An ordering that ends with the primary key orders rows totally,
    so the bounds name exactly the rows between two rows, however many
    share the other keys' values. Where ``order_by`` puts NULLs must be
    explicit (:attr:`Order.nulls`) for a key that may be NULL: the bounds
    place them as the ordering does on every dialect."""

    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("after", "before"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    def shape(self) -> tuple[bool, bool]:
        return (self.after is not None, self.before is not None)


@dataclass(frozen=True)
class Arguments:
    """Arguments of a list: filters, ordering and a page (limit/offset).

    ``reverse`` counts the page from the end of the list (Relay's ``last``):
    the whole ordering, default ordering and key tie-break included, is
    reversed, and the rows come back in reverse order.

    ``counted`` says whether anything reads the list's per-parent total
    (``total_count``); a front end that shows no total sets it to ``False``,
    which lets the page of a single parent be read from an index with
    ``ORDER BY ... LIMIT`` instead of ranking and counting the whole list.
    Without a page a list's total is its length, always known: ``counted``
    is then ``True`` whatever was passed, so that the same list asked by two
    front ends compares equal.

    ``conditions`` and ``ordering`` are SQL expressions on the list's mapped
    class, written by a front end's user (the ``where`` and ``order_by`` of
    a statement a resolver built for one parent's list): they apply with
    ``filters`` (``ordering`` before ``order_by``, as the client's order
    follows a statement's own), to every parent's list, in the same
    statement.

    ``seek`` pages by keyset: only the rows between its bounds, in
    ``order_by`` (which names every key of the bounds). The total ignores
    it, as it ignores ``limit`` and ``offset``.
    """

    filters: tuple[Filter | FilterGroup, ...] = ()
    order_by: tuple[Order, ...] = ()
    limit: int | None = None
    offset: int | None = None
    reverse: bool = False
    counted: bool = True
    conditions: tuple[Any, ...] = ()
    ordering: tuple[Any, ...] = ()
    seek: Seek | None = None

    def __post_init__(self) -> None:
        if not self.paginated and not self.counted:
            object.__setattr__(self, "counted", True)

    def __bool__(self) -> bool:
        return bool(
            self.filters
            or self.order_by
            or self.limit is not None
            or self.offset
            or self.reverse
            or self.conditions
            or self.ordering
            or self.seek is not None
        )

    def shape(self) -> tuple[Any, ...]:
        return (
            tuple(f.shape() for f in self.filters),
            self.order_by,
            self.limit is not None,
            bool(self.offset),
            self.reverse,
            self.counted,
            len(self.conditions),
            len(self.ordering),
            None if self.seek is None else self.seek.shape(),
        )

    @property
    def paginated(self) -> bool:
        return self.limit is not None or bool(self.offset) or self.seek is not None


NO_ARGUMENTS = Arguments()


@dataclass(frozen=True)
class Selection:
    """One selected attribute and what is selected below it.

    ``name`` is the attribute on the mapped class (a column, relationship,
    hybrid, model property or an annotation declared by a hint). ``alias`` is
    the client's name for it; two selections of one relationship under
    different aliases and arguments are loaded separately. ``type_condition``
    restricts a node to one polymorphic subtype (a mapped class name).
    ``hints`` holds :class:`loadplan.hints.Hints` contributed by the front end;
    they apply to the entity the node belongs to, and a node with an empty
    ``name`` carries only hints (e.g. row criteria of the entity).
    """

    name: str
    children: tuple[Selection, ...] = ()
    alias: str | None = None
    arguments: Arguments = NO_ARGUMENTS
    type_condition: str | None = None
    hints: Any = None

    @classmethod
    def of(cls, *fields: str | Selection, name: str = "") -> Selection:
        """A root selection from field names, dotted paths and nodes.

        ``Selection.of("id", "tasks.status.name")`` selects ``id`` and the
        nested path ``tasks → status → name``.
        """
        return cls(name, children=_children(fields))

    @property
    def key(self) -> str:
        """The name the client sees this node under."""
        return self.alias or self.name


def _children(fields: Sequence[str | Selection]) -> tuple[Selection, ...]:
    """Nodes for ``fields``; dotted paths sharing a head share one node
    (explicit nodes are kept as given)."""
    nodes: list[Selection | str] = []
    nested: dict[str, list[str]] = {}
    for item in fields:
        if isinstance(item, Selection):
            nodes.append(item)
            continue
        head, _, rest = item.partition(".")
        if head not in nested:
            nested[head] = []
            nodes.append(head)
        if rest:
            nested[head].append(rest)
    return tuple(
        node if isinstance(node, Selection) else Selection(node, _children(nested[node]))
        for node in nodes
    )
