"""Test helper: give a HEIF file's primary item one more property (irot, imir, clap...).

pillow-heif writes no rotation or mirror boxes, but phones do (an iPhone's portrait photo is
stored turned, with an irot). This inserts the box at the end of ``ipco``, associates it with
the primary item in ``ipma``, grows the enclosing boxes and moves the file offsets in ``iloc``
that point past the insertion. Written on its own (plain struct), so the reader under test
does not also build its own test files.
"""

from __future__ import annotations

import struct


def box(kind: str, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind.encode()) + payload


def _children(data: bytes, start: int, end: int) -> dict[str, tuple[int, int]]:
    """type -> (box start, box end) of the boxes between start and end (32-bit sizes only)."""
    found = {}
    while start < end:
        size, kind = struct.unpack_from(">I4s", data, start)
        found.setdefault(kind.decode(), (start, start + size))
        start += size
    return found


def _count(data: bytes, start: int, end: int) -> int:
    count = 0
    while start < end:
        start += struct.unpack_from(">I", data, start)[0]
        count += 1
    return count


def _grow(data: bytearray, box_start: int, delta: int) -> None:
    (size,) = struct.unpack_from(">I", data, box_start)
    struct.pack_into(">I", data, box_start, size + delta)


def with_property(data: bytes, prop: bytes) -> bytes:
    meta = _children(data, 0, len(data))["meta"]
    inside = _children(data, meta[0] + 12, meta[1])
    iprp = inside["iprp"]
    props = _children(data, iprp[0] + 8, iprp[1])
    ipco, ipma = props["ipco"], props["ipma"]
    index = _count(data, ipco[0] + 8, ipco[1]) + 1
    primary = struct.unpack_from(">H", data, inside["pitm"][0] + 12)[0]
    # ipma (version 0, 1-byte associations): find the primary's entry and add one.
    version_flags = struct.unpack_from(">I", data, ipma[0] + 8)[0]
    assert version_flags == 0, "helper handles ipma version 0, flags 0"
    at = ipma[0] + 16
    for _ in range(struct.unpack_from(">I", data, ipma[0] + 12)[0]):
        item, count = struct.unpack_from(">HB", data, at)
        if item == primary:
            break
        at += 3 + count
    else:
        raise AssertionError("primary item has no ipma entry")
    entry_end = at + 3 + count
    edited = bytearray(data[:entry_end]) + bytes([index]) + data[entry_end:]
    edited[at + 2] = count + 1
    # The new property goes at ipco's end (before ipma, so ipma's positions above still hold).
    edited = edited[: ipco[1]] + prop + edited[ipco[1] :]
    delta = len(prop) + 1
    for start in (meta[0], iprp[0]):
        _grow(edited, start, delta)
    _grow(edited, ipco[0], len(prop))
    _grow(edited, ipma[0] + len(prop), 1)
    _move_offsets(edited, inside["iloc"][0], after=ipco[1], delta=delta)
    return bytes(edited)


def _move_offsets(data: bytearray, iloc: int, *, after: int, delta: int) -> None:
    """Add ``delta`` to every file offset in iloc (version 0 or 1) past ``after``; iloc
    must come before the insertion (pillow-heif writes it there)."""
    assert iloc < after
    version = data[iloc + 8]
    offset_size, length_size = data[iloc + 12] >> 4, data[iloc + 12] & 15
    base_size, index_size = data[iloc + 13] >> 4, data[iloc + 13] & 15 if version else 0
    at = iloc + 14
    count = struct.unpack_from(">H", data, at)[0]
    at += 2
    for _ in range(count):
        at += 2
        construction = 0
        if version:
            construction = struct.unpack_from(">H", data, at)[0] & 15
            at += 2
        at += 2
        base = int.from_bytes(data[at : at + base_size], "big")
        base_at = at
        at += base_size
        extents = struct.unpack_from(">H", data, at)[0]
        at += 2
        for _ in range(extents):
            at += index_size
            offset = int.from_bytes(data[at : at + offset_size], "big")
            if construction == 0 and base_size == 0 and offset > after:
                data[at : at + offset_size] = (offset + delta).to_bytes(offset_size, "big")
            at += offset_size + length_size
        if construction == 0 and base_size and base > after:
            data[base_at : base_at + base_size] = (base + delta).to_bytes(base_size, "big")
