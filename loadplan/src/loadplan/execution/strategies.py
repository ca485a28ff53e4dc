"""One class per loading strategy, each owning what it does in every mode.

The plan says *which* strategy loads a relationship (``RelationshipPlan.strategy``,
chosen by :mod:`loadplan.planner.strategies`); the class registered here for
it says *how*, in the ORM mode (a loader option on the parent's statement,
or a load once the parent's objects exist) and in the row mode (read from
the parent's rows, or a batched statement of its own). Modes dispatch with
:func:`load_of`, a lookup; they hand each call the services it needs
(:class:`ObjectLoading`, :class:`RowLoading`), so strategies import no mode.

A new strategy is a new ``Strategy`` member (plan data), a planning rule that
chooses it, and one subclass of :class:`Load` here.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

from sqlalchemy.orm import joinedload, selectinload

from loadplan.execution.binding import Binding
from loadplan.plans import RelationshipPlan, Strategy
from loadplan.selection import NO_ARGUMENTS, Arguments

# SQLAlchemy 2.1's selectinload takes the number of parents one statement
# serves; 2.0's always serves 500, so a batched collection under more than 500
# parents costs one more statement per 500 there.
SELECTIN_TAKES_CHUNKSIZE = "chunksize" in inspect.signature(selectinload).parameters

__all__ = [
    "Batched",
    "Joined",
    "Load",
    "ObjectLoading",
    "RowLoading",
    "Windowed",
    "children_of",
    "load_of",
]


class ObjectLoading(Protocol):
    """What the ORM mode offers a strategy (see :mod:`loadplan.execution.orm`)."""

    @property
    def binding(self) -> Binding: ...

    def batch(
        self,
        rel: RelationshipPlan,
        parents: Sequence[Any],
        arguments: Arguments,
        keeps_total: bool,
    ) -> list[Any]:
        """Load ``rel`` for ``parents`` (objects) with one batched statement
        of entities; keep each parent's children (and their total, if
        ``keeps_total``); return all children."""
        ...


class RowLoading(Protocol):
    """What the row mode offers a strategy (see :mod:`loadplan.execution.rows`)."""

    @property
    def binding(self) -> Binding: ...

    def batch(
        self,
        rel: RelationshipPlan,
        parents: Sequence[dict[str, Any]],
        arguments: Arguments,
        keeps_total: bool,
    ) -> list[dict[str, Any]]:
        """Load ``rel`` for ``parents`` (row dicts) with one batched statement
        of columns; keep each parent's children (and their total, if
        ``keeps_total``); return all children."""
        ...


def children_of(parents: Sequence[Any], key: str) -> list[Any]:
    """What attribute ``key`` holds below ``parents`` (objects or row
    dicts), lists flattened, ``None`` left out."""
    out: list[Any] = []
    for parent in parents:
        value = parent.get(key) if type(parent) is dict else getattr(parent, key)
        if value is None:
            continue
        if isinstance(value, list | tuple | set):
            out.extend(value)
        else:
            out.append(value)
    return out


class Load:
    """How one strategy loads a relationship.

    ``joined``: in the row mode, the relationship's columns are read from
    its parent's rows (the parent's statement joins it). ``after_parent``:
    in the ORM mode, it is loaded once the parent statement's objects exist
    (:meth:`load_objects`), not by a loader option. ``keeps_total``: each
    parent keeps its list's total beside the list (see :mod:`loadplan.storage`).
    """

    strategy: ClassVar[Strategy]
    joined: ClassVar[bool] = False
    after_parent: ClassVar[bool] = False
    keeps_total: ClassVar[bool] = False

    _registry: ClassVar[dict[Strategy, Load]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Load._registry[cls.strategy] = cls()

    def arguments(self, rel: RelationshipPlan, binding: Binding) -> Arguments:
        """The list arguments this load applies (filters, order, page)."""
        return NO_ARGUMENTS

    def option(self, rel: RelationshipPlan, attribute: Any, criteria: bool) -> Any | None:
        """ORM mode: the loader option loading ``rel`` through ``attribute``
        (already carrying the target's ``criteria``, if any) with the parent's
        statement; ``None`` when it loads after it."""
        return None

    def load_objects(
        self, mode: ObjectLoading, rel: RelationshipPlan, parents: Sequence[Any]
    ) -> list[Any]:
        """ORM mode, once ``parents`` are loaded: load ``rel`` for them if no
        option did, and return the children."""
        return children_of(parents, rel.key)

    def load_rows(
        self, mode: RowLoading, rel: RelationshipPlan, parents: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Row mode, once ``parents`` are read: load ``rel`` for them unless
        their rows held it, and return the children."""
        return mode.batch(rel, parents, self.arguments(rel, mode.binding), self.keeps_total)


def load_of(rel: RelationshipPlan) -> Load:
    """The strategy object that loads ``rel``."""
    return Load._registry[rel.strategy]


class Joined(Load):
    """A to-one in its parent's statement, through a LEFT OUTER JOIN."""

    strategy = Strategy.JOINED
    joined = True

    def option(self, rel: RelationshipPlan, attribute: Any, criteria: bool) -> Any:
        # Always an outer join, as in the row mode, though a relationship may
        # default to an inner one: criteria in the ON clause must hide the
        # target, never the parent row, and the marker row of a page past
        # the end of a list (see execution/batches.py) has no target to join.
        return joinedload(attribute, innerjoin=False)

    def load_rows(
        self, mode: RowLoading, rel: RelationshipPlan, parents: Sequence[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return children_of(parents, rel.key)


class Batched(Load):
    """One batched ``IN`` statement per relationship and level: SQLAlchemy's
    selectinload in the ORM mode, loadplan's plain batch in the row mode."""

    strategy = Strategy.SELECTIN

    def option(self, rel: RelationshipPlan, attribute: Any, criteria: bool) -> Any:
        if SELECTIN_TAKES_CHUNKSIZE:
            return selectinload(attribute, chunksize=rel.batch_size)
        return selectinload(attribute)


class Windowed(Load):
    """loadplan's own batched statement with the list's arguments (filters,
    ordering, per-parent pages), run once the parents are loaded, in both modes."""

    strategy = Strategy.WINDOWED
    after_parent = True
    keeps_total = True

    def arguments(self, rel: RelationshipPlan, binding: Binding) -> Arguments:
        return binding.arguments_at(*rel.paths)

    def load_objects(
        self, mode: ObjectLoading, rel: RelationshipPlan, parents: Sequence[Any]
    ) -> list[Any]:
        return mode.batch(rel, parents, self.arguments(rel, mode.binding), self.keeps_total)
