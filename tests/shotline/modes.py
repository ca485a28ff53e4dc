"""The JSON mode in Shotline's REST suites: the row mode's bytes, from the database.

The suites run whole in each mode a client may ask for (``mode``, see
``tests/shotline/conftest.py``). A list whose response the JSON mode can
build is answered by one statement per list, the others by the plan's
statements; so that every test's payloads and statement counts keep
meaning the same thing in each mode, an answer of the JSON mode is checked
against the row mode's answer to the same request, which must be the same
bytes, with at least as many statements, and the test then reads the row
mode's statements (the plan's).
"""

from __future__ import annotations

from collections.abc import Callable

from httpx2 import Response

from loadplan.testing import QueryLog
from shotline.settings import MODE_HEADER


def ran_as_asked(asked: str, ran: str) -> bool:
    """Whether a request asking for mode ``asked`` was rightly answered in
    ``ran``: that mode, or where the JSON mode cannot build the response (a
    value it cannot write exactly), the mode it would run without asking."""
    return ran == asked or (asked == "json" and ran in {"rows", "orm"})


def plan_statements(
    response: Response, log: QueryLog, again: Callable[[str], tuple[Response, QueryLog]]
) -> QueryLog:
    """``log``, the statements of ``response``; for an answer of the JSON
    mode, those of the row mode's answer (``again`` sends the request
    asking for a mode), checked to be the same bytes."""
    if response.headers.get(MODE_HEADER) != "json":
        return log
    rows, rows_log = again("rows")
    assert rows.headers[MODE_HEADER] == "rows"
    assert rows.content == response.content
    assert log.count <= rows_log.count
    return rows_log
