"""CSV files in and out: the conventions every import and export shares.

An import reads the whole file first and checks every row, naming each
refused row by its line and column; only a file without a single error is
applied, all at once (a dry run stops before applying and says what would
change). Files are UTF-8 (a byte order mark, as spreadsheets write one, is
skipped); the first line names the columns, in any order and case, and a
column the import does not know is refused rather than silently ignored.
Written with Python's :mod:`csv` module, so quoting follows RFC 4180.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

from fastapi import HTTPException

MAX_CSV_BYTES = 20 * 1024 * 1024
"""The largest CSV file an import reads (a whole series' breakdown is a few MB)."""


@dataclass(frozen=True)
class CsvRow:
    """A data row: its line in the file (the header is line 1) and its
    values by column name (``""`` for an empty or missing cell)."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str


class CsvRefused(HTTPException):
    """A 400 naming every refused row; nothing was written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        count = len(errors)
        super().__init__(
            status_code=400,
            detail={
                "field": "csv",
                "message": f"{count} error{'s' if count != 1 else ''}: nothing was imported",
                "rows": [asdict(error) for error in errors],
            },
        )


def decode(body: bytes) -> str:
    """The text of an uploaded file, or a 400 if it is not UTF-8."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvRefused(
            [RowError(0, None, f"not UTF-8 text (byte {error.start} cannot be read)")]
        ) from None


@dataclass(frozen=True)
class CsvFile:
    """The data rows of a file, and the errors of rows that could not be
    read (an import adds its own, then refuses them all together)."""

    rows: list[CsvRow]
    errors: list[RowError]


def read_csv(text: str, columns: Sequence[str], required: Iterable[str]) -> CsvFile:
    """The data rows of ``text``, whose header must name only ``columns``
    (case-insensitive) and every one of ``required`` (a 400 otherwise);
    blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise CsvRefused([RowError(1, None, "the file is empty: it needs a header line")])
    names = [name.strip().lower() for name in header]
    errors = [
        RowError(1, name, f"unknown column {name!r}; the columns are {', '.join(columns)}")
        for name in names
        if name not in columns
    ]
    errors += [
        RowError(1, name, f"column {name!r} appears twice")
        for index, name in enumerate(names)
        if name in names[:index]
    ]
    errors += [
        RowError(1, name, f"column {name!r} is missing") for name in required if name not in names
    ]
    if errors:
        raise CsvRefused(errors)
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        line = reader.line_num
        if len(values) > len(names):
            errors.append(RowError(line, None, f"{len(values)} cells for {len(names)} columns"))
            continue
        rows.append(CsvRow(line, {n: v.strip() for n, v in zip(names, values, strict=False)}))
    return CsvFile(rows, errors)


def csv_chunks(
    columns: Sequence[str], batches: Iterable[Iterable[Sequence[object]]]
) -> Iterator[str]:
    """A CSV file a batch at a time: the header, then one chunk per batch of
    rows (``None`` as an empty cell), so an export holds one batch in memory."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for batch in batches:
        writer.writerows(["" if value is None else value for value in row] for row in batch)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV file: the header, then one line per row (``None`` as an empty cell)."""
    return "".join(csv_chunks(columns, [rows]))
