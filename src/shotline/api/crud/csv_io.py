"""What every CSV endpoint shares: the ``bom`` and ``dry_run`` parameters,
the ``text/csv`` answer of an export and the way an import reads its body
and applies it (see :mod:`shotline.csvfiles` for the file conventions)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shotline.api.crud.common import errors
from shotline.csvfiles import decode
from shotline.schemas.errors import ErrorBody

__all__ = ["EXPORT", "IMPORT", "Bom", "DryRun", "csv_response", "run_import"]

T = TypeVar("T")

BOM = "\ufeff"
Bom = Annotated[
    bool,
    Query(description="Start with a byte order mark, which spreadsheet programs read as UTF-8."),
]
DryRun = Annotated[
    bool, Query(description="Check every row and count what would be created; write nothing.")
]

EXPORT: dict[str, Any] = {
    "response_class": Response,
    "responses": {
        200: {
            "description": "The CSV file (UTF-8, CRLF line ends, a header line).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **errors(400, 404),
    },
}
"""The OpenAPI description of a CSV export."""

IMPORT: dict[str, Any] = {
    "responses": {
        413: {"model": ErrorBody, "description": "The file is larger than MAX_CSV_BYTES."},
        **errors(400, 403, 404),
    },
    "openapi_extra": {
        "requestBody": {
            "required": True,
            "description": "A CSV file (UTF-8, with or without a byte order mark) whose "
            "header line names the operation's columns, in any order and case.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
}
"""The OpenAPI description of a CSV import: 400 names every refused row."""


def csv_response(chunks: Iterator[str], filename: str, *, bom: bool) -> StreamingResponse:
    """A CSV export's answer, offered as a file download and sent as its
    chunks come (Starlette iterates them in a thread: the database is never
    waited on from the event loop)."""
    return StreamingResponse(
        chain([BOM] if bom else [], chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def run_import(
    request: Request, db: Session, apply: Callable[[str], T], *, dry_run: bool
) -> T:
    """Read the body (bounded by BodySizeLimit: this route's limit is
    MAX_CSV_BYTES), then check and apply it in a thread, committed unless a
    dry run: the event loop never waits on the database."""
    body = await request.body()

    def run() -> T:
        report = apply(decode(body))
        if not dry_run:
            db.commit()
        return report

    return await run_in_threadpool(run)
