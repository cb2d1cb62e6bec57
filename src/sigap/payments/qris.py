"""QRIS payloads: a merchant's static QRIS made into a dynamic one for an exact amount.

QRIS is Bank Indonesia's national QR standard on EMVCo's merchant-presented mode (MPM): a
string of data objects, each an ID of two digits, a length of two digits and a value. The
Payload Format Indicator (``00``) comes first and the CRC (``63``: CRC-16/CCITT-FALSE of
everything before its value, ``6304`` included, four upper-case hex digits) last. A merchant
gets a *static* code from its acquirer (point of initiation ``11``, no amount); a payer's app
scanning a *dynamic* code (``12``) with the amount in ``54`` pays exactly that amount. Sigap
never invents merchant accounts: it takes the merchant's static code as given, checks it,
and adds the amount (and optionally a reference in ``62``/``05``, the reference label).
"""

from __future__ import annotations

from dataclasses import dataclass

from sigap.errors import SigapError

STATIC = "11"
DYNAMIC = "12"
CURRENCY_IDR = "360"
MAX_AMOUNT_DIGITS = 13  # EMVCo: the amount's value is at most 13 characters
_ADDITIONAL = "62"
_REFERENCE = "05"
_DROPPED = frozenset({"54", "55", "56", "57", "63"})  # amount, tips: the dynamic code's own


@dataclass(frozen=True, slots=True)
class Merchant:
    """What a payer is shown of a QRIS code's merchant."""

    name: str
    city: str
    amount: int | None


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF) of the text's bytes, as EMVCo's
    tag 63 writes it."""
    crc = 0xFFFF
    for byte in text.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def objects(text: str) -> list[tuple[str, str]]:
    """The data objects of a TLV string, in order; :class:`SigapError` ``qris_invalid`` if
    the string is not a sequence of well-formed objects."""
    found: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        head = text[at : at + 4]
        if len(head) < 4 or not head.isdigit():
            raise _invalid(f"object at {at}")
        size = int(head[2:])
        value = text[at + 4 : at + 4 + size]
        if len(value) != size:
            raise _invalid(f"object {head[:2]} length")
        found.append((head[:2], value))
        at += 4 + size
    return found


def parse(payload: str) -> list[tuple[str, str]]:
    """A QRIS payload's data objects, after checking its frame: format indicator first, the
    CRC last and right, Indonesian rupiah, a merchant account."""
    payload = payload.strip()
    found = objects(payload)
    if not found or found[0] != ("00", "01"):
        raise _invalid("00")
    if found[-1][0] != "63" or len(found[-1][1]) != 4:
        raise _invalid("63")
    if crc16(payload[:-4]) != found[-1][1].upper():
        raise _invalid("crc")
    tags = dict(found)
    if tags.get("53") != CURRENCY_IDR:
        raise _invalid("53")
    if not any("26" <= tag <= "51" for tag, _ in found):
        raise _invalid("26-51")
    if tags.get("58") != "ID" or not tags.get("59"):
        raise _invalid("58-59")
    return found


def dynamic(static: str, amount: int, *, reference: str | None = None) -> str:
    """The merchant's code ``static`` for exactly ``amount`` rupiah: point of initiation 12,
    the amount in 54 (tips dropped), the reference label ``reference`` in 62/05 when given, a
    new CRC. Taking a dynamic code again replaces its amount."""
    if amount <= 0 or len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise _invalid("54")
    found = [(tag, value) for tag, value in parse(static) if tag not in _DROPPED]
    found = [(tag, DYNAMIC if tag == "01" else value) for tag, value in found]
    if "01" not in dict(found):
        found.insert(1, ("01", DYNAMIC))
    found.append(("54", str(amount)))
    if reference is not None:
        found = _with_reference(found, reference)
    head = "".join(_object(tag, value) for tag, value in sorted(found, key=_order)) + "6304"
    return head + crc16(head)


def merchant(payload: str) -> Merchant:
    """The merchant's name and city and the amount, if any, of a checked payload."""
    tags = dict(parse(payload))
    amount = tags.get("54")
    return Merchant(
        name=tags.get("59", ""),
        city=tags.get("60", ""),
        amount=int(amount) if amount and amount.isdigit() else None,
    )


def _with_reference(found: list[tuple[str, str]], reference: str) -> list[tuple[str, str]]:
    if not reference or len(reference) > 25 or not reference.isascii():
        raise _invalid("62")
    tags = dict(found)
    inner = [(t, v) for t, v in objects(tags.get(_ADDITIONAL, "")) if t != _REFERENCE]
    inner.append((_REFERENCE, reference))
    value = "".join(_object(tag, text) for tag, text in sorted(inner))
    return [(t, v) for t, v in found if t != _ADDITIONAL] + [(_ADDITIONAL, value)]


def _order(item: tuple[str, str]) -> tuple[int, str]:
    # 00 first, then the others by ID (the CRC is appended after)
    return (0 if item[0] == "00" else 1, item[0])


def _object(tag: str, value: str) -> str:
    if len(value) > 99:
        raise _invalid(tag)
    return f"{tag}{len(value):02d}{value}"


def _invalid(problem: str) -> SigapError:
    return SigapError("qris_invalid", problem=problem)
