"""Where photo files live: a small interface, and the local-directory backend.

Keys are content addressed (``ab/abcdef….jpg``: the sha256 of the stored bytes), so a file never
changes once written; that is what lets ``GET /media/{key}`` be cached for a year, and what lets
an S3-compatible backend be added later with the same five methods (``url`` would then point at
the bucket or its CDN instead of this app).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from sigap.errors import SigapError

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


FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
UNWRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOTDIR)


def refusal(exc: OSError) -> SigapError | None:
    """A storage failure as the client's answer: 507 ``storage_full`` for a full disk, 503
    ``storage_unavailable`` (retry later) for a folder that cannot be written; None otherwise."""
    if exc.errno in FULL:
        return SigapError("storage_full")
    if exc.errno in UNWRITABLE:
        return SigapError("storage_unavailable")
    return None


class LocalStorage:
    """Files under one directory (``media_dir``). Writes go to a temporary file first and are
    renamed into place, so a reader never sees half a file; rewriting an existing key is a
    no-op because the key is the content's hash. A write that would leave less than
    ``min_free_bytes`` free on the disk is refused (the database may share it), as is one the
    disk refuses: see :func:`refusal`."""

    def __init__(self, root: str | Path, base_url: str, *, min_free_bytes: int = 0) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self.min_free_bytes = min_free_bytes

    def free_bytes(self) -> int:
        """Free space on the folder's disk (of its nearest existing parent)."""
        path = self.root
        while not path.exists() and path != path.parent:
            path = path.parent
        return shutil.disk_usage(path).free

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path.exists():
            return
        try:
            if self.free_bytes() - len(data) < self.min_free_bytes:
                raise SigapError("storage_full")
            self._write(path, data)
        except OSError as exc:
            refused = refusal(exc)
            if refused is None:
                raise
            raise refused from exc

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
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
