"""Demo shops for ``sigap demo``: two fictional home kitchens, marked ``demo`` (never a
region pack's data: a production deployment has no demo shops unless someone runs the demo).

Their numbers are invented but well formed (the region's province and regency codes in the
P-IRT number); the office's verification and curation are recorded as done by the demo
curator when the pack has one, else left pending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sigap.accounts.service import create as create_account
from sigap.market import products, sellers
from sigap.models import Account, MarketLicence, MarketSeller
from sigap.regions.state import RegionState

SHOPS = (
    (
        "penjual.kue@demo.sigap.id",
        "Dapur Kue Bu Sri (demo)",
        [
            ("Kue Lapis Legit", "food", "fresh", 35_000, 8),
            ("Klepon Pandan", "food", "fresh", 15_000, 20),
            ("Nastar Nanas", "food", "pirt", 85_000, 6),
        ],
    ),
    (
        "penjual.minuman@demo.sigap.id",
        "Wedang & Anyaman Pak Budi (demo)",
        [
            ("Wedang Jahe Merah", "drink", "fresh", 12_000, 15),
            ("Tas Anyaman Pandan", "crafts", "none", 120_000, 3),
        ],
    ),
)


KITCHENS = ("31.71.01.1002", "31.71.01.1001")


def seed_market(session: Session, state: RegionState, password: str, *, now: datetime) -> int:
    """The demo shops (once); the number made."""
    if session.scalar(select(MarketSeller.id).where(MarketSeller.demo.is_(True))) is not None:
        return 0
    places = sorted(
        (a for a in state.areas.values() if a.level == "kelurahan" and a.label_lat),
        key=lambda a: a.code,
    )
    curator = session.scalar(select(Account.id).where(Account.email == "umkm@demo.sigap.id"))
    for n, (email, name, items) in enumerate(SHOPS):
        area = state.areas.get(KITCHENS[n]) or places[n]  # Cideng and Gambir in Jakarta
        account = session.scalar(select(Account).where(Account.email == email))
        if account is None:
            account = create_account(
                session, email=email, name=name, password=password, role="citizen"
            )
        regency = area.code.split(".")[1]
        pirt = f"206{state.code[:2]}{regency}01{n + 1:04d}{(now.year + 3) % 100:02d}"
        reg = sellers.Registration(
            name,
            f"9120000{n + 1:06d}",
            area.label_lat or 0.0,
            area.label_lon or 0.0,
            "Toko contoh untuk demo.",
            pirt=[pirt],
        )
        seller = sellers.register(session, state, account.id, reg, now=now)
        seller.demo = True
        if curator is not None:
            for licence in session.scalars(
                select(MarketLicence).where(MarketLicence.seller_id == seller.id)
            ):
                licence.verified_at, licence.verified_by = now, curator
            seller.status, seller.curated_at, seller.curated_by = "active", now, curator
        for item, category, food_class, price, stock in items:
            listing = products.Listing(
                item,
                category,
                food_class,
                price,
                stock,
                pirt=pirt if food_class == "pirt" else None,
                opening_hours="07:00-17:00",
            )
            products.create(session, state, seller, listing, now=now)
    return len(SHOPS)
