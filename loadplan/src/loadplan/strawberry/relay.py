"""Relay's ``node(id:)`` and ``nodes(ids:)`` root fields, resolved through a plan.

A type declared with ``@type(Model)`` that implements ``strawberry.relay.Node``
exposes ``id: GlobalID!`` (base64 of ``"TypeName:key"``). The fields made
here return a :class:`NodeLookup` naming the objects asked for; the
extension groups the ids by type and loads each type's objects with one
planned statement (the selection below the field, on that type), so a node
with nested lists costs what the same selection costs on a root list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError, GraphQLObjectType
from sqlalchemy import ColumnElement, inspect
from strawberry import relay

from loadplan.strawberry.registry import model_of_type
from loadplan.strawberry.types import relay_key


@dataclass(frozen=True)
class NodeLookup:
    """What a ``node`` or ``nodes`` field asks for: its GlobalIDs in the
    order asked, answered by the extension."""

    ids: tuple[relay.GlobalID, ...]
    is_list: bool


def node_class(schema: Any, type_name: str) -> tuple[GraphQLObjectType, type[Any]]:
    """The object type a GlobalID names and its model; a GraphQL error when
    it names no loadplan type implementing ``Node``."""
    graphql_type = schema.get_type(type_name)
    node = schema.get_type("Node")
    model = model_of_type(graphql_type) if graphql_type is not None else None
    if (
        not isinstance(graphql_type, GraphQLObjectType)
        or model is None
        or node is None
        or not schema.is_sub_type(node, graphql_type)
    ):
        raise GraphQLError(f"{type_name} is not a Node type")
    return graphql_type, model


def own_rows(schema: Any, model: type[Any]) -> ColumnElement[bool] | None:
    """The condition keeping only the rows of ``model`` that are its node
    type's own, or ``None`` when every row is.

    A row of a polymorphic model whose class (or a nearer base of it) has a
    Node type of its own is that type's node: its id names that type. So
    ``PlainProjectNode:2``, where project 2 is an art project, names no node
    and is answered ``null``, in both modes, as ``ArtProjectNode:1`` is where
    project 1 is a plain one. The condition is the identities whose nearest
    Node model is ``model``, on the mapper's discriminator (a column or an
    SQL expression)."""
    mapper = inspect(model)
    if mapper.polymorphic_on is None:
        return None
    node = schema.get_type("Node")
    node_models = {model_of_type(t) for t in schema.get_possible_types(node)}
    identities = [
        sub.polymorphic_identity
        for sub in mapper.self_and_descendants
        if next(c for c in sub.class_.__mro__ if c in node_models or c is model) is model
    ]
    if len(identities) == len(mapper.self_and_descendants):
        return None
    condition: ColumnElement[bool] = mapper.polymorphic_on.in_(identities)
    return condition


def node_keys(model: type[Any], ids: list[relay.GlobalID]) -> list[Any]:
    """The primary key values of ``ids``, of the key column's Python type;
    an id that cannot be one is a GraphQL error, not a database error."""
    key = relay_key(model)
    column = inspect(model).attrs[key].columns[0]
    python_type = column.type.python_type
    keys: list[Any] = []
    for global_id in ids:
        try:
            keys.append(python_type(global_id.node_id))
        except (TypeError, ValueError) as error:
            raise GraphQLError(
                f"{global_id.node_id!r} is not an id of {global_id.type_name}"
            ) from error
    return keys


def _global_id(text: str) -> relay.GlobalID:
    """``text`` read as a GlobalID; a GraphQL error naming it when it is not
    one. The arguments take ``ID`` and are read here, not by Strawberry's
    ``GlobalID`` scalar, whose error for a malformed id depends on its
    version (older ones let base64's own "Incorrect padding" through)."""
    try:
        return relay.GlobalID.from_id(text)
    except ValueError as error:
        raise GraphQLError(f"{text!r} is not a GlobalID") from error


def _node(text: Annotated[strawberry.ID, strawberry.argument(name="id")]) -> Any:
    return NodeLookup((_global_id(text),), is_list=False)


def _nodes(texts: Annotated[list[strawberry.ID], strawberry.argument(name="ids")]) -> Any:
    return NodeLookup(tuple(_global_id(text) for text in texts), is_list=True)


def node(*, name: str | None = None, description: str | None = None) -> Any:
    """Relay's ``node(id: ID!): Node``: the object, ``null`` for an
    unknown id, a GraphQL error for an id naming a type that is not a node."""
    return strawberry.field(
        resolver=_node, name=name, description=description, graphql_type=relay.Node | None
    )


def nodes(*, name: str | None = None, description: str | None = None) -> Any:
    """Relay's ``nodes(ids: [ID!]!): [Node]!``: the objects in the order
    asked, ``null`` where an id is unknown; one statement per type asked."""
    return strawberry.field(
        resolver=_nodes,
        name=name,
        description=description,
        graphql_type=list[relay.Node | None],
    )


__all__ = ["NodeLookup", "node", "nodes"]
