"""The JSON mode: each root row's response JSON built by the database.

Once N+1 is gone, what is left of a request's time is Python per row and
per field: building objects or dicts, then writing them. The JSON mode
compiles a plan and a :class:`~loadplan.documents.Document` (the JSON a
front end writes for each item) into one statement whose rows carry each
item's JSON text, with the exact bytes the other modes write; a REST
front end writes those texts as the body.

``layout.py`` matches a document to a plan and decides eligibility,
``values.py`` writes each scalar type per dialect, ``text.py`` the SQL of
JSON text (``mariadb.py`` MariaDB's), ``statement.py`` the statement, and
:func:`load_documents` runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import Select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from loadplan.documents import DOCUMENT_KEY, MISSING, Document
from loadplan.execution.binding import Binding
from loadplan.execution.json.errors import Incomplete, NotEligible
from loadplan.execution.json.layout import layout_of
from loadplan.execution.json.statement import document_statement, key_columns
from loadplan.plans import EntityPlan

__all__ = ["Incomplete", "NotEligible", "layout_of", "load_documents"]


def load_documents(
    session: Session,
    root: EntityPlan,
    binding: Binding,
    document: Document,
    stmt: Callable[[], Select[Any]],
    entity: Any,
    key: Hashable | None = None,
) -> list[dict[str, Any]]:
    """The statement ``stmt`` builds (restricted and paged by the plan)
    answered as one dict per root row: its key columns (see
    :func:`key_columns`), and its JSON text under ``DOCUMENT_KEY``. With a
    ``key`` (see :func:`document_statement`) ``stmt`` is built only when
    no statement is kept for it."""
    dialect = session.get_bind(root.cls).dialect
    layout = layout_of(root, document, dialect)
    statement = document_statement(layout, binding, stmt, entity, dialect, key)
    fields = (*key_columns(root, binding), DOCUMENT_KEY)
    items: list[dict[str, Any]] = []
    try:
        rows = session.execute(statement)
    except OperationalError as error:
        # SQLite's parser has a fixed stack (100 entries in most builds):
        # lists and to-ones nested a few levels deep overflow it, before
        # anything ran.
        if dialect.name == "sqlite" and "parser stack overflow" in str(error.orig):
            raise NotEligible("the statement nests deeper than SQLite's parser reads") from None
        raise
    for row in rows:
        text = row[-1]
        if text is None or MISSING in text:
            # NULL: MariaDB's text longer than its max_allowed_packet.
            raise Incomplete("an item lacks a value its document requires")
        # The text is selected last, so that a row is its item's values in order.
        items.append(dict(zip(fields, row, strict=True)))
    return items
