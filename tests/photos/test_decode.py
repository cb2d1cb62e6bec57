"""Safe decoding: type by content, refusals, orientation, GPS, and no metadata in the output."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from sigap.errors import SigapError
from sigap.photos import decode

from .conftest import (
    GPS_LAT,
    GPS_LON,
    animated,
    exif,
    heic,
    jpeg,
    metadata_left,
    picture,
    png_bomb,
    png_with_text,
    webp,
)

CLEAN = {"exif": {}, "gps": {}, "icc": None, "xmp": None, "text": {}, "raw": []}


def process(data: bytes, max_pixels: int = 50_000_000, output: str = "jpeg") -> decode.Processed:
    return decode.process(data, max_pixels=max_pixels, output=output)


def refusal(data: bytes, max_pixels: int = 50_000_000) -> SigapError:
    with pytest.raises(SigapError) as caught:
        process(data, max_pixels)
    return caught.value


def test_the_originals_do_carry_the_metadata_the_output_must_not() -> None:
    """Guards the other tests: the test images really have GPS, device, XMP and ICC."""
    left = metadata_left(jpeg())
    assert left["gps"]
    assert left["icc"]
    assert left["xmp"]
    assert b"SecretPhoneMaker" in left["raw"]


@pytest.mark.parametrize(
    ("make", "kind"),
    [(jpeg, "jpeg"), (png_with_text, "png"), (webp, "webp"), (heic, "heif")],
)
@pytest.mark.parametrize("output", ["jpeg", "webp"])
def test_every_type_comes_out_clean_with_its_gps_read(
    make: Callable[[], bytes], kind: str, output: str
) -> None:
    result = process(make(), output=output)

    assert result.source_type == kind
    assert result.gps == pytest.approx((GPS_LAT, GPS_LON), abs=1e-6)
    assert result.content_type == f"image/{output}"
    for rendition in (result.display, result.thumb):
        assert metadata_left(rendition.data) == CLEAN
        assert Image.open(io.BytesIO(rendition.data)).format == output.upper()


def test_orientation_is_applied_before_metadata_is_dropped() -> None:
    # Orientation 6: the camera was turned; the viewer must rotate 90° clockwise.
    result = process(jpeg(orientation=6))

    image = Image.open(io.BytesIO(result.display.data)).convert("RGB")
    assert image.size == (300, 400)
    top = image.getpixel((150, 20))
    bottom = image.getpixel((150, 380))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 150
    assert top[2] < 100
    assert bottom[2] > 150
    assert bottom[0] < 100


def test_large_photos_shrink_to_display_and_thumbnail_sizes() -> None:
    result = process(jpeg(size=(4000, 3000)))

    assert (result.display.width, result.display.height) == (1600, 1200)
    assert max(result.thumb.width, result.thumb.height) == 320
    assert result.display.sha256 != result.thumb.sha256


def test_type_is_decided_by_content_not_by_name() -> None:
    assert decode.sniff(png_with_text()[:32]) == "png"
    assert refusal(b"hello, this is text pretending to be a .jpg").code == "photo_type_not_allowed"


def test_other_types_are_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    error = refusal(buffer.getvalue())
    assert (error.code, error.status) == ("photo_type_not_allowed", 415)
    assert refusal(animated("GIF")).code == "photo_type_not_allowed"


@pytest.mark.parametrize("make", [jpeg, png_with_text, webp])
def test_truncated_files_are_refused(make: Callable[[], bytes]) -> None:
    data = make()
    error = refusal(data[: len(data) // 2])
    assert (error.code, error.status) == ("photo_corrupt", 422)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    error = refusal(png_bomb())
    assert (error.code, error.status) == ("photo_too_many_pixels", 422)
    # Below Pillow's own limit, the setting decides.
    assert refusal(png_bomb(2000, 2000), max_pixels=1_000_000).code == "photo_too_many_pixels"


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_files_are_refused(fmt: str) -> None:
    assert refusal(animated(fmt)).code == "photo_animated"


def test_gps_that_makes_no_sense_is_not_suggested() -> None:
    data = Image.Exif()
    assert decode.read_gps(data) is None
    gps = data.get_ifd(0x8825)
    gps[2] = (95.0, 0.0, 0.0)
    gps[4] = (10.0, 0.0, 0.0)
    assert decode.read_gps(data) is None


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _transparent_palette() -> bytes:
    image = Image.new("P", (200, 100), 0)
    image.putpalette([255, 0, 0] * 256)
    return _saved(image, "PNG", transparency=0)


@pytest.mark.parametrize(
    ("make", "colour"),
    [
        (lambda: _saved(Image.new("CMYK", (200, 100), (0, 255, 255, 0)), "JPEG"), (255, 0, 0)),
        (lambda: _saved(Image.new("L", (200, 100), 128), "JPEG"), (128, 128, 128)),
        (lambda: _saved(Image.new("I;16", (200, 100), 32768), "PNG"), (128, 128, 128)),
        (lambda: _saved(Image.new("LA", (200, 100), (10, 0)), "PNG"), (255, 255, 255)),
        (_transparent_palette, (255, 255, 255)),
        (lambda: _saved(Image.new("RGBA", (200, 100), (0, 0, 255, 255)), "WEBP"), (0, 0, 255)),
    ],
    ids=["cmyk-jpeg", "grey-jpeg", "grey16-png", "grey-alpha-png", "palette-png", "rgba-webp"],
)
def test_every_colour_mode_becomes_rgb_with_its_colours(
    make: Callable[[], bytes], colour: tuple[int, int, int]
) -> None:
    """Transparency is laid on white; 16-bit grey is scaled, not clipped."""
    stored = Image.open(io.BytesIO(process(make()).display.data))
    assert stored.mode == "RGB"
    pixel = stored.getpixel((100, 50))
    assert isinstance(pixel, tuple)
    assert all(abs(a - b) <= 8 for a, b in zip(pixel, colour, strict=True)), pixel


def test_a_phone_jpeg_with_a_second_picture_is_not_animation() -> None:
    """Phones write MPO: the photo, then a depth or HDR gain map. The photo is what counts."""
    gain_map = Image.new("L", (400, 300), 50).convert("RGB")
    data = _saved(picture(), "MPO", save_all=True, append_images=[gain_map], exif=exif())
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = process(data)
    assert result.source_type == "jpeg"
    assert result.gps is not None
    assert metadata_left(result.display.data) == CLEAN


@pytest.mark.parametrize("make", [jpeg, png_with_text, webp, heic])
def test_uploads_arrive_as_bytearrays_and_decode_the_same(make: Callable[[], bytes]) -> None:
    data = make()
    assert process(bytearray(data)).display.sha256 == process(data).display.sha256
