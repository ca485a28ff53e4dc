"""The JSON a front end writes for each item of a plan, described as data.

The JSON mode (:mod:`loadplan.execution.json`) builds each item's JSON in
the database; it has to know the keys, their order and the form of every
value, which the plan (attributes to load) does not say. A front end that
writes JSON describes it once per response type as a :class:`Document`
(the REST front end derives one from a response model) and hands it to
:meth:`loadplan.Plan.with_document`. A document names plan attributes only:
a field that is not a column, a computed expression or a relationship of
the plan makes the plan ineligible for the JSON mode, never wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DOCUMENT_KEY", "MISSING", "PLAIN", "Document", "Fixed", "Form", "Nested", "Value"]

MISSING = "\x01"
"""What the JSON mode writes for a value a document requires (not
nullable) that is NULL: a raw control character, which no JSON text holds
(they are escaped in strings). The other modes refuse such a value (the
response model's validation fails), so an item holding it is answered by
the row mode instead, as it would have been."""

DOCUMENT_KEY = "__document__"
"""Where an item of the JSON mode holds its JSON text (beside the root's
columns, which a front end reads for cursors)."""


@dataclass(frozen=True)
class Form:
    """How a front end writes values where it differs from the REST front
    end's orjson bytes (GraphQL's serializers): ``text``, an integer written
    as a JSON string of its digits (GraphQL's ``ID``); ``bounds``, the
    integers it can write at all (GraphQL's 32-bit ``Int``: any other is a
    field error, so an item holding one is left to the other modes, as
    ``MISSING`` is); ``utc``, what follows a UTC datetime (``Z``, or
    ``+00:00`` as ``datetime.isoformat`` writes); ``labels``, an enum's
    members as the names written instead of their values."""

    text: bool = False
    bounds: tuple[int, int] | None = None
    utc: str = "Z"
    labels: tuple[tuple[Any, str], ...] | None = None


PLAIN = Form()
"""The REST front end's form: orjson's bytes."""


@dataclass(frozen=True)
class Value:
    """A value written under ``key``: the value at ``path`` (an attribute of
    the entity, or through to-one relationships), of Python type ``kind``
    (``int``, ``str``, ``bool``, ``datetime.date``, ``datetime.datetime``,
    an ``Enum`` written as its value; or ``list`` or ``dict``, with string
    keys, of ``items``: a declared projection; or ``object``, a declared
    projection written as it is, list or map as declared, its items of the
    type their column holds), ``None`` written as ``null``
    when ``nullable``, in the ``form`` the front end writes."""

    key: str
    path: tuple[str, ...]
    kind: type
    nullable: bool = False
    items: type | None = None
    form: Form = PLAIN


@dataclass(frozen=True)
class Fixed:
    """The same JSON ``text`` written under ``key`` for every item (GraphQL's
    ``__typename`` of an object type)."""

    key: str
    text: str


@dataclass(frozen=True)
class Nested:
    """A related row (an object or ``null``) or list of rows (``many``)
    written under ``key``: the relationship at the end of ``path``, each row
    written as ``document``; ``alias``: the response key it was selected
    under, when that is not its name (a variant with arguments of its own,
    see :func:`loadplan.related`); a single row that is not ``nullable``
    must be there."""

    key: str
    path: tuple[str, ...]
    document: Document
    many: bool
    alias: str | None = None
    nullable: bool = True


@dataclass(frozen=True)
class Document:
    """An item's JSON object: its fields in the order they are written."""

    fields: tuple[Value | Nested | Fixed, ...]
