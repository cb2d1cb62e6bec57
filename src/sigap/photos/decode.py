"""Safe decoding and re-encoding of untrusted photos (pure CPU work, no I/O, no database).

The type is decided by the file's first bytes, never by its name or the client's header, and
Pillow is told to try only that one format. Refused: other types, truncated or corrupt files,
more pixels than the limit (checked from the header, before any pixel is decoded), animated
files. The output is re-encoded from pixels alone, so nothing of the original's metadata
(EXIF with GPS and device, XMP, IPTC, comments, ICC) can survive: colours are converted to
sRGB first and the orientation is applied first. The GPS position and the capture time are read
before they are dropped (the location suggested to a reporter; the checks of an after-photo,
:mod:`sigap.photos.proof`), and a perceptual hash of the cleaned pixels is computed
(:mod:`sigap.photos.phash`).

JPEG is decoded at a reduced scale (``Image.draft``: the decoder skips detail the display size
does not need), which keeps a 12-megapixel photo well inside the time and memory targets.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import ExifTags, Image, ImageCms

from sigap.errors import SigapError
from sigap.photos import heic, phash

DISPLAY_SIZE = 1600
THUMB_SIZE = 320
FORMATS = {"webp": ("WEBP", "image/webp"), "jpeg": ("JPEG", "image/jpeg")}
EXTENSIONS = {"webp": "webp", "jpeg": "jpg"}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"heif"}
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_heif_ready = False


@dataclass(frozen=True, slots=True)
class Rendition:
    data: bytes
    width: int
    height: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Processed:
    """One photo, cleaned: a display size and a thumbnail, and what was learnt on the way."""

    display: Rendition
    thumb: Rendition
    content_type: str
    extension: str
    source_type: str  # jpeg, png, webp, heif
    gps: tuple[float, float] | None  # (lat, lon) read from EXIF before it was dropped
    taken: Taken | None  # the capture time read from EXIF before it was dropped
    phash: int  # perceptual hash of the cleaned picture (sigap.photos.phash)
    phash_mirror: int  # ... and of its mirror image (checked, never stored)


@dataclass(frozen=True, slots=True)
class Taken:
    """A capture time as the camera wrote it: local wall-clock time, and its UTC offset when the
    camera wrote one (``OffsetTimeOriginal``); without it the region's time zone is assumed."""

    local: datetime  # naive
    offset: timedelta | None

    def utc(self, zone: Any) -> datetime:
        """The moment in UTC; ``zone`` (a tzinfo) interprets a time written without offset."""
        if self.offset is not None:
            aware = self.local.replace(tzinfo=timezone(self.offset))
        else:
            aware = self.local.replace(tzinfo=zone)
        return aware.astimezone(UTC)


def sniff(head: bytes | bytearray) -> str | None:
    """The image type by magic bytes: jpeg, png, webp, heif, or None for anything else."""
    head = bytes(head[:32])
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heif"
    return None


def process(
    data: bytes | bytearray, *, max_pixels: int, output: str = "webp", quality: int = 80
) -> Processed:
    """Decode ``data`` safely and make the display and thumbnail renditions.

    Raises :class:`SigapError` (photo_type_not_allowed, photo_corrupt, photo_too_many_pixels,
    photo_animated); any other exception would be a bug, not a bad file.
    """
    kind = sniff(data[:32])
    if kind is None:
        raise SigapError("photo_type_not_allowed")
    try:
        with _open(data, kind) as image:
            _check(image, max_pixels)
            metadata = image.getexif()
            gps = read_gps(metadata)
            taken = read_taken(metadata)
            display = _display(image, kind, data, max_pixels)
    except SigapError:
        raise
    except Image.DecompressionBombError:
        raise SigapError("photo_too_many_pixels", limit=max_pixels) from None
    except (OSError, SyntaxError, ValueError, EOFError, KeyError, IndexError, TypeError):
        raise SigapError("photo_corrupt") from None
    thumb = display.copy()
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    pil_format, content_type = FORMATS[output]
    hashed, mirrored = phash.variants(display)
    return Processed(
        display=_encode(display, pil_format, quality),
        thumb=_encode(thumb, pil_format, quality),
        content_type=content_type,
        extension=EXTENSIONS[output],
        source_type=kind,
        gps=gps,
        taken=taken,
        phash=hashed,
        phash_mirror=mirrored,
    )


def _open(data: bytes | bytearray, kind: str) -> Image.Image:
    if kind == "heif":
        _register_heif()
    pil_format = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heif": "HEIF"}[kind]
    return Image.open(io.BytesIO(data), formats=[pil_format])


def _register_heif() -> None:
    """pillow-heif registers itself with Pillow on first need, not at import time."""
    global _heif_ready
    if not _heif_ready:
        import pillow_heif

        pillow_heif.register_heif_opener(thumbnails=False)
        _heif_ready = True


def _check(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise SigapError("photo_corrupt")
    if width * height > max_pixels:
        raise SigapError("photo_too_many_pixels", limit=max_pixels)
    # A phone JPEG with more than one picture is MPO (a depth map or HDR gain map after the
    # photo), not an animation: only its first picture is decoded.
    if image.format != "MPO" and getattr(image, "n_frames", 1) > 1:
        raise SigapError("photo_animated")


def _display(
    image: Image.Image, kind: str, data: bytes | bytearray, max_pixels: int
) -> Image.Image:
    """Decode (JPEG at the smallest scale still at least the display size; a phone's HEIC
    through :mod:`sigap.photos.heic`), shrink to the display size, orient, convert to sRGB
    RGB. The result carries no metadata at all.

    Shrinking comes first so that rotation and colour conversion touch 2 megapixels, not 12;
    a box reduction followed by an antialiased bilinear filter is as sharp as a photo at 1600 px
    needs and several times cheaper than Lanczos on the full image. (A HEIF's orientation is
    its irot/imir boxes, which libheif and the fast road apply; pillow-heif reports the EXIF
    orientation as 1, so it is not applied twice.)
    """
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    shrunk = heic.display(data, image, DISPLAY_SIZE, max_pixels) if kind == "heif" else None
    if shrunk is None:
        if kind == "jpeg":
            width, height = image.size
            scale = DISPLAY_SIZE / max(width, height)
            if scale < 1:
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
        image.load()
        image.thumbnail((DISPLAY_SIZE, DISPLAY_SIZE), Image.Resampling.BILINEAR, reducing_gap=1.0)
        shrunk = image
    oriented = _orient(shrunk, orientation)
    clean = _to_srgb(oriented, image.info.get("icc_profile"))
    clean.info = {}
    return clean


def _orient(image: Image.Image, orientation: Any) -> Image.Image:
    """What ``ImageOps.exif_transpose`` does, applied to the shrunk image (its EXIF is read
    before decoding; after the shrink only the pixels are left)."""
    method = ORIENTATIONS.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _to_srgb(image: Image.Image, icc: Any) -> Image.Image:
    """RGB in sRGB: through the embedded ICC profile when there is a usable one (CMYK photos
    included), else the pixels as they are, taken to be sRGB already."""
    base = image if image.mode in ("RGB", "CMYK") else _flatten(image)
    if isinstance(icc, bytes) and icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(base, source, _SRGB, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile, or one for another colour space
    return _flatten(base)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with transparency composed onto white (a report photo has no use for alpha)."""
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I"):  # 16-bit grey PNG: scale to 8 bits, not clip to white
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, pil_format: str, quality: int) -> Rendition:
    buffer = io.BytesIO()
    if pil_format == "WEBP":
        image.save(buffer, "WEBP", quality=quality, method=2, exif=b"", icc_profile=None)
    else:
        image.save(buffer, "JPEG", quality=quality, optimize=True, exif=b"", icc_profile=None)
    data = buffer.getvalue()
    return Rendition(data, image.width, image.height, hashlib.sha256(data).hexdigest())


def read_gps(exif: Image.Exif) -> tuple[float, float] | None:
    """(lat, lon) from EXIF's GPS block, or None when absent, partial or nonsensical."""
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef))
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef))
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lat, 7), round(lon, 7)


def read_taken(exif: Image.Exif) -> Taken | None:
    """When the photo was taken: ``DateTimeOriginal`` (else ``DateTimeDigitized``) with its
    ``OffsetTime...`` when present; None when absent or not a date."""
    try:
        ifd = exif.get_ifd(ExifTags.IFD.Exif)
    except (KeyError, TypeError, ValueError, OSError):
        return None
    pairs = (
        (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal),
        (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized),
    )
    for time_tag, offset_tag in pairs:
        local = _exif_time(ifd.get(time_tag))
        if local is not None:
            return Taken(local, _exif_offset(ifd.get(offset_tag)))
    return None


def _exif_text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value).strip("\x00 ") if value is not None else ""


def _exif_time(value: Any) -> datetime | None:
    text = _exif_text(value)[:19]
    try:
        found = datetime.strptime(text, "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - local, naive
    except ValueError:
        return None
    return found if found.year >= 1990 else None  # "0000:00:00 00:00:00" and clock resets


def _exif_offset(value: Any) -> timedelta | None:
    text = _exif_text(value)
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def _degrees(value: Any, ref: Any) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        result = -result
    return result
