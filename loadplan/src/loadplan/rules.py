"""Row rules: SQL conditions a class's rows must meet wherever they are loaded.

Access control and soft delete are rules on classes, not on fields: a vendor
sees only the tasks assigned to them, as root rows, in every nested list, in
every to-one, in every count. A plan applies the rules of each class it loads
(``loadplan.plan(..., rules={Task: visible_tasks})``), and computed fields
built with :func:`loadplan.count` / :func:`loadplan.exists` count only rows
that meet them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.sql.elements import True_

__all__ = ["Rule", "Rules", "active_rules", "applying", "conditions"]

Rule = Callable[[Any, Any], ColumnElement[bool]]
"""A row rule: ``rule(entity, context)`` returns the condition rows of ``entity``
(the class, or the alias it is loaded under) must meet."""
Rules = Mapping[type[Any], Rule]
"""The row rules of a request, by model class (a subclass's rule applies to its rows too)."""

_active: ContextVar[tuple[Rules, Any] | None] = ContextVar("loadplan_rules", default=None)


def conditions(
    rules: Rules, cls: type[Any], entity: Any, context: Any
) -> list[ColumnElement[bool]]:
    """The conditions of every rule on ``cls`` or one of its bases; a rule
    that lets everything through (``true()``, an admin's) adds none, so it
    leaves no ``AND true`` in a join's ON clause."""
    found = (rule(entity, context) for ruled, rule in rules.items() if issubclass(cls, ruled))
    return [condition for condition in found if not isinstance(condition, True_)]


@contextmanager
def applying(rules: Rules, context: Any) -> Iterator[None]:
    """Make ``rules`` visible to computed fields built while the block runs."""
    token = _active.set((rules, context))
    try:
        yield
    finally:
        _active.reset(token)


def active_rules(cls: type[Any], entity: Any) -> list[ColumnElement[bool]]:
    """Conditions of the rules in force for ``cls`` (none outside a plan)."""
    current = _active.get()
    if current is None:
        return []
    rules, context = current
    return conditions(rules, cls, entity, context)
