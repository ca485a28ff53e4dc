"""loadplan for GraphQL: Strawberry types bound to SQLAlchemy models, and an
extension that plans every ``Select`` a resolver returns.

The SQLAlchemy counterpart of strawberry-django's optimizer: ``@type(Model)``
and ``@interface(Model)`` derive fields from the model, ``field`` carries
optimizer hints, ``connection`` and ``offset_page`` paginate per parent, and
``OptimizerExtension`` turns a request into a fixed number of statements.
"""

from loadplan.strawberry.definitions import FieldSpec, default_session_getter
from loadplan.strawberry.extension import OptimizerExtension
from loadplan.strawberry.fields import connection, field, offset_page
from loadplan.strawberry.filters import Ordering
from loadplan.strawberry.names import NameConverter
from loadplan.strawberry.pagination import Connection, Edge, OffsetPage, OffsetPageInfo, PageInfo
from loadplan.strawberry.relay import node, nodes
from loadplan.strawberry.rows import RowExecutionContext, RowsResult
from loadplan.strawberry.types import interface
from loadplan.strawberry.types import object_type as type

__all__ = [
    "Connection",
    "Edge",
    "FieldSpec",
    "NameConverter",
    "OffsetPage",
    "OffsetPageInfo",
    "OptimizerExtension",
    "Ordering",
    "PageInfo",
    "RowExecutionContext",
    "RowsResult",
    "connection",
    "default_session_getter",
    "field",
    "interface",
    "node",
    "nodes",
    "offset_page",
    "type",
]
