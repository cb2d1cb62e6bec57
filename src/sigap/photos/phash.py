"""A perceptual hash of a photo, to recognise copies and near-copies (pure CPU work).

The hash is a DCT hash ("pHash"): the picture is reduced to 32 x 32 grey (a box filter, so
the result hardly depends on the size it came in), transformed by a 2-D DCT, and the 64 lowest
frequencies after the mean (taken in zig-zag order) each give one bit: above or below their
median. Low frequencies are the picture's large shapes and shading, which survive resizing,
recompression at any quality, a colour or brightness shift, and a mild crop (a few per cent
from an edge moves the large shapes a little); copies differ from the original in a few bits,
unrelated photos in about 32.

Not caught: a strong crop (a quarter of the picture cut away), a rotation (a mirror image *is*
caught: its hash is checked as well, see :func:`variants`), a collage, or a photo of a screen
showing the original. Two genuinely different photos of the same scene from the same spot can
come close; the threshold (:data:`THRESHOLD`) is set so that re-uploads are caught and new
photos of a changed scene are not.

For fast lookup among many stored hashes the 64 bits are split into four 16-bit bands, each an
indexed column: two hashes within :data:`THRESHOLD` (at most 11) bits of each other agree to
within 2 bits in at least one band (if every band differed in 3 or more, the whole would differ
in 12 or more), so the candidates are the rows whose band is one of the 137 values within 2
bits of the query's band, in any of the four bands: an exact search, not an approximation.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
from PIL import Image

SIDE = 32
BITS = 64
BANDS = 4
BAND_BITS = BITS // BANDS
BAND_RADIUS = 2
# Copies (resized, recompressed, cropped a little, mirrored) measured at 0-8 bits; different
# photos at 20-40. At most BANDS * (BAND_RADIUS + 1) - 1 = 11, or the band search would miss.
THRESHOLD = 10
if THRESHOLD > BANDS * (BAND_RADIUS + 1) - 1:
    raise RuntimeError("THRESHOLD too large for the band search")


@cache
def _dct_matrix() -> np.ndarray:
    """The orthonormal DCT-II matrix of size SIDE (rows are frequencies)."""
    n = np.arange(SIDE)
    matrix = np.cos(np.pi * (2 * n[None, :] + 1) * n[:, None] / (2 * SIDE))
    matrix[0] *= 1 / np.sqrt(2)
    return np.asarray(matrix * np.sqrt(2 / SIDE))


@cache
def _low_frequencies() -> tuple[np.ndarray, np.ndarray]:
    """The 64 lowest (u, v) frequencies after (0, 0), in zig-zag order."""
    order = sorted(
        ((u, v) for u in range(12) for v in range(12) if (u, v) != (0, 0)),
        key=lambda uv: (uv[0] + uv[1], uv[0]),
    )[:BITS]
    return np.array([u for u, _ in order]), np.array([v for _, v in order])


def grey(image: Image.Image) -> np.ndarray:
    """The picture as SIDE x SIDE grey values (what the hash and its variants start from)."""
    small = image.convert("L").resize((SIDE, SIDE), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float64)


def of_grey(pixels: np.ndarray) -> int:
    matrix = _dct_matrix()
    coefficients = matrix @ pixels @ matrix.T
    rows, columns = _low_frequencies()
    low = coefficients[rows, columns]
    bits = low > np.median(low)
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def of(image: Image.Image) -> int:
    """The 64-bit hash of a picture (any mode, any size) as an unsigned int."""
    return of_grey(grey(image))


def variants(image: Image.Image) -> tuple[int, int]:
    """The hash of the picture and of its mirror image (a copy flipped to look new)."""
    pixels = grey(image)
    return of_grey(pixels), of_grey(pixels[:, ::-1].copy())


def distance(first: int, second: int) -> int:
    return (first ^ second).bit_count()


def bands(value: int) -> tuple[int, ...]:
    """The four 16-bit bands of a hash, first band = highest bits (each fits an INTEGER)."""
    mask = (1 << BAND_BITS) - 1
    return tuple((value >> (BAND_BITS * (BANDS - 1 - i))) & mask for i in range(BANDS))


def join(parts: tuple[int, ...] | list[int]) -> int:
    value = 0
    for part in parts:
        value = (value << BAND_BITS) | part
    return value


@cache
def _flips() -> tuple[int, ...]:
    """Every 16-bit mask with at most BAND_RADIUS bits set (1 + 16 + 120 = 137)."""
    found = [0]
    for count in range(1, BAND_RADIUS + 1):
        for positions in combinations(range(BAND_BITS), count):
            found.append(sum(1 << p for p in positions))
    return tuple(found)


def neighbours(band: int) -> list[int]:
    """The band values within BAND_RADIUS bits of ``band`` (the candidates' band values)."""
    return [band ^ flip for flip in _flips()]


def to_hex(value: int) -> str:
    return f"{value:016x}"
