"""loadplan: plans SQLAlchemy loading from what a client asked for.

A selection (built by a front end from a GraphQL query or a response model)
becomes a plan (pure data, cached per shape), which becomes loader options on
any ``Select``: a request then costs a fixed number of statements whatever its
size, and whatever the plan did not load raises instead of quietly querying.
"""

from loadplan._version import __version__ as __version__
from loadplan.core import Plan, RootStatement, configure, plan
from loadplan.errors import LoadplanError, PlanError, UnplannedLoadWarning
from loadplan.execution.binding import Strict
from loadplan.expressions import Computed, count, exists
from loadplan.hints import Hints, hint
from loadplan.loaded import Loaded, Mode, Paging
from loadplan.planner import PlanSettings, clear_plan_cache
from loadplan.plans import EntityPlan, ExpressionLoad, RelationshipPlan, Strategy
from loadplan.projections import column_list, column_map
from loadplan.properties import cached_model_property, model_property
from loadplan.rules import Rule, Rules
from loadplan.selection import (
    Arguments,
    Connective,
    Filter,
    FilterGroup,
    NullsPlacement,
    Operator,
    Order,
    Seek,
    Selection,
)
from loadplan.state import clear_caches
from loadplan.storage import related, total_count, value

__all__ = [
    "Arguments",
    "Computed",
    "Connective",
    "EntityPlan",
    "ExpressionLoad",
    "Filter",
    "FilterGroup",
    "Hints",
    "Loaded",
    "LoadplanError",
    "Mode",
    "NullsPlacement",
    "Operator",
    "Order",
    "Paging",
    "Plan",
    "PlanError",
    "PlanSettings",
    "RelationshipPlan",
    "RootStatement",
    "Rule",
    "Rules",
    "Seek",
    "Selection",
    "Strategy",
    "Strict",
    "UnplannedLoadWarning",
    "cached_model_property",
    "clear_caches",
    "clear_plan_cache",
    "column_list",
    "column_map",
    "configure",
    "count",
    "exists",
    "hint",
    "model_property",
    "plan",
    "related",
    "total_count",
    "value",
]
