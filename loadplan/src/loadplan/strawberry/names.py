"""The names of the GraphQL types loadplan generates, chosen per schema.

loadplan declares types a schema never writes itself: the ``Ordering`` enum,
one ``<Scalar>Comparison`` input per scalar, ``<Type>Filter`` and
``<Type>Order`` per model type, and the pagination types (``PageInfo``,
``Edge``, ``Connection``, ``OffsetPageInfo``, ``OffsetPage``, the generic ones
named after their node type as ``<Type>Connection``). A schema may have a type
of its own under one of these names (strawberry-django's ``Ordering``,
strawberry's relay ``PageInfo``), and Strawberry refuses two types of one
name. The generated types are declared once per process, so their names are
not fixed when they are declared but when a schema is built, by the schema's
name converter: :class:`NameConverter` renames the generated types, and only
them, so each schema picks names that cannot meet its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.schema.name_converter import NameConverter as StrawberryNameConverter

if TYPE_CHECKING:
    # Annotations only: strawberry-graphql has renamed its enum definition
    # across the versions loadplan supports.
    from strawberry.types.base import StrawberryObjectDefinition
    from strawberry.types.enum import StrawberryEnumDefinition

T = TypeVar("T")

_generated: set[type[Any]] = set()


def generated(cls: T) -> T:
    """Mark a class loadplan declares as a generated type (its name is loadplan's)."""
    _generated.add(cls)  # type: ignore[arg-type]
    return cls


def _is_generated(definition: StrawberryObjectDefinition) -> bool:
    """Whether ``definition`` is a generated type, or a generated generic
    type specialised for a node type (``Connection[IssueType]``)."""
    origins = [definition.origin]
    if definition.concrete_of is not None:
        origins.append(definition.concrete_of.origin)
    return any(origin in _generated for origin in origins)


class NameConverter(StrawberryNameConverter):
    """A Strawberry name converter that renames the types loadplan generates:
    ``names`` maps a generated name (``"Ordering"``, ``"IssueTypeFilter"``)
    to the name to use instead; every other generated name gets ``prefix``
    in front. A schema's own types keep their names. Pass it as
    ``strawberry.Schema(config=StrawberryConfig(name_converter=...))``;
    subclass it to convert names further."""

    def __init__(
        self,
        prefix: str = "",
        names: Mapping[str, str] | None = None,
        *,
        auto_camel_case: bool = True,
    ) -> None:
        super().__init__(auto_camel_case=auto_camel_case)
        self.prefix = prefix
        self.names = dict(names or {})

    def generated_name(self, name: str) -> str:
        """The name a generated type named ``name`` by default has in this schema."""
        return self.names.get(name, self.prefix + name)

    def from_object(self, object_type: StrawberryObjectDefinition) -> str:
        name = super().from_object(object_type)
        return self.generated_name(name) if _is_generated(object_type) else name

    def from_enum(self, enum: StrawberryEnumDefinition) -> str:
        name = super().from_enum(enum)
        return self.generated_name(name) if enum.wrapped_cls in _generated else name
