"""The fast path's leaf serializers give graphql-core's answers, errors included."""

from __future__ import annotations

import decimal
from typing import Any

import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLError,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.execution.executor import Executor
from hypothesis import given
from hypothesis import strategies as st

from loadplan.strawberry.rows import _fast_serializer

VALUES = st.one_of(
    st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 0, True, False]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.decimals(allow_nan=False, places=2, min_value=-100, max_value=100),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


def _outcome(serialize: Any, value: Any) -> tuple[str, Any]:
    try:
        result = serialize(value)
    except (GraphQLError, TypeError) as error:
        return type(error).__name__, str(error)
    return type(result).__name__, result


@pytest.mark.parametrize(
    "leaf", [GraphQLID, GraphQLString, GraphQLInt, GraphQLBoolean, GraphQLFloat]
)
@given(value=VALUES)
def test_fast_serializers_answer_as_complete_leaf_value(leaf: Any, value: Any) -> None:
    def slow(v: Any) -> Any:
        return Executor.complete_leaf_value(leaf, v)

    assert _outcome(_fast_serializer(leaf, slow), value) == _outcome(slow, value)


def test_other_scalars_always_take_complete_leaf_value() -> None:
    custom = GraphQLScalarType("Money", serialize=str)

    def slow(v: Any) -> Any:
        return Executor.complete_leaf_value(custom, v)

    assert _fast_serializer(custom, slow) is slow
    assert _fast_serializer(custom, slow)(decimal.Decimal("1.50")) == "1.50"
