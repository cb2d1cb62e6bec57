"""Sellers: registration with their numbers, the curating office's verification, curation and
suspension, badges.

A seller registers with an account (one shop per account) and is ``pending`` until an
official of the curating unit (``SIGAP_MARKET_CURATOR_UNIT``, the region's trade and small
business office, or a unit below it; admins too) curates it: only then are its products
listed and ordered. Each number (NIB, P-IRT, halal, BPOM) is checked for its structure here
(:mod:`sigap.market.numbers`) and verified by the office one by one; a verified number is a
badge (what, when). Curating needs the NIB verified. A suspension names its reason, shown to
the seller; the shop's pages and products disappear until it is reinstated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.errors import OutsideServiceArea, SigapError
from sigap.market import numbers
from sigap.models import MarketLicence, MarketSeller
from sigap.payments import qris
from sigap.regions.state import RegionState


@dataclass(frozen=True, slots=True)
class Registration:
    name: str
    nib: str
    lat: float
    lon: float
    description: str = ""
    phone: str | None = None
    pirt: Sequence[str] = ()
    halal: Sequence[str] = ()
    bpom: Sequence[str] = ()
    qris: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    kelurahan_code: str
    kecamatan_code: str


def place(state: RegionState, lon: float, lat: float) -> Place:
    """The kelurahan (and kecamatan) of a pickup point, or ``outside_service_area``."""
    found = state.index.locate(lon, lat)
    if found is None:
        raise OutsideServiceArea(lat=lat, lon=lon, region=state.name)
    by_level = {area.level: area.code for area in state.lineage(found.code)}
    return Place(found.code, by_level["kecamatan"])


def is_curator(state: RegionState, unit_code: str, role: str, unit_id: int | None) -> bool:
    """THE rule of who curates sellers: an admin, or an official of the curating unit or a
    unit below it."""
    if role == "admin":
        return True
    curator = state.units_by_code.get(unit_code)
    if curator is None or unit_id is None or role == "citizen":
        return False
    return unit_id in state.unit_subtree(curator.id)


def licences(reg: Registration, *, this_year: int) -> list[tuple[str, str, int | None]]:
    """(kind, number, expiry year) of every number given, each checked for its structure."""
    found: list[tuple[str, str, int | None]] = [("nib", numbers.nib(reg.nib), None)]
    for value in dict.fromkeys(reg.pirt):
        parsed = numbers.pirt(value, this_year=this_year)
        found.append(("pirt", parsed.number, parsed.expires_year))
    found += [("halal", numbers.halal(v), None) for v in dict.fromkeys(reg.halal)]
    found += [("bpom", numbers.bpom(v), None) for v in dict.fromkeys(reg.bpom)]
    return list(dict.fromkeys(found))


def register(
    session: Session, state: RegionState, account_id: int, reg: Registration, *, now: datetime
) -> MarketSeller:
    """A new pending seller of ``account_id``; 409 ``market_seller_exists`` for a second."""
    checked = licences(reg, this_year=now.year)
    if reg.qris is not None:
        qris.parse(reg.qris)  # a static code that checks (422 qris_invalid otherwise)
    where = place(state, reg.lon, reg.lat)
    taken = session.scalar(select(MarketSeller.id).where(MarketSeller.account_id == account_id))
    if taken is not None:
        raise SigapError("market_seller_exists")
    seller = MarketSeller(
        account_id=account_id,
        name=reg.name,
        description=reg.description,
        phone=reg.phone,
        status="pending",
        lon=reg.lon,
        lat=reg.lat,
        kelurahan_code=where.kelurahan_code,
        kecamatan_code=where.kecamatan_code,
        qris=reg.qris,
        demo=False,
        created_at=now,
    )
    session.add(seller)
    session.flush()
    session.add_all(
        MarketLicence(seller_id=seller.id, kind=kind, number=number, expires_year=year)
        for kind, number, year in checked
    )
    session.flush()
    return seller


def of_account(session: Session, account_id: int, *, lock: bool = False) -> MarketSeller:
    """The account's shop, or 403 ``market_not_a_seller``."""
    query = select(MarketSeller).where(MarketSeller.account_id == account_id)
    seller = session.scalar(query.with_for_update() if lock else query)
    if seller is None:
        raise SigapError("market_not_a_seller")
    return seller


def selling(seller: MarketSeller) -> MarketSeller:
    """``seller`` if it may sell now; a suspended shop is told why."""
    if seller.status == "suspended":
        raise SigapError("market_seller_suspended", reason=seller.suspended_reason or "-")
    return seller


def get(session: Session, seller_id: int, *, public: bool, lock: bool = False) -> MarketSeller:
    """A seller by id; the public sees only curated, unsuspended shops (others: 404)."""
    query = select(MarketSeller).where(MarketSeller.id == seller_id)
    seller = session.scalar(query.with_for_update() if lock else query)
    if seller is None or (public and seller.status != "active"):
        raise SigapError("market_seller_not_found", seller_id=seller_id)
    return seller


def licences_of(session: Session, seller_ids: Sequence[int]) -> dict[int, list[MarketLicence]]:
    rows = session.scalars(
        select(MarketLicence)
        .where(MarketLicence.seller_id.in_(seller_ids))
        .order_by(MarketLicence.id)
    )
    found: dict[int, list[MarketLicence]] = {seller_id: [] for seller_id in seller_ids}
    for row in rows:
        found[row.seller_id].append(row)
    return found


def verify(
    session: Session, seller_id: int, licence_id: int, *, account_id: int, now: datetime
) -> MarketLicence:
    """The office has checked this number (a badge from now on); repeating changes nothing."""
    get(session, seller_id, public=False)
    licence = session.get(MarketLicence, licence_id)
    if licence is None or licence.seller_id != seller_id:
        raise SigapError("market_licence_not_found", licence_id=licence_id)
    if licence.verified_at is None:
        licence.verified_at, licence.verified_by = now, account_id
    session.flush()
    return licence


def curate(session: Session, seller_id: int, *, account_id: int, now: datetime) -> MarketSeller:
    """List the shop: its NIB must have been verified first."""
    seller = get(session, seller_id, public=False, lock=True)
    nib = session.scalar(
        select(MarketLicence.id).where(
            MarketLicence.seller_id == seller_id,
            MarketLicence.kind == "nib",
            MarketLicence.verified_at.is_not(None),
        )
    )
    if nib is None:
        raise SigapError("market_licence_needed", food_class="-", kind="NIB")
    if seller.status == "pending":
        seller.status = "active"
        seller.curated_at, seller.curated_by = now, account_id
    session.flush()
    return seller


def suspend(session: Session, seller_id: int, *, reason: str) -> MarketSeller:
    seller = get(session, seller_id, public=False, lock=True)
    seller.status, seller.suspended_reason = "suspended", reason
    session.flush()
    return seller


def reinstate(session: Session, seller_id: int) -> MarketSeller:
    """Back to listed if it had been curated, else to pending."""
    seller = get(session, seller_id, public=False, lock=True)
    if seller.status == "suspended":
        seller.status = "active" if seller.curated_at is not None else "pending"
        seller.suspended_reason = None
    session.flush()
    return seller


def badges(seller: MarketSeller, held: Sequence[MarketLicence]) -> list[dict[str, Any]]:
    """What the office verified, and when: each verified number, and the curation."""
    found: list[dict[str, Any]] = [
        {"kind": licence.kind, "number": licence.number, "verified_at": licence.verified_at}
        for licence in held
        if licence.verified_at is not None
    ]
    if seller.curated_at is not None:
        found.append({"kind": "curated", "number": None, "verified_at": seller.curated_at})
    return found


def list_for_curator(session: Session, *, status: str | None, limit: int) -> list[MarketSeller]:
    query = select(MarketSeller).order_by(MarketSeller.id.desc()).limit(limit)
    if status is not None:
        query = query.where(MarketSeller.status == status)
    return list(session.scalars(query))
