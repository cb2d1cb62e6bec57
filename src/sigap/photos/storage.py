"""Where photo files live: a small interface, and the local-directory backend.

Keys are content addressed (``ab/abcdef….jpg``: the sha256 of the stored bytes), so a file never
changes once written; that is what lets ``GET /media/{key}`` be cached for a year, and what lets
an S3-compatible backend be added later with the same five methods (``url`` would then point at
the bucket or its CDN instead of this app).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"^(?:originals/)?[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|webp|png|heic)$")
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "png": "image/png",
    "heic": "image/heic",
}


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


def content_key(sha256: str, extension: str, *, original: bool = False) -> str:
    return f"{'originals/' if original else ''}{sha256[:2]}/{sha256}.{extension}"


def content_type(key: str) -> str:
    return CONTENT_TYPES[key.rsplit(".", 1)[1]]


class LocalStorage:
    """Files under one directory (``media_dir``). Writes go to a temporary file first and are
    renamed into place, so a reader never sees half a file; rewriting an existing key is a
    no-op because the key is the content's hash."""

    def __init__(self, root: str | Path, base_url: str) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{key}"
