"""A Pydantic response model as the :class:`~loadplan.documents.Document` it writes.

The REST front end writes a row-mode item with its row writer
(:mod:`loadplan.row_json`), whose bytes are the model's own. A model whose
row writer exists and whose fields are all plain values (``int``, ``str``,
``bool``, dates, datetimes, enums, optional or not), nested models and
lists of nested models is described here as a document, so that the JSON
mode can write the same bytes in the database. Any other model has no
document (``None``) and runs in the other modes.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any

from pydantic import BaseModel

from loadplan.documents import Document, Nested, Value
from loadplan.hints import Hints
from loadplan.pydantic import attribute_path
from loadplan.row_json import row_writer
from loadplan.state import Memo

__all__ = ["document_of"]

_KINDS: tuple[type[Any], ...] = (int, str, bool, dt.date, dt.datetime)
_ITEMS: tuple[type[Any], ...] = (int, str)
"""What the lists and maps of declared projections may hold: their values
travel as JSON in the other modes, which gives these back as they were."""


class _Unsupported(Exception):
    pass


_documents: Memo[Any, Document | None] = Memo("response model documents")


def document_of(response_type: Any) -> Document | None:
    """The document ``response_type`` writes, or ``None``. Built once."""
    return _documents.get(response_type, lambda: _document_or_none(response_type))


def _document_or_none(response_type: Any) -> Document | None:
    if not (isinstance(response_type, type) and issubclass(response_type, BaseModel)):
        return None
    if row_writer(response_type) is None:
        return None
    try:
        return _document(response_type)
    except _Unsupported:
        return None


def _document(model: type[BaseModel]) -> Document:
    fields: list[Value | Nested] = []
    for name, info in model.model_fields.items():
        key = info.serialization_alias or info.alias or name
        path = attribute_path(name, info)
        annotation, nullable = _optional(_without_hints(info.annotation))
        origin = typing.get_origin(annotation)
        if origin is list:
            (item,) = typing.get_args(annotation)
            item = _without_hints(item)
            if item in _ITEMS and not nullable:
                fields.append(Value(key, path, list, items=item))
                continue
            if nullable or not _is_model(item):
                raise _Unsupported
            fields.append(Nested(key, path, _document(item), many=True))
        elif origin is dict:
            key_type, item = typing.get_args(annotation)
            if key_type is not str or item not in _ITEMS or nullable:
                raise _Unsupported
            fields.append(Value(key, path, dict, items=item))
        elif _is_model(annotation):
            fields.append(Nested(key, path, _document(annotation), many=False, nullable=nullable))
        elif annotation in _KINDS or (
            isinstance(annotation, type) and issubclass(annotation, enum.Enum)
        ):
            # Read through a to-one that is not there, a field without a
            # default fails the model's validation: the JSON mode must not
            # write it as null (see MISSING).
            through = len(path) > 1 and info.is_required()
            fields.append(Value(key, path, annotation, nullable and not through))
        else:
            raise _Unsupported
    return Document(tuple(fields))


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _optional(annotation: Any) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        present = [m for m in members if m is not type(None)]
        if len(present) != 1:
            raise _Unsupported
        return _without_hints(present[0]), len(present) < len(members)
    return annotation, False


def _without_hints(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        if any(not isinstance(m, Hints) for m in metadata):
            raise _Unsupported
        annotation = inner
    return annotation
