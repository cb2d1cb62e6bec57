"""Limits enforced while the body streams in, and decoding off the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
import pytest
from starlette.requests import Request
from starlette.types import Message

from sigap.config import Settings
from sigap.errors import SigapError
from sigap.photos import decode
from sigap.photos import service as photos
from sigap.photos.storage import LocalStorage
from sigap.photos.upload import read_form

from .conftest import jpeg

BOUNDARY = "sigapboundary"
CHUNK = 64 * 1024


def streaming_request(parts: list[bytes], received: list[int]) -> Request:
    """A request whose body arrives in chunks; ``received`` counts the chunks handed over."""
    chunks = [b"".join(parts)[i : i + CHUNK] for i in range(0, len(b"".join(parts)), CHUNK)]

    async def receive() -> Message:
        index = len(received)
        received.append(index)
        more = index + 1 < len(chunks)
        return {"type": "http.request", "body": chunks[index], "more_body": more}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/reports",
        "headers": [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode())],
    }
    return Request(scope, receive)


def file_part(size: int) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="x.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    return head + b"\xff" * size + b"\r\n"


def test_an_oversize_file_is_refused_before_the_body_is_read() -> None:
    """A 20 MB file against a 1 MB limit: refused after about 1 MB, no Content-Length needed."""
    received: list[int] = []
    request = streaming_request(
        [file_part(20 * 1024 * 1024), f"--{BOUNDARY}--\r\n".encode()], received
    )

    async def read() -> None:
        await read_form(request, max_files=5, max_file_bytes=1024 * 1024)

    with pytest.raises(SigapError) as caught:
        anyio.run(read)
    assert (caught.value.code, caught.value.status) == ("photo_too_large", 413)
    total_chunks = 20 * 1024 * 1024 // CHUNK
    assert len(received) <= 1024 * 1024 // CHUNK + 2 < total_chunks


def test_the_files_of_a_valid_form_arrive_whole() -> None:
    received: list[int] = []
    field = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="report"\r\n\r\n{{}}\r\n'
    ).encode()
    parts = [field, file_part(300_000), file_part(10), f"--{BOUNDARY}--\r\n".encode()]
    request = streaming_request(parts, received)

    async def read() -> tuple[dict[str, str], list[int]]:
        form = await read_form(request, max_files=5, max_file_bytes=1024 * 1024)
        return form.fields, [len(f.data) for f in form.files]

    assert anyio.run(read) == ({"report": "{}"}, [300_000, 10])


def test_decoding_runs_in_worker_threads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    threads: list[int] = []
    real = decode.process

    def recording(*args: object, **kwargs: object) -> decode.Processed:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decode, "process", recording)
    storage = LocalStorage(tmp_path, "http://sigap.test/media")

    async def take_in() -> tuple[int, list[photos.StoredPhoto]]:
        limiter = anyio.CapacityLimiter(1)
        stored = await photos.take_in([jpeg(), jpeg()], Settings(), storage, limiter=limiter)
        return threading.get_ident(), stored

    loop_thread, stored = anyio.run(take_in)
    assert len(threads) == 2
    assert loop_thread not in threads
    assert all(storage.exists(p.display_key) and storage.exists(p.thumb_key) for p in stored)
