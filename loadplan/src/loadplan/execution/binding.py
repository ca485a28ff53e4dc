"""What execution needs besides the plan: the request's values."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from loadplan.rules import Rules
from loadplan.selection import NO_ARGUMENTS, Arguments, Selection


class Strict(StrEnum):
    """What happens when code reads an attribute the plan did not load."""

    RAISE = "raise"
    WARN = "warn"
    OFF = "off"


def argument_values(selection: Selection, prefix: str = "") -> dict[str, Arguments]:
    """Arguments of every node with arguments, by dotted path of response keys."""
    values: dict[str, Arguments] = {}
    if not prefix and selection.arguments:
        values[""] = selection.arguments
    for child in selection.children:
        path = f"{prefix}.{child.key}" if prefix else child.key
        if child.arguments:
            values[path] = child.arguments
        values.update(argument_values(child, path))
    return values


@dataclass(frozen=True)
class Binding:
    """The request's values for a cached plan: arguments, context, strict mode.

    ``context_key``, when given, stands for everything the rules and computed
    expressions make of ``context`` (see :func:`loadplan.plan`).
    """

    context: Any
    strict: Strict
    arguments: dict[str, Arguments] = field(default_factory=dict)
    rules: Rules = field(default_factory=dict)
    context_key: Hashable | None = None

    def arguments_at(self, *paths: str) -> Arguments:
        """The arguments under the first of ``paths`` that has any."""
        for path in paths:
            found = self.arguments.get(path)
            if found is not None:
                return found
        return NO_ARGUMENTS
