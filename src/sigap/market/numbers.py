"""The structure of the numbers a seller registers: NIB, P-IRT, halal, BPOM.

A P-IRT number (Peraturan BPOM No. 22 Tahun 2018, Pedoman Pemberian SPP-IRT; docs/market.md
cites the description used) has 15 digits::

    P  TT  PPKK  NN  UUUU  YY
    |  |   |     |   |     +-- the last year of validity (two digits)
    |  |   |     |   +-------- the producer's number in its regency or city (IRTP)
    |  |   |     +------------ the product's number among the producer's certified products
    |  |   +------------------ province (2) and regency/city (2) code, as BPS/Kemendagri number them
    |  +---------------------- the food type (01..16, the regulation's list)
    +------------------------- the packaging: 1 glass, 2 plastic, 3 paper/carton, 4 can,
                               5 aluminium foil, 6 other (e.g. leaves), 7 composite, 8 double

Only the structure is checked here; whether the number was really issued is what the
curating office verifies (a badge with who and when).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sigap.errors import SigapError

# Province codes as BPS and Kemendagri number them (the 38 provinces).
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)
PACKAGING = {
    "1": "glass",
    "2": "plastic",
    "3": "paper",
    "4": "can",
    "5": "aluminium_foil",
    "6": "other",
    "7": "composite",
    "8": "double",
}
FOOD_TYPES = range(1, 17)
_SEPARATORS = re.compile(r"[\s.\-/]")


@dataclass(frozen=True, slots=True)
class Pirt:
    number: str
    packaging: str
    food_type: int
    province: str
    regency: str
    product: str
    producer: str
    expires_year: int  # four digits


_LABEL = re.compile(r"^(P-?IRT|NIB)?\s*(NO\.?|NOMOR)?\s*:?")


def _digits(value: str) -> str:
    """The number without the label people copy with it ("P-IRT No. ...") and separators."""
    return _SEPARATORS.sub("", _LABEL.sub("", value.strip().upper()))


def nib(value: str) -> str:
    """The NIB as stored (13 digits), or 422 ``market_bad_nib``."""
    found = _digits(value)
    if not re.fullmatch(r"\d{13}", found):
        raise SigapError("market_bad_nib", value=value[:40])
    return found


def _bad_pirt(value: str, reason_id: str, reason_en: str) -> SigapError:
    return SigapError("market_bad_pirt", value=value[:40], reason_id=reason_id, reason_en=reason_en)


def pirt(value: str, *, this_year: int) -> Pirt:
    """The parts of a P-IRT number, or 422 ``market_bad_pirt`` naming the part that is wrong.
    An expired one (its year before ``this_year``) is refused too."""
    found = _digits(value)
    if not re.fullmatch(r"\d{15}", found):
        raise _bad_pirt(value, "harus 15 angka", "it must be 15 digits")
    if found[0] not in PACKAGING:
        raise _bad_pirt(
            value,
            "kode kemasan (angka ke-1) harus 1-8",
            "the packaging code (1st digit) must be 1-8",
        )
    if int(found[1:3]) not in FOOD_TYPES:
        raise _bad_pirt(
            value,
            "kode jenis pangan (angka ke-2 dan ke-3) harus 01-16",
            "the food type (2nd and 3rd digits) must be 01-16",
        )
    if found[3:5] not in PROVINCES or found[5:7] == "00":
        raise _bad_pirt(
            value,
            "kode provinsi dan kabupaten/kota (angka ke-4 sampai ke-7) tidak dikenal",
            "the province and regency code (4th to 7th digits) is not one that exists",
        )
    if found[7:9] == "00" or found[9:13] == "0000":
        raise _bad_pirt(
            value,
            "nomor produk dan nomor produsen tidak boleh nol",
            "the product and producer numbers cannot be zero",
        )
    year = 2000 + int(found[13:15])
    if year < this_year:
        raise _bad_pirt(value, f"masa berlakunya berakhir tahun {year}", f"it expired in {year}")
    return Pirt(
        found,
        PACKAGING[found[0]],
        int(found[1:3]),
        found[3:5],
        found[5:7],
        found[7:9],
        found[9:13],
        year,
    )


def halal(value: str) -> str:
    """A BPJPH halal certificate number: ``ID`` and 14 to 19 digits (its first two the
    province's code)."""
    found = re.sub(r"\s", "", value.strip().upper())
    if not re.fullmatch(r"ID\d{14,19}", found) or found[2:4] not in PROVINCES:
        raise SigapError("market_bad_halal", value=value[:40])
    return found


def bpom(value: str) -> str:
    """A BPOM registration number of processed food: MD (made here) or ML (imported) and its
    digits, as printed on the label ("BPOM RI MD 123456789012")."""
    found = re.sub(r"[\s.]", "", value.strip().upper()).removeprefix("BPOMRI")
    if not re.fullmatch(r"M[DL]\d{12,15}", found):
        raise SigapError("market_bad_bpom", value=value[:40])
    return found
