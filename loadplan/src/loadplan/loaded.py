"""What a front end asks of a plan's execution, and what it gets back.

``Plan.fetch`` (and ``Plan.afetch``) is the one way a plan runs: a front end
says which mode it wants (:data:`Mode`), how the root list is paged
(:class:`Paging`) and whether it needs the total, and reads a
:class:`Loaded`. Whatever was loaded below the items is kept on them by one
rule in both modes (:mod:`loadplan.storage`) and read with
:func:`loadplan.related`, :func:`loadplan.total_count` and
:func:`loadplan.value`, which take an object or a row alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement

from loadplan.documents import DOCUMENT_KEY

__all__ = ["Loaded", "Mode", "Paging", "Ran"]

Mode = Literal["auto", "rows", "orm", "json"]
"""How a plan may run: ``rows`` (plain rows as dicts, no ORM object), ``orm``
(ORM objects), ``json`` (each item's JSON text built by the database, for a
plan given a :class:`~loadplan.documents.Document`; refused with a
:class:`~loadplan.errors.PlanError` where the plan is not eligible),
``auto`` (the JSON mode where the plan has a document and is eligible, else
rows whenever nothing below needs objects; the plan decides)."""
#: The mode that ran.
Ran = Literal["rows", "orm", "json"]


@dataclass(frozen=True)
class Paging:
    """How a root list is paged beyond the plan's own root arguments: ordered
    by the statement's (or the arguments') order, then by the primary key, so
    that pages are stable; ``limit`` rows after ``offset`` rows, or after the
    rows ``after`` excludes (a keyset condition). A limited fetch reads one
    row more to tell whether another page follows (:attr:`Loaded.more`)."""

    limit: int | None = None
    offset: int = 0
    after: ColumnElement[bool] | None = None


@dataclass(frozen=True)
class Loaded:
    """The result of a fetch: ``items`` (row dicts in the row mode, ORM
    objects in the ORM mode, in the JSON mode dicts of the root's primary
    key and the columns its order names (what cursors read) with the
    item's JSON text under ``DOCUMENT_KEY``, see :attr:`documents`;
    in the statement's order), the ``mode`` that
    ran, the ``total`` of the list without its page (when asked for), and
    whether another page follows (``more``, with a limited :class:`Paging`)."""

    items: list[Any]
    mode: Ran
    total: int | None = None
    more: bool = False

    @property
    def documents(self) -> list[str]:
        """The JSON mode's items as their JSON texts."""
        return [item[DOCUMENT_KEY] for item in self.items]

    @property
    def first(self) -> Any:
        """The first item, or ``None`` when nothing was loaded."""
        return self.items[0] if self.items else None
