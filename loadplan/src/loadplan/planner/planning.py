"""What every planning pass receives besides the plan it rewrites."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from loadplan.plans import EntityPlan
from loadplan.selection import Selection

__all__ = ["Pass", "PlanSettings", "Planning"]


@dataclass(frozen=True)
class PlanSettings:
    """Switches for each optimization, all on by default, applied at planning.

    Turning one off falls back to SQLAlchemy's default for that part:
    ``only`` off loads every column, ``joined`` off loads to-ones with a
    separate batched statement, ``selectin`` off leaves collections to lazy
    loading (strict mode must then be off), ``expressions`` off skips
    computed fields.
    ``batch_size`` is the number of parents one batched statement serves
    (SQLAlchemy's selectinload defaults to 500; a whole-project grid has tens
    of thousands of tasks). It stays under the bind-parameter limits of SQLite
    (32,766) and PostgreSQL (65,535).
    """

    only: bool = True
    joined: bool = True
    selectin: bool = True
    expressions: bool = True
    batch_size: int = 30_000


@dataclass(frozen=True)
class Planning:
    """The selection a plan is made from, the request context (hints may
    compute their paths from it) and the settings."""

    selection: Selection
    context: Any
    settings: PlanSettings


Pass = Callable[[EntityPlan, Planning], EntityPlan]
"""One planning step: a plan in, a plan out (see :mod:`loadplan.planner`)."""
