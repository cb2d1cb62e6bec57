"""THE rule of what each audience sees of a report (moderation and confidentiality).

Three audiences: the **public** (the JSON API, the portal's pages and map, Open311, live
events, webhooks to third parties, open data), the **owner** (the reporter: the tracking code,
or the account or device that filed it) and **officials** (the unit's officials and admins).
Officials see everything. The owner sees their own text and the answers given to them, with
photos and the exact point. The public sees:

* nothing of a report whose ``visibility`` is not ``public`` (``pending``: a region's triage
  holds it for a moderator; ``withheld``: a moderator took it down): it is missing, as if it
  did not exist (404, absent from lists, maps, exports and live events);
* of a **confidential** report (the reporter's choice at submit) only its category, area and
  status (and the dates and unit that go with them): no description, address, notes, answers,
  comments or photos; its point is its kelurahan's centre, and it never matches a spatial
  filter (a box, a circle, the map), since a box that finds it would find its point;
* of a report a moderator **hid** parts of, a placeholder (pages, Open311) or null with
  ``moderated: true`` (the JSON API) in place of each hidden part, or the moderator's redacted
  text where one was written.

Presenters call :func:`shown` on the row they read (its moderation columns are selected with it:
no extra query per row); queries add :func:`published` and, with a spatial filter,
:func:`placed`. The originals are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, literal_column, text

from sigap.models import Report
from sigap.regions.state import RegionState

# What a moderator can hide; confidentiality hides these and the photos and the exact point.
PARTS = ("description", "address", "notes", "answers", "comments")
CONFIDENTIAL_HIDES = frozenset({*PARTS, "photos", "point"})
NOTHING: frozenset[str] = frozenset()
PUBLIC, PENDING, WITHHELD = "public", "pending", "withheld"
# (Bahasa Indonesia, English): what pages and Open311 show instead of hidden text.
PLACEHOLDERS = {
    "moderated": ("[disembunyikan oleh moderator]", "[hidden by a moderator]"),
    "confidential": ("[laporan rahasia]", "[confidential report]"),
}
# Reports the map's stored counts must not place (migration 0023's ix_report_unplaced: the
# predicate is repeated literally so both databases can use that index).
UNPLACED = text("(report.confidential OR report.visibility <> 'public')")
PENDING_ONLY = Report.visibility == literal_column("'pending'")
# The columns :func:`shown` reads besides a report's text and point: every public query of
# report rows selects them with the row.
COLUMNS = (
    Report.visibility,
    Report.confidential,
    Report.hidden_parts,
    Report.public_description,
    Report.public_address,
)


class Audience(StrEnum):
    PUBLIC = "public"
    OWNER = "owner"
    OFFICIAL = "official"


def published() -> ColumnElement[bool]:
    """Reports the public may see at all (a literal, not a parameter: one statement text)."""
    return Report.visibility == literal_column("'public'")


def placed() -> ColumnElement[bool]:
    """Reports a spatial filter may match: not confidential."""
    return Report.confidential.is_(False)


def parts_of(value: str | None) -> frozenset[str]:
    """The stored ``hidden_parts`` as a set."""
    return frozenset(value.split(",")) if value else NOTHING


def stored_parts(parts: set[str] | frozenset[str]) -> str | None:
    return ",".join(p for p in PARTS if p in parts) or None


def is_visible(visibility: str, audience: Audience) -> bool:
    return audience is not Audience.PUBLIC or visibility == PUBLIC


def placeholder(kind: str, language: str) -> str:
    return PLACEHOLDERS[kind][1 if language == "en" else 0]


@dataclass(frozen=True, slots=True)
class Shown:
    """What one audience sees of one report's free text and place."""

    hidden: frozenset[str]  # parts the audience does not see ("photos", "point" too)
    confidential: bool
    moderated: bool  # a moderator hid or redacted something (whoever looks)
    description: str | None  # None: hidden
    address: str | None
    lon: float
    lat: float

    def shows(self, part: str) -> bool:
        return part not in self.hidden

    def text(self, value: str | None, language: str) -> str | None:
        """``value`` as pages and Open311 show it: the placeholder where the text is hidden
        (none where there was no text to hide)."""
        return value if value is not None else self.placeholder(language)

    def placeholder(self, language: str) -> str:
        return placeholder("confidential" if self.confidential else "moderated", language)

    def note(self, value: str | None, language: str) -> str | None:
        """A timeline note: shown, or the placeholder where notes are hidden."""
        if value is None or self.shows("notes"):
            return value
        return self.placeholder(language)


def public_hidden(item: Mapping[Any, Any]) -> frozenset[str]:
    """The parts the public does not see of a report (no region needed: for the worker)."""
    return CONFIDENTIAL_HIDES if item["confidential"] else parts_of(item["hidden_parts"])


def shown(state: RegionState, item: Mapping[Any, Any], audience: Audience) -> Shown:
    """What ``audience`` sees of ``item`` (a report row with its moderation columns)."""
    confidential = bool(item["confidential"])
    parts = parts_of(item["hidden_parts"])
    description, address = item.get("description"), item.get("address")
    lon, lat = item["lon"], item["lat"]
    if audience is not Audience.PUBLIC:
        return Shown(NOTHING, confidential, bool(parts), description, address, lon, lat)
    if confidential:
        lon, lat = centre(state, item["kelurahan_code"], lon, lat)
        return Shown(CONFIDENTIAL_HIDES, True, bool(parts), None, None, lon, lat)
    if "description" in parts:
        description = item["public_description"]
    if address is None:
        parts = parts - {"address"}  # nothing was hidden: no placeholder for it
    elif "address" in parts:
        address = item["public_address"]
    return Shown(parts, False, bool(parts), description, address, lon, lat)


def centre(state: RegionState, kelurahan: str, lon: float, lat: float) -> tuple[float, float]:
    """Where the public sees a confidential report: its kelurahan's label point (its
    kecamatan's or kota's when the pack has none; else the point rounded to about 1 km)."""
    for area in state.lineage(kelurahan):
        if area.label_lon is not None and area.label_lat is not None:
            return area.label_lon, area.label_lat
    return round(lon, 2), round(lat, 2)


def public_summary(state: RegionState, item: Mapping[Any, Any], language: str) -> str:
    """A report's description as a page's list shows it to the public: the text, or the
    placeholder where it is hidden."""
    view = shown(state, item, Audience.PUBLIC)
    return view.text(view.description, language) or ""
