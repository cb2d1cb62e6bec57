"""Reading a multipart/form-data body as it streams in, with limits enforced on the way.

Starlette's form parser limits the size of plain fields but not of files, and spools every file
in full before the handler can look at it. Here each file part is counted while it arrives: the
moment a file passes ``photo_max_bytes`` or the number of files passes ``photo_max_count`` the
request is refused, so a 200 MB body is never read, let alone held. Accepted files are kept in
memory (at most count x max bytes per request); their decoding is bounded separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from sigap.errors import SigapError
from sigap.inputs import check_fields

MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 30
FORM_OVERHEAD = 256 * 1024  # the fields and part headers of a form, beyond its files


@dataclass(slots=True)
class Upload:
    """One file as sent: its name and declared type are kept only for logs; never trusted."""

    name: str
    filename: str
    data: bytearray = field(default_factory=bytearray)


@dataclass(slots=True)
class Form:
    fields: dict[str, str]
    files: list[Upload]


class _Collector:
    """python-multipart callbacks that build a :class:`Form` and refuse past the limits."""

    def __init__(self, *, max_files: int, max_file_bytes: int) -> None:
        self.max_files = max_files
        self.max_file_bytes = max_file_bytes
        self.form = Form({}, [])
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name = ""
        self._file: Upload | None = None
        self._value = bytearray()

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._file = None
        self._value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_field).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_field = bytearray()
        self._header_value = bytearray()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise SigapError("invalid_multipart")
        self._name = options[b"name"].decode("utf-8", "replace")
        if b"filename" in options:
            if len(self.form.files) >= self.max_files:
                raise SigapError("too_many_photos", limit=self.max_files)
            self._file = Upload(self._name, options[b"filename"].decode("utf-8", "replace"))
            self.form.files.append(self._file)
        elif len(self.form.fields) >= MAX_FIELDS:
            raise SigapError("invalid_multipart")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            if len(self._file.data) + (end - start) > self.max_file_bytes:
                raise SigapError("photo_too_large", limit=self.max_file_bytes)
            self._file.data += data[start:end]
            return
        if len(self._value) + (end - start) > MAX_FIELD_BYTES:
            raise SigapError("invalid_multipart")
        self._value += data[start:end]

    def on_part_end(self) -> None:
        if self._file is None:
            self.form.fields[self._name] = self._value.decode("utf-8", "replace")
        elif not self._file.filename and not self._file.data:
            self.form.files.remove(self._file)  # a browser's empty file input: no photo


async def read_form(request: Request, *, max_files: int, max_file_bytes: int) -> Form:
    """The form of a multipart request, refusing an oversize one before or while it streams."""
    _, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if not boundary:
        raise SigapError("invalid_multipart")
    limit = max_files * max_file_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise SigapError("request_too_large", limit=limit)
    collector = _Collector(max_files=max_files, max_file_bytes=max_file_bytes)
    callbacks = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise SigapError("request_too_large", limit=limit)
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError:
        raise SigapError("invalid_multipart") from None
    check_fields(collector.form.fields.items(), "body")
    return collector.form
