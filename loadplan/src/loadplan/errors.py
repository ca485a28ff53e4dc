"""Errors raised by loadplan."""

from __future__ import annotations


class LoadplanError(Exception):
    """Base class of every loadplan error."""


class PlanError(LoadplanError):
    """A selection cannot be planned; raised before any SQL is executed.

    ``model`` and ``attribute`` name what was wrong, so front ends can turn it
    into a precise client error.
    """

    def __init__(self, model: str, attribute: str, reason: str) -> None:
        super().__init__(f"{model}.{attribute}: {reason}")
        self.model = model
        self.attribute = attribute
        self.reason = reason


class UnplannedLoadWarning(UserWarning):
    """An attribute the plan did not load was fetched lazily (strict mode ``warn``)."""
