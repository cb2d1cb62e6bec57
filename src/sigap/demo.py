"""Demo data: a few hundred believable reports spread over the region, in several states.

Reports are submitted through the real submit use case (routing, deadlines, timeline, outbox);
later states are added as timeline events from the responsible unit, as an official would.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.geo.sample import points_inside
from sigap.kit import utcnow
from sigap.regions.state import RegionState, kelurahan_polygons
from sigap.reports import service
from sigap.reports.schemas import ReportCreate

DESCRIPTIONS = {
    "kemacetan": "Macet total sejak pagi, lampu lalu lintas mati.",
    "sampah": "Tumpukan sampah di pinggir jalan belum diangkut tiga hari, bau menyengat.",
    "banjir": "Air setinggi 40 cm menggenangi jalan setelah hujan deras.",
    "jalan_rusak": "Lubang besar di tengah jalan, berbahaya untuk pengendara motor.",
    "lampu_jalan": "Lampu jalan mati sepanjang 100 meter, gelap di malam hari.",
    "pohon_tumbang": "Pohon tumbang menutup separuh jalan.",
    "saluran_air": "Saluran air tersumbat sampah, air meluap ke jalan.",
    "fasilitas_umum": "Halte rusak, atapnya bocor dan kursinya patah.",
    "parkir_liar": "Parkir liar di bahu jalan menyebabkan kemacetan.",
    "pkl_liar": "Pedagang kaki lima berjualan di atas trotoar.",
    "pengemis": "Beberapa pengemis di perempatan lampu merah setiap sore.",
    "tindak_kriminal": "Sering terjadi penjambretan di jalan ini pada malam hari.",
    "kebakaran": "Asap tebal keluar dari gudang, api mulai terlihat.",
    "pelanggaran_bangunan": "Bangunan baru berdiri di atas saluran air tanpa izin.",
    "iklan_liar": "Spanduk iklan dipasang di tiang listrik tanpa izin.",
    "makanan_tidak_higienis": "Warung menjual makanan basi, beberapa pembeli sakit perut.",
    "kawasan_dilarang_merokok": "Orang merokok di dalam ruang tunggu puskesmas.",
    "transjakarta": "Bus Transjakarta koridor ini datang lebih dari 30 menit sekali.",
    "layanan_rumah_sakit": "Antrean IGD sangat lama, pasien menunggu lebih dari 4 jam.",
    # A rural regency's everyday problems (Gowa pack).
    "jembatan_rusak": "Jembatan kayu penghubung dusun patah, warga memutar 5 km.",
    "irigasi": "Saluran irigasi jebol, sawah di hilir tidak mendapat air.",
    "tanah_longsor": "Longsor menutup separuh badan jalan menuju Malino.",
    "air_bersih": "Air PDAM tidak mengalir sejak tiga hari.",
    "puskesmas": "Posyandu tutup di jadwal imunisasi, ibu-ibu pulang tanpa layanan.",
    "hama_pertanian": "Hama wereng menyerang padi di beberapa petak sawah.",
}
# (status, share): the order in which a report moves; a share of reports stops at each.
OUTCOMES = (
    ("open", 0.4),
    ("in_progress", 0.25),
    ("resolved", 0.2),
    ("closed", 0.1),
    ("rejected", 0.05),
)


DEMO_PASSWORD = "sigap-demo"  # noqa: S105 - published demo logins, never a real deployment


def seed_accounts(session: Session, accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Create the region pack's demo accounts (missing ones only); returns all of them."""
    existing = set(session.scalars(select(models.Account.email)))
    for spec in accounts:
        if spec["email"] not in existing:
            create_account(
                session,
                email=spec["email"],
                name=spec["name"],
                password=DEMO_PASSWORD,
                role=spec["role"],
                unit_code=spec.get("unit"),
            )
    return accounts


def seed_reports(session: Session, state: RegionState, *, count: int = 300, seed: int = 7) -> int:
    """Add ``count`` demo reports unless the database already has reports; returns how many."""
    if session.scalar(select(func.count()).select_from(models.Report)):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    nprng = np.random.default_rng(seed)
    polygons = kelurahan_polygons(session, state.boundary_version_id, state.areas)
    codes = sorted(polygons)
    categories = [c for c in state.categories.values() if c.active]
    now = utcnow()
    for number in range(count):
        code = codes[number % len(codes)] if number < len(codes) else rng.choice(codes)
        lon, lat = points_inside(polygons[code], 1, nprng)[0]
        category = categories[number % len(categories)]
        received = now - timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        data = ReportCreate(
            category=category.code,
            lat=round(float(lat), 6),
            lon=round(float(lon), 6),
            description=DESCRIPTIONS.get(category.code, "Mohon segera ditindaklanjuti."),
        )
        result = service.submit(session, state, data=data, channel="web", received_at=received)
        report = session.get_one(models.Report, result.report["id"])
        outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        _advance(session, report, outcome, rng)
    return count


def _advance(session: Session, report: models.Report, outcome: str, rng: random.Random) -> None:
    """Move a demo report towards ``outcome``, stopping at the present: no event is dated in
    the future, so recent reports stay open or in progress as they would be."""
    now = utcnow()
    at = report.created_at + timedelta(hours=rng.uniform(0.5, 30))
    if outcome == "open" or at > now:
        return
    if outcome == "rejected":
        _event(session, report, "reject", "rejected", at, "Bukan masalah kota (demo).")
        return
    _event(session, report, "acknowledge", "in_progress", at, "Sedang ditangani.")
    report.first_response_at = at
    at += timedelta(hours=rng.uniform(2, 120))
    if outcome not in ("resolved", "closed") or at > now:
        return
    _event(session, report, "resolve", "resolved", at, "Sudah diperbaiki (demo).")
    report.resolved_at = at
    at += timedelta(days=rng.uniform(1, 3))
    if outcome == "closed" and at <= now:
        _event(session, report, "close", "closed", at, None)
        report.closed_at = at


def _event(
    session: Session,
    report: models.Report,
    action: str,
    status: str,
    at: datetime,
    note: str | None,
) -> None:
    session.add(
        models.ReportEvent(
            report_id=report.id,
            action=action,
            from_status=report.status,
            to_status=status,
            actor_kind="official",
            actor_unit_id=report.unit_id,
            note=note,
            data={"demo": True},
            created_at=at,
        )
    )
    report.status = status
    report.updated_at = at
