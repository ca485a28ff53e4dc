"""Optimizer hints a field can carry, as in strawberry-django's optimizer.

Hints are immutable: a hint object is shared by every request that selects the
field, so nothing may mutate it once declared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.interfaces import LoaderOption

from loadplan.expressions import Computed, as_computed

__all__ = ["HintPath", "Hints", "hint"]

#: A dotted attribute path, or a callable receiving the request context and
#: returning paths or SQLAlchemy loader options (relative to the hinted entity).
HintPath = str | Callable[[Any], Iterable[str | LoaderOption]]


@dataclass(frozen=True)
class Hints:
    """What a field needs loaded beyond its own attribute.

    ``only``: columns (dotted paths walk to-one relationships);
    ``select_related``: relationships loaded in the same query where possible;
    ``prefetch_related``: relationships loaded with a separate batched query;
    ``annotate``: SQL expressions loaded under a name (see :mod:`loadplan.expressions`);
    ``criteria``: callables ``(cls, context) -> SQL condition`` restricting the
    rows of the hinted entity wherever it is loaded (which forbids joining it).
    """

    only: tuple[HintPath, ...] = ()
    select_related: tuple[HintPath, ...] = ()
    prefetch_related: tuple[HintPath, ...] = ()
    annotate: tuple[tuple[str, Computed], ...] = ()
    criteria: tuple[Callable[[type[Any], Any], Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.only
            or self.select_related
            or self.prefetch_related
            or self.annotate
            or self.criteria
        )

    @property
    def dynamic(self) -> bool:
        """Whether the loaded paths depend on the request (callables)."""
        return any(
            callable(item) for item in (*self.only, *self.select_related, *self.prefetch_related)
        )

    def merge(self, other: Hints | None) -> Hints:
        if not other:
            return self
        return Hints(
            only=self.only + other.only,
            select_related=self.select_related + other.select_related,
            prefetch_related=self.prefetch_related + other.prefetch_related,
            annotate=self.annotate + other.annotate,
            criteria=self.criteria + other.criteria,
        )


def _paths(value: HintPath | Iterable[HintPath] | None) -> tuple[HintPath, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or callable(value):
        return (value,)
    return tuple(value)


def _annotations(
    value: Mapping[str, Any] | Any | None, default_name: str = ""
) -> tuple[tuple[str, Computed], ...]:
    """Normalise ``annotate=``: a ``{name: expression}`` mapping, or one expression
    (or callable) loaded under the field's own name (``""`` until the planner
    knows which field carries the hint)."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple((name, as_computed(expr)) for name, expr in value.items())
    return ((default_name, as_computed(value)),)


def hint(
    *,
    only: HintPath | Iterable[HintPath] | None = None,
    select_related: HintPath | Iterable[HintPath] | None = None,
    prefetch_related: HintPath | Iterable[HintPath] | None = None,
    annotate: Mapping[str, Any] | Any | None = None,
    criteria: Iterable[Callable[[type[Any], Any], Any]] = (),
) -> Hints:
    """Build :class:`Hints`. ``annotate`` may be a single expression, loaded under
    the name of the field that carries the hint (``Annotated[int, hint(...)]``)."""
    return Hints(
        only=_paths(only),
        select_related=_paths(select_related),
        prefetch_related=_paths(prefetch_related),
        annotate=_annotations(annotate),
        criteria=tuple(criteria),
    )
