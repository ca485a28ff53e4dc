"""The session hook that finishes a planned statement.

One ``do_orm_execute`` listener on the :class:`~sqlalchemy.orm.Session` class
(so sync and async sessions alike, with no setup): after a statement carrying a
plan returns, it runs the plan's windowed loads on the loaded objects; in
``warn`` mode it reports lazy loads of objects that a plan loaded.
"""

from __future__ import annotations

import warnings
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session, UserDefinedOption

from loadplan.errors import UnplannedLoadWarning
from loadplan.execution.binding import Binding
from loadplan.execution.orm import ObjectLoader
from loadplan.plans import EntityPlan

PLAN_OPTION = "loadplan"


class PlannedMarker(UserDefinedOption):
    """Travels with objects a plan loaded into their lazy loads (``warn`` mode)."""

    propagate_to_loaders = True


def _warn_unplanned(state: ORMExecuteState) -> None:
    if not any(isinstance(o, PlannedMarker) for o in state.user_defined_options):
        return
    source = state.lazy_loaded_from
    what = "a lazy load" if source is not None else "a column load"
    mapper = source.mapper if source is not None else state.bind_mapper
    owner = mapper.class_.__name__ if mapper is not None else "an object"
    warnings.warn(
        UnplannedLoadWarning(f"{what} of {owner} that the plan did not load: {state.statement}"),
        stacklevel=6,
    )


@event.listens_for(Session, "do_orm_execute")
def _finish_planned_statement(state: ORMExecuteState) -> Result[Any] | None:
    if not state.is_select:
        return None
    if state.lazy_loaded_from is not None or state.is_column_load:
        _warn_unplanned(state)
        return None
    if state.is_relationship_load:
        return None
    planned: tuple[EntityPlan, Binding] | None = state.execution_options.get(PLAN_OPTION)
    if planned is None:
        return None
    plan, binding = planned
    frozen = state.invoke_statement().freeze()
    objects = [row[0] for row in frozen().all() if isinstance(row[0], plan.cls)]
    if objects:
        ObjectLoader(state.session, binding).after(list(dict.fromkeys(objects)), plan)
    return frozen()
