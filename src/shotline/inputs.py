"""The rules every input obeys, whichever way it came in.

Text reaches the database from request bodies, REST query parameters and
GraphQL arguments (literal or variables) alike, so the same rules apply to
all of them, from here: no NUL character (PostgreSQL refuses it in text, the
others would store it), no lone surrogate (JSON allows ``"\\ud800"``, no
driver can encode it), at most :data:`MAX_TEXT` characters, and lists of at
most :data:`MAX_IDS` items (each item of an ``IN`` list is a bind parameter,
and the dialects have limits on those), and at most :data:`MAX_REPEATS`
values of a repeatable query parameter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["MAX_IDS", "MAX_REPEATS", "MAX_TEXT", "input_problems", "storable", "text_problem"]

MAX_IDS = 10_000
"""Most ids one request may name: far under the bind parameter limits of
SQLite (32,766) and PostgreSQL (65,535), and a whole episode's tasks at once."""

MAX_REPEATS = 100
"""Most values a repeatable query parameter (``?sequence=1&sequence=2``) may
carry: a filter naming more is better sent as fewer, broader ones, and each
value is a bind parameter or a condition of its own."""

MAX_TEXT = 10_000
"""Longest free text (descriptions, comments): 4-byte characters included, it
fits MariaDB's TEXT (65,535 bytes), which would refuse a longer value."""


def text_problem(value: str, max_length: int = MAX_TEXT) -> str | None:
    """What is wrong with ``value`` as text to store or compare, or ``None``."""
    if len(value) > max_length:
        return f"must be at most {max_length} characters long"
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def storable(value: str) -> str:
    """``value``, or a ``ValueError`` saying what is wrong with it (for
    pydantic's ``AfterValidator``; the length is left to the field's own bound)."""
    problem = text_problem(value, max_length=len(value))
    if problem is not None:
        raise ValueError(problem)
    return value


def input_problems(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(path, problem)`` of every text and list in a decoded JSON value that
    breaks the rules: for inputs whose schema does not bound them itself
    (GraphQL variables). Iterative: the value's nesting is the client's."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                yield where, problem
        elif isinstance(item, list):
            if len(item) > MAX_IDS:
                yield where, f"must hold at most {MAX_IDS} items"
                continue
            stack.extend((entry, f"{where}[{index}]") for index, entry in enumerate(item))
        elif isinstance(item, dict):
            for key, entry in item.items():
                stack.append((key, where))
                stack.append((entry, f"{where}.{key}"))
