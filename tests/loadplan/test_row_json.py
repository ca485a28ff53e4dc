"""Row writers give the response model's own JSON, or step aside.

The property: for any row, either the writer's bytes equal what the model
dumps after validating the row, or the writer raises ``Unwritable`` (and the
model is used). Rows are drawn with the right types most of the time and
with a wrong one (an int for a float, a null for a required field, a bool
for an int) some of the time.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import (
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_serializer,
)

import loadplan
from loadplan.row_json import Unwritable, dumps, row_writer


class Colour(enum.Enum):
    RED = "red"
    BLUE = 2


class Child(BaseModel):
    name: str


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Everything(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    number: int
    ratio: float
    flag: bool
    day: dt.date
    moment: dt.datetime
    clock: dt.time
    amount: decimal.Decimal
    ident: uuid.UUID
    colour: Colour
    choice: Literal["a", "b", 3]
    maybe: int | None
    numbers: list[int]
    labels: dict[str, str]
    child: Child | None
    child_name: str | None = Field(None, validation_alias=AliasPath("child", "name"))
    renamed: str = Field(serialization_alias="renamedKey")
    counted: Annotated[int, loadplan.hint(only=["number"])]
    pets: list[Annotated[Cat | Dog, Field(discriminator="kind")]]
    children: list[Child]
    seen: dt.datetime | None = None


def _rows(well_typed: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Rows for ``Everything``: of the right types only, or now and then with
    a value of another type (or one the writer leaves to the model: a 65-bit
    int, a sub-minute UTC offset, an unknown pet)."""

    def field(right: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> Any:
        if well_typed:
            return right
        others = st.one_of(
            odd, st.none(), st.integers(), st.booleans(), st.floats(), st.text(max_size=3)
        )
        return st.one_of(*[right] * 9, others)

    minutes = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    seconds = st.integers(-50_000, 50_000).map(lambda s: dt.timezone(dt.timedelta(seconds=s)))
    zones = st.one_of(st.none(), st.just(dt.UTC), minutes)
    cat = st.fixed_dictionaries({"kind": st.just("cat"), "lives": st.integers(0, 9)})
    dog = st.fixed_dictionaries({"kind": st.just("dog"), "good": st.booleans()})
    nothing = st.nothing()
    return st.fixed_dictionaries(
        {
            "text": field(st.text(), nothing),
            "number": field(st.integers(-(2**63), 2**63 - 1), st.integers(2**64, 2**70)),
            "ratio": field(st.floats(), nothing),
            "flag": field(st.booleans(), nothing),
            "day": field(st.dates(), st.datetimes()),
            "moment": field(st.datetimes(timezones=zones), st.datetimes(timezones=seconds)),
            "clock": field(st.times(), st.times(timezones=zones)),
            "amount": field(st.decimals(allow_nan=False, allow_infinity=False), st.decimals()),
            "ident": field(st.uuids(), st.uuids().map(str)),
            "colour": field(st.sampled_from(Colour), st.just("red")),
            "choice": field(st.sampled_from(["a", "b", 3]), st.sampled_from(["c", True])),
            "maybe": field(st.none() | st.integers(-5, 5), nothing),
            "numbers": field(st.lists(st.integers(-5, 5), max_size=3), st.just([1.5])),
            "labels": field(
                st.dictionaries(st.text(max_size=3), st.text(max_size=3)), st.just({"a": 1})
            ),
            "child": st.none()
            | st.fixed_dictionaries({"name": field(st.text(max_size=5), nothing)}),
            "renamed": field(st.text(max_size=5), nothing),
            "counted": field(st.integers(0, 10), nothing),
            "pets": st.lists(
                field(cat | dog, st.fixed_dictionaries({"kind": st.just("fish")})), max_size=3
            ),
            "children": field(
                st.lists(st.fixed_dictionaries({"name": field(st.text(max_size=5), nothing)})),
                st.just(({"name": "a tuple"},)),
            ),
            "seen": field(
                st.none() | st.datetimes(timezones=zones), st.datetimes(timezones=seconds)
            ),
        }
    )


def _model_bytes(row: dict[str, Any]) -> bytes | None:
    adapter = TypeAdapter(Everything)
    try:
        return adapter.dump_json(adapter.validate_python(row), by_alias=True)
    except (ValidationError, ValueError):
        return None


@settings(max_examples=300, deadline=None)
@given(row=_rows(well_typed=True))
def test_a_well_typed_row_is_written_as_the_model_writes_it(row: dict[str, Any]) -> None:
    writer = row_writer(Everything)
    assert writer is not None
    assert dumps(writer(row)) == _model_bytes(row)


@settings(max_examples=300, deadline=None)
@given(row=_rows(well_typed=False))
def test_any_other_row_is_written_as_the_model_writes_it_or_left_to_it(
    row: dict[str, Any],
) -> None:
    writer = row_writer(Everything)
    assert writer is not None
    try:
        written = dumps(writer(row))
    except Unwritable:
        return
    assert written == _model_bytes(row)


ONE_ROW: dict[str, Any] = {
    "text": "é\n",
    "number": 2**63 - 1,
    "ratio": 0.1,
    "flag": True,
    "day": dt.date(2026, 1, 2),
    "moment": dt.datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=dt.UTC),
    "clock": dt.time(1, 2),
    "amount": decimal.Decimal("1.50"),
    "ident": uuid.UUID(int=1),
    "colour": Colour.BLUE,
    "choice": 3,
    "maybe": None,
    "numbers": [1, 2],
    "labels": {"Modeling": "wip"},
    "child": None,
    "renamed": "r",
    "counted": 4,
    "pets": [{"kind": "dog", "good": True}],
    "children": [{"name": "Ann"}, {"name": "Bo"}],
    "seen": dt.datetime(2026, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "ignored": "extra keys of the row are not written",
}


def test_the_bytes_of_one_row() -> None:
    writer = row_writer(Everything)
    assert writer is not None
    assert dumps(writer(ONE_ROW)) == (
        b'{"text":"\xc3\xa9\\n","number":9223372036854775807,"ratio":0.1,"flag":true,'
        b'"day":"2026-01-02","moment":"2026-01-02T03:04:05.000600Z","clock":"01:02:00",'
        b'"amount":"1.50","ident":"00000000-0000-0000-0000-000000000001","colour":2,'
        b'"choice":3,"maybe":null,"numbers":[1,2],"labels":{"Modeling":"wip"},"child":null,'
        b'"child_name":null,"renamedKey":"r","counted":4,"pets":[{"kind":"dog","good":true}],'
        b'"children":[{"name":"Ann"},{"name":"Bo"}],"seen":"2026-01-02T00:00:00+02:00"}'
    )


@pytest.mark.parametrize("missing", sorted(ONE_ROW))
def test_a_row_without_one_of_its_keys_is_written_as_the_model_writes_it_or_left_to_it(
    missing: str,
) -> None:
    """A missing optional field is written as its default; a missing
    required one is left to the model, which refuses the row."""
    row = {key: value for key, value in ONE_ROW.items() if key != missing}
    writer = row_writer(Everything)
    assert writer is not None
    expected = _model_bytes(row)
    if expected is None:
        with pytest.raises(Unwritable):
            writer(row)
    else:
        assert dumps(writer(row)) == expected


class Serialized(BaseModel):
    name: str

    @field_serializer("name")
    def shout(self, name: str) -> str:
        return name.upper()


class Constrained(BaseModel):
    name: str = Field(max_length=3)


class Stripped(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str


class Untold(BaseModel):
    value: Any


@pytest.mark.parametrize("model", [Serialized, Constrained, Stripped, Untold])
def test_models_whose_output_a_writer_could_change_have_none(model: type[BaseModel]) -> None:
    assert row_writer(model) is None


class Holder(BaseModel):
    name: str
    children: list[Child]
    child: Child | None = None


def test_a_list_kept_beside_its_attribute_is_the_one_written() -> None:
    # The rule of loadplan.storage: a page kept beside the full list (which
    # a model property read) is the field's value, as loadplan.related reads it.
    row = {
        "name": "a",
        "children": [{"name": "x"}, {"name": "y"}],
        "@children": [{"name": "y"}],
        "child": {"name": "z"},
    }
    writer = row_writer(Holder)
    assert writer is not None
    assert dumps(writer(row)) == b'{"name":"a","children":[{"name":"y"}],"child":{"name":"z"}}'
    del row["@children"]
    assert (
        dumps(writer(row))
        == b'{"name":"a","children":[{"name":"x"},{"name":"y"}],"child":{"name":"z"}}'
    )
