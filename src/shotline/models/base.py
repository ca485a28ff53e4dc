"""The declarative base shared by every Shotline model."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum, MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names: migrations can then drop or alter a constraint
# by name on every dialect, instead of depending on names each server invents.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column_type(enum: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint, storing the members' values.

    SQLite has no native enums, and PostgreSQL (ALTER TYPE) and MariaDB (ALTER
    TABLE) grow theirs differently; a checked string works alike everywhere.
    The width leaves room for new values, so adding one changes only the CHECK.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(20, *(len(member.value) for member in enum)),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
