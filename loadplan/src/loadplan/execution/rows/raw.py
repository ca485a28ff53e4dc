"""A row-mode statement's columns fetched as plain tuples.

Executed through the session (so that ``do_orm_execute`` hooks such as a
soft-delete filter still apply), a statement of plain columns is loaded the
ORM way: every row rebuilt column by column, one Python call per value, then
wrapped in a :class:`~sqlalchemy.engine.Row`. On a whole grid (tens of
thousands of rows of ten columns) that costs more than the driver's own
work. Selecting the columns as one :class:`RawRows` bundle makes each row one
C-level ``itemgetter`` call over the driver's processed tuple, and
``.scalars()`` hands those tuples over without a ``Row`` around them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Bundle

__all__ = ["RawRows"]


class RawRows(Bundle[tuple[Any, ...]]):
    """All of a statement's columns as one entity whose values are tuples."""

    single_entity = True

    def create_row_processor(
        self, query: Any, procs: Sequence[Callable[[Any], Any]], labels: Sequence[str]
    ) -> Callable[[Any], Any]:
        # The ORM's column getters read positions: a probe tells which, so
        # that one itemgetter reads them all at once.
        positions = [proc(range(len(procs) + 1_000)) for proc in procs]
        if len(positions) > 1 and all(type(p) is int for p in positions):
            return itemgetter(*positions)
        return super().create_row_processor(query, procs, labels)
