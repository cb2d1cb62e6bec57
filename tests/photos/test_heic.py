"""The fast road for phone HEIC (photos/heic.py): the same pixels as libheif, the file's own
rotation and mirror applied, and every file it does not fully understand left to libheif."""

from __future__ import annotations

import io
import struct
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from PIL import Image

from sigap.photos import decode, heic

from .conftest import GPS_LAT, GPS_LON, exif
from .heif_edit import box, with_property


def scene(width: int, height: int) -> Image.Image:
    """Four coloured quadrants and a white square near the top left: every turn and flip
    moves them somewhere else."""
    image = Image.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 30, 220), (width // 2, 0, width, height // 2))
    image.paste((30, 200, 30), (0, height // 2, width // 2, height))
    image.paste((240, 200, 20), (width // 2, height // 2, width, height))
    image.paste((255, 255, 255), (width // 10, height // 10, width // 5, height // 5))
    return image


def encoded(image: Image.Image, **options: Any) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=80, exif=exif(), **options)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    decode._register_heif()
    return Image.open(io.BytesIO(data), formats=["HEIF"])


def by_libheif(data: bytes, longest: int = 1600) -> Image.Image:
    image = opened(data)
    image.load()
    image.thumbnail((longest, longest), Image.Resampling.BILINEAR, reducing_gap=1.0)
    return image.convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return float(np.abs(np.asarray(a, np.int16) - np.asarray(b, np.int16)).mean())


MAX = 50_000_000
GRID = encoded(scene(1100, 700), tile_size=512)  # 3 x 2 tiles of 512, cropped to 1100 x 700
SINGLE = encoded(scene(640, 480))


@pytest.mark.parametrize(
    ("data", "layout"),
    [(GRID, (6, 3, 512, 512, 1100, 700)), (SINGLE, (1, 1, 640, 480, 640, 480))],
    ids=["grid", "single"],
)
def test_the_primary_image_is_read_as_its_tiles(data: bytes, layout: tuple[int, ...]) -> None:
    coded = heic.read(data)

    assert coded is not None
    found = (len(coded.tiles), coded.columns, coded.tile_width, coded.tile_height)
    assert (*found, coded.width, coded.height) == layout
    assert coded.transforms == []


@pytest.mark.parametrize("data", [GRID, SINGLE], ids=["grid", "single"])
@pytest.mark.parametrize("longest", [1600, 300])
def test_it_gives_libheifs_pixels(data: bytes, longest: int) -> None:
    fast = heic.display(data, opened(data), longest, MAX)

    assert fast is not None
    reference = by_libheif(data, longest)
    assert fast.size == reference.size
    assert difference(fast, reference) < 3  # different scaling filters, same picture


TRANSFORMED = [
    (box("irot", b"\x01"), [Image.Transpose.ROTATE_90]),
    (box("irot", b"\x02"), [Image.Transpose.ROTATE_180]),
    (box("irot", b"\x03"), [Image.Transpose.ROTATE_270]),
    (box("imir", b"\x00"), [Image.Transpose.FLIP_TOP_BOTTOM]),
    (box("imir", b"\x01"), [Image.Transpose.FLIP_LEFT_RIGHT]),
]


@pytest.mark.parametrize(("prop", "transforms"), TRANSFORMED)
def test_rotation_and_mirror_of_the_file_are_applied_as_libheif_applies_them(
    prop: bytes, transforms: list[Image.Transpose]
) -> None:
    data = with_property(GRID, prop)
    coded = heic.read(data)
    assert coded is not None
    assert coded.transforms == transforms

    fast = heic.display(data, opened(data), 1600, MAX)

    assert fast is not None
    reference = by_libheif(data)
    assert fast.size == reference.size
    assert difference(fast, reference) < 3
    # And it really moved: the untouched picture is far from it.
    if fast.size == (1100, 700):
        assert difference(fast, by_libheif(GRID)) > 20


def test_rotation_then_mirror_in_the_files_order() -> None:
    data = with_property(with_property(GRID, box("irot", b"\x01")), box("imir", b"\x00"))

    fast = heic.display(data, opened(data), 1600, MAX)

    assert fast is not None
    assert fast.size == (700, 1100)
    assert difference(fast, by_libheif(data)) < 3


def test_process_takes_a_phone_heic_by_the_fast_road(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = heic.decode

    def counted(coded: heic.Coded, longest: int) -> Image.Image | None:
        calls.append(len(coded.tiles))
        return real(coded, longest)

    monkeypatch.setattr(heic, "decode", counted)
    result = decode.process(GRID, max_pixels=50_000_000, output="jpeg")

    assert calls == [6]
    assert result.source_type == "heif"
    assert result.gps == pytest.approx((GPS_LAT, GPS_LON), abs=1e-6)
    stored = Image.open(io.BytesIO(result.display.data)).convert("RGB")
    assert difference(stored, by_libheif(GRID)) < 4  # plus one JPEG encoding


def alpha() -> bytes:
    return encoded(scene(400, 300).convert("RGBA"))


def deep() -> bytes:
    """10 bits a sample (pillow-heif opens it as 8-bit RGB; libheif does the conversion)."""
    import pillow_heif

    pixels = np.asarray(scene(400, 300), np.uint16) * 257
    heif = pillow_heif.from_bytes(mode="RGB;16", size=(400, 300), data=pixels.tobytes())
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    return buffer.getvalue()


# 1000 x 600 out of 1100 x 700, centred: width, height, offsets as N/D pairs
CLAP = struct.pack(">8I", 1000, 1, 600, 1, 0, 1, 0, 1)
LEFT_TO_LIBHEIF: list[tuple[str, Callable[[], bytes]]] = [
    ("alpha", alpha),
    ("10-bit", deep),
    ("clean aperture crop", lambda: with_property(GRID, box("clap", CLAP))),
    ("unknown property", lambda: with_property(GRID, box("lsel", b"\x00\x01"))),
]


@pytest.mark.parametrize(("why", "make"), LEFT_TO_LIBHEIF, ids=[w for w, _ in LEFT_TO_LIBHEIF])
def test_what_the_fast_road_does_not_know_goes_to_libheif(
    why: str, make: Callable[[], bytes]
) -> None:
    data = make()

    assert heic.display(data, opened(data), 1600, MAX) is None, why


def test_a_layout_pointing_outside_the_file_is_left_to_libheif() -> None:
    coded = heic.read(GRID)
    assert coded is not None
    cut = GRID.index(coded.tiles[-1]) + 10  # the last tile's extent now ends past the file
    truncated = GRID[:cut]

    with pytest.raises(heic._Unreadable):
        heic.read(truncated)
    assert heic.display(truncated, opened(GRID), 1600, MAX) is None


def test_a_tile_ffmpeg_refuses_sends_the_file_to_libheif() -> None:
    """The fast road steps aside (and its decoders are freed: FFmpeg's own frame threads
    hung here); libheif then decodes what it can, as it did before the fast road existed."""
    coded = heic.read(GRID)
    assert coded is not None
    garbled = bytearray(GRID)
    start = GRID.index(coded.tiles[0])
    garbled[start : start + 64] = b"\xff" * 64

    assert heic.display(bytes(garbled), opened(bytes(garbled)), 1600, MAX) is None
    result = decode.process(bytes(garbled), max_pixels=50_000_000, output="jpeg")
    assert (result.display.width, result.display.height) == (1100, 700)


def test_a_decoder_that_never_returns_costs_the_wait_not_the_photo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The safety net under the fast road: no FFmpeg hang seen with these settings, but if
    one came, the photo would go to libheif after the wait instead of hanging its worker."""
    release = threading.Event()

    def stuck(config: bytes, tiles: list[bytes], threads: int, limit: int) -> list[Any] | None:
        release.wait(10)
        return None

    monkeypatch.setattr(heic, "_frames", stuck)
    monkeypatch.setattr(heic, "DECODE_TIMEOUT_S", 0.2)
    try:
        assert heic.display(GRID, opened(GRID), 1600, MAX) is None
        result = decode.process(GRID, max_pixels=50_000_000, output="jpeg")
    finally:
        release.set()
    assert (result.display.width, result.display.height) == (1100, 700)


def test_the_decoders_allocate_no_more_than_was_checked() -> None:
    """The tiles together are held to the pixel limit (the picture alone passed it: 1100 x
    700 here, in tiles of 1536 x 1024), and FFmpeg to the tile size the file declared: a
    tile whose own header claims more is refused before its frame is allocated."""
    coded = heic.read(GRID)
    assert coded is not None

    assert heic.display(GRID, opened(GRID), 1600, 1100 * 700) is None
    assert heic.display(GRID, opened(GRID), 1600, 1536 * 1024) is not None
    assert heic._frames(coded.config, coded.tiles[:1], 1, 512 * 512 - 1) is None
    assert heic._frames(coded.config, coded.tiles[:1], 1, 512 * 512) is not None
