"""Generated type names never clash with a schema's own: a schema that
declares a type under every name loadplan generates (``Ordering``, the
comparisons, ``<Type>Filter``, ``<Type>Order``, the pagination types) builds
with :class:`loadplan.strawberry.NameConverter`, which renames only the
generated types, and answers alike in both modes."""

from __future__ import annotations

import enum
import json
from typing import Annotated, Any, Union

import pytest
import strawberry
from sqlalchemy import Engine, select
from strawberry.exceptions import DuplicatedTypeName
from strawberry.schema.config import StrawberryConfig

import loadplan.strawberry as lp
from tests.loadplan.conftest import execute_without_errors
from tests.loadplan.parity import models as m
from tests.loadplan.parity.schema import (
    ArtProjectType,
    CompanyType,
    IssueType,
    MilestoneType,
    PlainProjectType,
    ProjectInterface,
    ResearchProjectType,
)
from tests.loadplan.parity.test_defects import ORM

GENERATED = [
    "CompanyTypeFilter",
    "CompanyTypeNullableFilter",
    "CompanyTypeOrder",
    "IDComparison",
    "IntComparison",
    "IssueTypeConnection",
    "IssueTypeEdge",
    "IssueTypeFilter",
    "IssueTypeOffsetPage",
    "IssueTypeOrder",
    "MilestoneTypeFilter",
    "MilestoneTypeOrder",
    "OffsetPageInfo",
    "Ordering",
    "PageInfo",
    "ProjectInterfaceFilter",
    "ProjectInterfaceOrder",
    "StringComparison",
]
"""The names loadplan generates for the parity schema."""


@strawberry.enum
class Ordering(enum.Enum):
    """The schema's own ``Ordering``, strawberry-django's."""

    ASC = "ASC"
    DESC = "DESC"


def _own_type(name: str) -> type[Any]:
    return strawberry.type(type(name, (), {"__annotations__": {"name": str}}), name=name)


OWN_TYPES = [_own_type(name) for name in GENERATED if name != "Ordering"]
"""An object type of the schema's own under each other generated name."""

OwnType = Annotated[Union[tuple(OWN_TYPES)], strawberry.union("OwnType")]  # noqa: UP007


@strawberry.type
class Own:
    ordering: Ordering
    types: list[OwnType]  # type: ignore[valid-type]


@strawberry.type
class Query:
    companies: list[CompanyType] = lp.field()
    projects: list[ProjectInterface] = lp.field()
    issues: list[IssueType] = lp.field()
    issue_connection: lp.Connection[IssueType] = lp.connection()
    issue_page: lp.OffsetPage[IssueType] = lp.offset_page()

    @strawberry.field
    def own(self, ordering: Ordering) -> Own:
        return Own(ordering=ordering, types=[cls(name=cls.__name__) for cls in OWN_TYPES])

    @strawberry.field
    def milestone(self, id: strawberry.ID) -> MilestoneType | None:
        return select(m.Milestone).where(m.Milestone.id == int(id))  # type: ignore[return-value]


def named_schema(converter: lp.NameConverter | None, *, rows: bool = False) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[PlainProjectType, ArtProjectType, ResearchProjectType],
        extensions=[lp.OptimizerExtension.with_options(rows=rows, json="off")],
        execution_context_class=lp.RowExecutionContext if rows else None,
        config=StrawberryConfig(name_converter=converter) if converter is not None else None,
    )


PREFIXED = named_schema(lp.NameConverter(prefix="Lp"))
PREFIXED_ROWS = named_schema(lp.NameConverter(prefix="Lp"), rows=True)


def test_without_a_converter_strawberry_refuses_the_schema() -> None:
    with pytest.raises(DuplicatedTypeName, match="Ordering"):
        named_schema(None)


def test_the_default_converter_keeps_the_default_names() -> None:
    default = strawberry.Schema(
        query=ORM.query,
        types=[PlainProjectType, ArtProjectType, ResearchProjectType],
        config=StrawberryConfig(name_converter=lp.NameConverter()),
    )
    assert str(default) == str(ORM)


def test_a_prefix_renames_every_generated_type_and_only_them() -> None:
    names = set(PREFIXED._schema.type_map)
    assert sorted(name for name in names if name.startswith("Lp")) == [
        f"Lp{name}" for name in GENERATED
    ]
    assert names >= set(GENERATED)
    assert str(PREFIXED._schema.get_type("Ordering")) == "Ordering"
    assert list(PREFIXED._schema.get_type("Ordering").values) == ["ASC", "DESC"]
    assert list(PREFIXED._schema.get_type("LpOrdering").values) == [
        "ASC",
        "DESC",
        "ASC_NULLS_FIRST",
        "ASC_NULLS_LAST",
        "DESC_NULLS_FIRST",
        "DESC_NULLS_LAST",
    ]


QUERY = """
query ($filter: LpIssueTypeFilter, $order: [LpIssueTypeOrder!], $ordering: Ordering!) {
  own(ordering: $ordering) { ordering types { __typename } }
  issues(filter: $filter, order: $order) { id }
  issueConnection(first: 2, filter: $filter, order: $order) {
    __typename totalCount pageInfo { __typename hasNextPage }
    edges { __typename node { id } }
  }
  issuePage(limit: 1, order: [{estimate: DESC_NULLS_LAST}, {id: ASC}]) {
    __typename totalCount pageInfo { __typename hasNextPage } results { id estimate }
  }
  milestone(id: 2) { issues(order: $order) { id } }
}
"""
VARIABLES = {
    "filter": {"priority": {"gt": 1}, "name": {"endswith": "5"}},
    "order": [{"priority": "DESC"}, {"id": "ASC_NULLS_LAST"}],
    "ordering": "DESC",
}


def test_renamed_types_answer_in_both_modes(small: Engine, large: Engine) -> None:
    for engine in (small, large):
        data, log = execute_without_errors(engine, PREFIXED, QUERY, VARIABLES)
        log.assert_count(7)
        rows, row_log = execute_without_errors(engine, PREFIXED_ROWS, QUERY, VARIABLES)
        row_log.assert_count(7)
        assert json.dumps(rows) == json.dumps(data)
        large_set = engine is large
        assert data == {
            "own": {
                "ordering": "DESC",
                "types": [{"__typename": name} for name in GENERATED if name != "Ordering"],
            },
            "issues": [
                {"id": id} for id in (["15", "45", "5", "35"] if large_set else ["15", "5"])
            ],
            "issueConnection": {
                "__typename": "LpIssueTypeConnection",
                "totalCount": 4 if large_set else 2,
                "pageInfo": {"__typename": "LpPageInfo", "hasNextPage": large_set},
                "edges": [
                    {"__typename": "LpIssueTypeEdge", "node": {"id": id}}
                    for id in (["15", "45"] if large_set else ["15", "5"])
                ],
            },
            "issuePage": {
                "__typename": "LpIssueTypeOffsetPage",
                "totalCount": 54 if large_set else 18,
                "pageInfo": {"__typename": "LpOffsetPageInfo", "hasNextPage": True},
                "results": [{"id": "3", "estimate": 3}],
            },
            "milestone": {"issues": [{"id": "6"}, {"id": "5"}, {"id": "4"}]},
        }


def test_names_rename_single_types_before_the_prefix(small: Engine) -> None:
    converter = lp.NameConverter(
        prefix="Lp", names={"Ordering": "SortDirection", "IssueTypeFilter": "IssueWhere"}
    )
    for rows in (False, True):
        schema = named_schema(converter, rows=rows)
        assert schema._schema.get_type("LpOrdering") is None
        assert schema._schema.get_type("LpIssueTypeFilter") is None
        data, log = execute_without_errors(
            small,
            schema,
            "query ($filter: IssueWhere, $order: SortDirection) "
            "{ issues(filter: $filter, order: [{priority: $order}, {id: ASC}]) { id } }",
            {"filter": {"priority": {"eq": 5}, "id": {"in": ["3", "6", "7"]}}, "order": "DESC"},
        )
        log.assert_count(1)
        assert data == {"issues": [{"id": "3"}, {"id": "6"}]}
