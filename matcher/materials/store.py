"""Where material files are kept: put, open and delete by an opaque key.

The window names each file with a key of its own (:func:`new_key`), never with anything the
uploader sent, so no name can reach outside the store. The local-directory store is the
default; another backend (an S3-compatible bucket) implements :class:`MaterialStore`.
"""

import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO, Protocol

_KEY = re.compile(r"[0-9a-f]{32}")


def new_key() -> str:
    """A fresh key: 128 random bits, as hex."""
    return secrets.token_hex(16)


class MaterialStore(Protocol):
    def put(self, key: str, content: bytes) -> None:
        """Keep ``content`` under ``key`` (a new key: nothing is overwritten)."""

    def open(self, key: str) -> BinaryIO:
        """The file under ``key``, for reading; :class:`FileNotFoundError` when there is none."""

    def delete(self, key: str) -> None:
        """Remove the file under ``key``, if there is one."""


class LocalDirectoryStore:
    """Files in one directory (``MATCHER_MATERIALS_DIR``), each under its key, readable by the
    service's user alone. A file is written under a temporary name and renamed into place, so
    a reader never sees half of one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a material key: {key!r}")
        return self.root / key

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.link(partial, path)  # fails rather than overwrite an existing key
        finally:
            partial.unlink(missing_ok=True)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
