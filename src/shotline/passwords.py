"""The password policy: long enough, and not easily guessed.

``Settings.password_min_length`` characters at least, and a zxcvbn score
(0-4, from its estimate of the guesses needed, with its lists of the 30,000
most common passwords, names and words, and patterns like repeats and
keyboard walks) of ``Settings.password_min_score`` at least: ``aaaaaaaaaa``
and ``password1234`` are refused, ``correct horse`` is not. Passwords are
scored on their first 100 characters, which zxcvbn does in milliseconds.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from shotline.settings import Settings

__all__ = ["password_problem"]

SCORED = 100
"""Characters scored: zxcvbn's time grows faster than the length."""


def password_problem(password: str, settings: Settings) -> str | None:
    """Why ``password`` is refused, or ``None``."""
    if len(password) < settings.password_min_length:
        return f"must be at least {settings.password_min_length} characters long"
    verdict = zxcvbn(password[:SCORED])
    if verdict["score"] < settings.password_min_score:
        warning = verdict["feedback"]["warning"] or "It is too easy to guess."
        return f"is too easy to guess: {warning}"
    return None
