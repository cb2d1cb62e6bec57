"""Photo test helpers: images made here with Pillow (EXIF with GPS and device, XMP, text chunks,
ICC, animation, HEIC through pillow-heif), and settings whose media directory is the test's own.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms

from sigap.config import Settings

# Monas, Jakarta: 6°10'31.44"S 106°49'37.92"E
GPS_LAT, GPS_LON = -6.1754, 106.8272
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    b'tiff:Make="SecretPhoneMaker"/></rdf:RDF></x:xmpmeta>'
)


def picture(width: int = 400, height: int = 300) -> Image.Image:
    """A picture whose left half is red and right half blue, so orientation can be checked."""
    image = Image.new("RGB", (width, height), (220, 30, 30))
    image.paste((30, 30, 220), (width // 2, 0, width, height))
    return image


def exif(orientation: int = 1) -> Image.Exif:
    data = Image.Exif()
    data[ExifTags.Base.Make] = "SecretPhoneMaker"
    data[ExifTags.Base.Model] = "Model X-123"
    data[ExifTags.Base.Orientation] = orientation
    gps = data.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 10.0, 31.44)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 37.92)
    return data


def jpeg(orientation: int = 1, size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    picture(*size).save(
        buffer, "JPEG", quality=90, exif=exif(orientation), icc_profile=icc, xmp=XMP
    )
    return buffer.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Siti Rahma")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    picture().convert("RGBA").save(buffer, "PNG", pnginfo=info, exif=exif())
    return buffer.getvalue()


def webp() -> bytes:
    buffer = io.BytesIO()
    picture().save(buffer, "WEBP", exif=exif(), xmp=XMP)
    return buffer.getvalue()


def heic() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    picture().save(buffer, "HEIF", exif=exif(), quality=60)
    return buffer.getvalue()


def animated(fmt: str) -> bytes:
    frames = [picture(), picture().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    buffer = io.BytesIO()
    frames[0].save(buffer, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims a huge image, followed by a tiny (wrong) data stream."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def metadata_left(data: bytes) -> dict[str, Any]:
    """Everything of the original's metadata that a stored file could still carry."""
    image = Image.open(io.BytesIO(data))
    exif_data = image.getexif()
    return {
        "exif": dict(exif_data),
        "gps": dict(exif_data.get_ifd(ExifTags.IFD.GPSInfo)),
        "icc": image.info.get("icc_profile"),
        "xmp": image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"),
        "text": {k: v for k, v in image.info.items() if isinstance(v, str)},
        "raw": [m for m in (b"SecretPhoneMaker", b"Model X-123", b"Siti") if m in data],
    }


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def settings(database_url: str, media_dir: Path) -> Settings:
    return Settings(
        database_url=database_url, public_url="http://sigap.test", media_dir=str(media_dir)
    )
