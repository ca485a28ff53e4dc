"""Row-mode dicts written as a Pydantic response model's JSON, without the model.

Validating a Pydantic model per row costs more than reading the rows; for a
response model whose fields are plain data (scalars, dates, decimals, UUIDs,
enums, literals, optionals, lists and dicts of those, nested models, unions
told apart by a literal field) the dicts can be reshaped into the model's
output keys and handed to orjson, which formats those types exactly as
pydantic-core does (``OPT_UTC_Z``; decimals through ``str``).

Exactness is kept by refusing what could make the two differ: a model with
validators, serializers, computed fields, constraints or output-changing
config has no writer (:func:`row_writer` returns ``None``), and a value whose
Python type is not the field's (an int for a float, a null for a required
field) raises :class:`Unwritable` while writing, so that the caller falls
back to validating with the model, which then answers as it always would.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from loadplan.hints import Hints
from loadplan.pydantic import attribute_path
from loadplan.state import Memo
from loadplan.storage import SIDE_PREFIX

__all__ = ["Unwritable", "Writer", "dumps", "row_writer"]

Writer = Callable[[Any], Any]
"""Turns a row dict (or a list of them) into what orjson dumps as the model's JSON."""


class Unwritable(Exception):
    """A value the writer cannot reproduce exactly: validate with the model instead."""


_SCALARS: tuple[type[Any], ...] = (
    str,
    int,
    float,
    bool,
    dt.datetime,
    dt.date,
    decimal.Decimal,
    uuid.UUID,
)
# Config keys that do not change what a valid model dumps.
_NEUTRAL_CONFIG = frozenset(
    {
        "from_attributes",
        "populate_by_name",
        "validate_by_name",
        "validate_by_alias",
        "serialize_by_alias",
        "title",
        "extra",
        "frozen",
        "strict",
        "json_schema_extra",
        "json_schema_mode_override",
        "protected_namespaces",
        "use_attribute_docstrings",
        "alias_generator",
        "defer_build",
        "revalidate_instances",
        "validate_default",
        "validate_assignment",
        "arbitrary_types_allowed",
        "loc_by_alias",
    }
)
_MISSING = object()


def dumps(value: Any) -> bytes:
    """JSON bytes as pydantic-core writes them for the types writers accept;
    raises :class:`Unwritable` for a value orjson cannot write (a 64-bit
    overflow, a lone surrogate)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_UTC_Z, default=_default)
    except TypeError as error:
        raise Unwritable(str(error)) from error


def _default(value: Any) -> str:
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


_writers: Memo[Any, Writer | None] = Memo("row writers")


def row_writer(response_type: Any) -> Writer | None:
    """The writer of ``response_type`` (a model or a union of models), or
    ``None`` when one could differ from the model's own output. Built once."""
    return _writers.get(response_type, lambda: _writer_or_none(response_type))


def _writer_or_none(response_type: Any) -> Writer | None:
    try:
        return _type_writer(response_type, None)
    except _Unsupported:
        return None


class _Unsupported(Exception):
    pass


def _type_writer(annotation: Any, info: FieldInfo | None) -> Writer:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        if any(not isinstance(m, Hints | FieldInfo) for m in metadata):
            raise _Unsupported
        field_infos = [m for m in metadata if isinstance(m, FieldInfo)]
        return _type_writer(inner, field_infos[0] if field_infos else info)
    if origin in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        present = [m for m in members if m is not type(None)]
        if len(present) < len(members):
            inner = present[0] if len(present) == 1 else typing.Union[tuple(present)]  # noqa: UP007
            return _optional(_type_writer(inner, info))
        return _union_writer(present, info)
    if origin is list:
        (item,) = typing.get_args(annotation)
        kind = _unchecked_scalar(item)
        if kind is not None:
            return _plain_list_writer(kind)
        return _list_writer(_type_writer(item, None))
    if origin is dict:
        key, value = typing.get_args(annotation)
        if key is not str:
            raise _Unsupported
        kind = _unchecked_scalar(value)
        if kind is not None:
            return _plain_dict_writer(kind)
        return _dict_writer(_type_writer(value, None))
    if origin is Literal:
        return _literal_writer(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model_writer(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_writer(annotation)
    if annotation is dt.time:
        return _time_writer
    if annotation in _SCALARS:
        return _scalar_writer(annotation)
    raise _Unsupported


def _scalar_writer(kind: type[Any]) -> Writer:
    check = _EXTRA_CHECKS.get(kind)

    def write(value: Any) -> Any:
        if type(value) is not kind or (check is not None and not check(value)):
            raise Unwritable(kind.__name__)
        return value

    return write


def _whole_minutes_offset(value: dt.datetime) -> bool:
    # pydantic-core writes offsets in whole minutes, orjson with seconds.
    if value.tzinfo is dt.UTC:
        return True
    offset = value.utcoffset()
    return offset is None or offset.seconds % 60 == 0


_EXTRA_CHECKS: dict[type[Any], Callable[[Any], bool]] = {
    # pydantic refuses NaN and infinities in a Decimal field.
    decimal.Decimal: lambda value: value.is_finite(),
    dt.datetime: _whole_minutes_offset,
}


def _time_writer(value: Any) -> Any:
    # orjson drops a leading zero of the microseconds (and refuses offsets);
    # isoformat() is what pydantic-core writes for a naive time.
    if type(value) is not dt.time or value.tzinfo is not None:
        raise Unwritable("time")
    return value.isoformat()


def _enum_writer(kind: type[enum.Enum]) -> Writer:
    def write(value: Any) -> Any:
        if type(value) is not kind:
            raise Unwritable(kind.__name__)
        return value.value

    return write


def _literal_writer(allowed: tuple[Any, ...]) -> Writer:
    if any(type(a) not in (str, int, bool) for a in allowed):
        raise _Unsupported
    values = {(type(a), a) for a in allowed}

    def write(value: Any) -> Any:
        if (type(value), value) not in values:
            raise Unwritable(repr(value))
        return value

    return write


def _optional(inner: Writer) -> Writer:
    def write(value: Any) -> Any:
        return None if value is None else inner(value)

    return write


def _list_writer(item: Writer) -> Writer:
    def write(value: Any) -> Any:
        if type(value) is not list:
            raise Unwritable("list")
        return [item(v) for v in value]

    return write


def _plain_list_writer(kind: type[Any]) -> Writer:
    """A list of plain scalars is written as it is, once checked."""

    def write(value: Any) -> Any:
        if type(value) is not list:
            raise Unwritable("list")
        for item in value:
            if type(item) is not kind:
                raise Unwritable(kind.__name__)
        return value

    return write


def _plain_dict_writer(kind: type[Any]) -> Writer:
    """A dict of plain scalars (a grid's status map) is written as it is, once checked."""

    def write(value: Any) -> Any:
        if type(value) is not dict:
            raise Unwritable("dict")
        for key, item in value.items():
            if type(key) is not str or type(item) is not kind:
                raise Unwritable("dict")
        return value

    return write


def _dict_writer(item: Writer) -> Writer:
    def write(value: Any) -> Any:
        if type(value) is not dict:
            raise Unwritable("dict")
        out = {}
        for key, v in value.items():
            if type(key) is not str:
                raise Unwritable("key")
            out[key] = item(v)
        return out

    return write


def _union_writer(members: list[Any], info: FieldInfo | None) -> Writer:
    """Models told apart by a literal field, as a discriminated (or smart)
    union picks them: by the row's value of that field."""
    if not all(isinstance(m, type) and issubclass(m, BaseModel) for m in members):
        raise _Unsupported
    discriminator = info.discriminator if info is not None else None
    if discriminator is not None and not isinstance(discriminator, str):
        raise _Unsupported
    names = [discriminator] if discriminator else _common_literal_fields(members)
    if len(names) != 1:
        raise _Unsupported
    name = names[0]
    by_value: dict[Any, Writer] = {}
    for member in members:
        field = member.model_fields.get(name)
        if field is None or typing.get_origin(field.annotation) is not Literal:
            raise _Unsupported
        path = attribute_path(name, field)
        for value in typing.get_args(field.annotation):
            if value in by_value:
                raise _Unsupported
            by_value[value] = _model_writer(member)

    def write(row: Any) -> Any:
        writer = by_value.get(_read(row, path))
        if writer is None:
            raise Unwritable(name)
        return writer(row)

    return write


def _common_literal_fields(members: list[type[BaseModel]]) -> list[str]:
    shared = set.intersection(
        *(
            {n for n, f in m.model_fields.items() if typing.get_origin(f.annotation) is Literal}
            for m in members
        )
    )
    return sorted(shared)


def _model_writer(model: type[BaseModel]) -> Writer:
    decorators = model.__pydantic_decorators__
    if any(
        (
            decorators.validators,
            decorators.field_validators,
            decorators.root_validators,
            decorators.field_serializers,
            decorators.model_serializers,
            decorators.model_validators,
            decorators.computed_fields,
        )
    ):
        raise _Unsupported
    if not set(model.model_config) <= _NEUTRAL_CONFIG:
        raise _Unsupported
    fields: list[_Field] = []
    for name, info in model.model_fields.items():
        if info.exclude or any(not isinstance(m, Hints) for m in info.metadata):
            raise _Unsupported
        required = info.is_required()
        if not required and info.default is not None:
            raise _Unsupported
        first, *rest = attribute_path(name, info)
        plain, nullable = _plain_scalar(info.annotation)
        items = _list_items(info.annotation) if plain is None else None
        writer = None
        if plain is None and items is None:
            writer = _type_writer(info.annotation, info)
        fields.append(
            _Field(
                key=info.serialization_alias or info.alias or name,
                first=first,
                rest=tuple(rest),
                required=required,
                plain=plain,
                nullable=nullable,
                writer=writer,
                items=items,
                related=not rest and _holds_models(info.annotation),
            )
        )
    return _compiled_writer(model.__name__, fields)


def _list_items(annotation: Any) -> Writer | None:
    """The writer of the items of a list field whose items need writing
    (models, unions, anything but plain scalars), which the model's own
    writer then loops over inline: a grid writes one such list per row and
    per task. ``None`` for any other field."""
    annotation = _without_hints(annotation)
    if typing.get_origin(annotation) is not list:
        return None
    (item,) = typing.get_args(annotation)
    return None if _unchecked_scalar(item) is not None else _type_writer(item, None)


def _holds_models(annotation: Any) -> bool:
    """Whether a field holds models (a relationship's rows), through lists,
    optionals, unions and ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(argument) for argument in typing.get_args(annotation))


@dataclass(frozen=True)
class _Field:
    """How one field of a model is written: its output ``key``, the row's
    attribute path (``first`` then ``rest``), and either a ``plain`` scalar
    type checked inline (``nullable`` if ``None`` is allowed), the writer of
    the ``items`` of a list, or a ``writer``. A ``related`` field (a
    relationship's rows) is read as :func:`loadplan.related` reads it: a
    variant kept beside the attribute under the field's name first."""

    key: str
    first: str
    rest: tuple[str, ...]
    required: bool
    plain: type[Any] | None
    nullable: bool
    writer: Writer | None
    items: Writer | None = None
    related: bool = False


def _plain_scalar(annotation: Any) -> tuple[type[Any] | None, bool]:
    """The scalar type a field holds when an inline ``type(v) is T`` check is
    the whole of its writing (and whether it may be ``None``), else ``None``."""
    annotation = _without_hints(annotation)
    nullable = False
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = typing.get_args(annotation)
        present = [m for m in members if m is not type(None)]
        if len(present) != 1 or len(members) != 2:
            return None, False
        annotation, nullable = _without_hints(present[0]), True
    if annotation in _SCALARS:
        return annotation, nullable
    return None, False


def _unchecked_scalar(annotation: Any) -> type[Any] | None:
    """The scalar type of list items or dict values that a ``type(v) is T``
    check alone writes (not optional, no extra check), else ``None``."""
    kind, nullable = _plain_scalar(annotation)
    return kind if kind is not None and not nullable and kind not in _EXTRA_CHECKS else None


def _compiled_writer(model_name: str, fields: list[_Field]) -> Writer:
    """A model's writer as one generated function: the fields' reads and type
    checks in a row, then one dict display. Responses write this for every
    row: Shotline's whole asset grid took 57 ms to write with a loop over
    field descriptions, 36 ms with generated code."""
    namespace: dict[str, Any] = {"MISSING": _MISSING, "Unwritable": Unwritable}
    lines = [
        "def write(row):",
        "    if type(row) is not dict:",
        f"        raise Unwritable({model_name!r})",
    ]
    for i, field in enumerate(fields):
        value, key = f"v{i}", repr(field.key)
        if field.related:
            lines.append(f"    {value} = row.get({SIDE_PREFIX + field.first!r}, MISSING)")
            lines.append(f"    if {value} is MISSING:")
            lines.append(f"        {value} = row.get({field.first!r}, MISSING)")
        else:
            lines.append(f"    {value} = row.get({field.first!r}, MISSING)")
        for part in field.rest:
            lines.append(
                f"    {value} = {value}.get({part!r}, MISSING) if type({value}) is dict else MISSING"
            )
        if field.plain is not None:
            namespace[f"type{i}"] = field.plain
            check = _EXTRA_CHECKS.get(field.plain)
            if check is None:
                lines.append(f"    if type({value}) is not type{i}:")
            elif field.plain is dt.datetime:
                # UTC, the usual zone, needs no call to the offset check.
                namespace[f"check{i}"], namespace["UTC"] = check, dt.UTC
                lines.append(
                    f"    if type({value}) is not type{i} or "
                    f"({value}.tzinfo is not UTC and not check{i}({value})):"
                )
            else:
                namespace[f"check{i}"] = check
                lines.append(f"    if type({value}) is not type{i} or not check{i}({value}):")
            branches = []
            if not field.required:
                branches.append((f"{value} is MISSING", f"{value} = None"))
            if field.nullable:
                branches.append((f"{value} is None", "pass"))
            for n, (condition, action) in enumerate(branches):
                lines.append(f"        {'elif' if n else 'if'} {condition}:")
                lines.append(f"            {action}")
            indent = "            " if branches else "        "
            if branches:
                lines.append("        else:")
            lines.append(f"{indent}raise Unwritable({key})")
            continue
        lines.append(f"    if {value} is MISSING:")
        lines.append(
            f"        {value} = None" if not field.required else f"        raise Unwritable({key})"
        )
        if field.items is not None:
            namespace[f"item{i}"] = field.items
            lines.append(f"    elif type({value}) is list:")
            lines.append(f"        {value} = [item{i}(item) for item in {value}]")
            lines.append("    else:")
            lines.append("        raise Unwritable('list')")
            continue
        namespace[f"write{i}"] = field.writer
        lines.append("    else:")
        lines.append(f"        {value} = write{i}({value})")
    items = ", ".join(f"{field.key!r}: v{i}" for i, field in enumerate(fields))
    lines.append(f"    return {{{items}}}")
    exec(compile("\n".join(lines), f"<row writer of {model_name}>", "exec"), namespace)
    write: Writer = namespace["write"]
    return write


def _without_hints(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        if any(not isinstance(m, Hints) for m in metadata):
            return annotation
        annotation = inner
    return annotation


def _read(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if type(value) is not dict:
            return _MISSING
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value
