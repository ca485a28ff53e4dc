"""The error bodies the service answers, spelled once for the tests (see
:mod:`shotline.schemas.errors`: ``{"detail": [problem, ...]}``)."""

from __future__ import annotations

from typing import Any


def refusal(
    rule: str, message: str, loc: list[str | int] | None = None, **ctx: Any
) -> dict[str, Any]:
    """The body of a refusal with one problem: breaking ``rule``, about
    ``loc`` (nothing: the request as a whole), ``ctx`` what the rule needs
    to be understood."""
    problem: dict[str, Any] = {"loc": loc or [], "type": rule, "msg": message}
    if ctx:
        problem["ctx"] = ctx
    return {"detail": [problem]}


def message(body: dict[str, Any]) -> str:
    """What the single problem of an error body says."""
    [problem] = body["detail"]
    text: str = problem["msg"]
    return text
