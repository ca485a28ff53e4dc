"""Where the files attached to comments live: content-addressed blobs.

A file is stored once under the SHA-256 of its bytes, whoever uploads it
and however often, so a key never changes meaning and a stored file is
never rewritten. :class:`BlobStore` is what the service needs of a store;
:class:`LocalStore` keeps blobs in a folder on disk. A store of an
S3-compatible service can implement the same protocol (``serve`` answering
with a redirect to a signed URL, ``receive`` uploading parts as they come).

An upload streams through an :class:`Incoming`: chunks are written to a
temporary file as they arrive (never the whole file in memory) and hashed
on the way; ``keep`` moves the finished file under its key in one atomic
rename, ``discard`` removes it. A process killed mid-upload leaves only its
temporary file, which :meth:`LocalStore.sweep` removes later.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

from starlette.responses import FileResponse, Response

STALE_SECONDS = 6 * 3600
"""Temporary files older than this belong to uploads that will never finish."""


class Incoming(Protocol):
    """A file being received."""

    size: int

    @property
    def path(self) -> Path:
        """Where its bytes are while it is received (for thumbnails)."""

    def write(self, chunk: bytes) -> None: ...

    def close(self) -> None:
        """Every byte has been written: the file at ``path`` is complete."""

    def digest(self) -> str:
        """The SHA-256 of what was written, in hex: the key it is kept under."""

    def keep(self) -> bool:
        """Store the file under its key; ``True`` if no blob had that key yet."""

    def discard(self) -> None:
        """Forget the file (harmless after ``keep``, or twice)."""


class BlobStore(Protocol):
    def receive(self) -> Incoming: ...

    def exists(self, key: str) -> bool: ...

    def remove(self, key: str) -> None: ...

    def entries(self) -> Iterator[tuple[str, float]]:
        """Every stored key with the time it was stored (for pruning)."""

    def serve(self, key: str, media_type: str, headers: Mapping[str, str]) -> Response:
        """The HTTP response that hands the blob to a client."""


class _LocalIncoming:
    def __init__(self, store: LocalStore) -> None:
        self._store = store
        store.tmp.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=store.tmp, prefix="upload-")
        self._path = Path(name)
        self._file: BinaryIO | None = os.fdopen(handle, "wb")
        self._hash = hashlib.sha256()
        self.size = 0

    @property
    def path(self) -> Path:
        return self._path

    def write(self, chunk: bytes) -> None:
        assert self._file is not None, "write after keep or discard"
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def digest(self) -> str:
        return self._hash.hexdigest()

    def keep(self) -> bool:
        self.close()
        target = self._store.path(self.digest())
        new = not target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        # Same key, same bytes: replacing an existing blob changes nothing.
        os.replace(self._path, target)
        return new

    def discard(self) -> None:
        self.close()
        self._path.unlink(missing_ok=True)


class LocalStore:
    """Blobs in ``root/blobs/ab/cd/abcd…``; uploads in progress in ``root/tmp``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"

    def path(self, key: str) -> Path:
        if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError(f"not a blob key: {key!r}")
        return self.blobs / key[:2] / key[2:4] / key

    def receive(self) -> _LocalIncoming:
        return _LocalIncoming(self)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def remove(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def entries(self) -> Iterator[tuple[str, float]]:
        if not self.blobs.is_dir():
            return
        for path in self.blobs.glob("*/*/*"):
            yield path.name, path.stat().st_mtime

    def sweep(self, older_than: float = STALE_SECONDS) -> int:
        """Remove temporary files of uploads that never finished (a process
        killed mid-upload); returns how many."""
        if not self.tmp.is_dir():
            return 0
        limit = time.time() - older_than
        removed = 0
        for path in self.tmp.iterdir():
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def serve(self, key: str, media_type: str, headers: Mapping[str, str]) -> Response:
        # FileResponse streams from disk and answers Range requests (video seeking).
        return FileResponse(self.path(key), media_type=media_type, headers=dict(headers))
