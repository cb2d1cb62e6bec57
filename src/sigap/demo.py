"""Demo data: a few hundred believable reports spread over the region, in several states.

Reports are submitted through the real submit use case (routing, deadlines, timeline, outbox);
later states are added as timeline events from the responsible unit, as an official would.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sigap import models
from sigap.accounts.service import create as create_account
from sigap.auth.service import Subject
from sigap.cards import ledger, validators
from sigap.cards import service as cards
from sigap.cards import taps as card_taps
from sigap.cards.pricing import EnginePricer
from sigap.fares import planner
from sigap.geo.sample import points_inside
from sigap.kit import utcnow
from sigap.models.category import TRANSIT_DATATYPES
from sigap.models.rows import ReportRow
from sigap.models.states import OPEN_IN_INDEX_ORDER, ReportStatus
from sigap.photos import service as photos
from sigap.photos.service import StoredPhoto
from sigap.regions.state import CategoryInfo, RegionState, kelurahan_polygons
from sigap.reports import service
from sigap.reports.schemas import ReportCreate
from sigap.transit import store as transit_store
from sigap.transit.state import Network
from sigap.workflow import actions, answer, assign, machine, rating, resolve

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
# Answers to the bundled packs' free-text questions (other questions get a random fitting answer).
ANSWERS = {
    "nama_rumah_sakit": "RSUD Tarakan",
    "ciri_pelaku": "Dua orang berboncengan motor, memakai helm hitam.",
}
# (status, share): the order in which a report moves; a share of reports stops at each.
OUTCOMES = (
    (ReportStatus.open, 0.4),
    (ReportStatus.in_progress, 0.25),
    (ReportStatus.resolved, 0.2),
    (ReportStatus.closed, 0.1),
    (ReportStatus.rejected, 0.05),
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


def seed_reports(
    session: Session,
    state: RegionState,
    *,
    count: int = 300,
    seed: int = 7,
    after_photos: Sequence[StoredPhoto] = (),
    before_photos: Sequence[StoredPhoto] = (),
    busy: Sequence[str] = (),
    network: Network | None = None,
) -> int:
    """Add ``count`` demo reports unless the database already has reports; returns how many.

    Later states go through the real workflow (sigap.workflow.actions), dated when an official
    would have acted; ``after_photos`` (already stored) are the proof on resolved reports,
    ``before_photos`` go with every other report. The kelurahan in ``busy`` (where the demo's
    field officers work) get a few reports each first, so their inbox has something to assign.
    A transit category's reports name a route and a stop of ``network`` (none without one;
    such a category whose route is required is then left out).
    """
    if session.scalar(select(func.count()).select_from(models.Report)):
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    nprng = np.random.default_rng(seed)
    polygons = kelurahan_polygons(session, state.boundary_version_id, state.areas)
    codes = sorted(polygons)
    categories = [
        c
        for c in state.categories.values()
        if c.active and (network is not None or not _needs_network(c))
    ]
    now = utcnow()
    first = [code for code in busy if code in polygons] * 6 + codes
    for number in range(count):
        code = first[number] if number < len(first) else rng.choice(codes)
        lon, lat = points_inside(polygons[code], 1, nprng)[0]
        category = categories[number % len(categories)]
        received = now - timedelta(minutes=rng.randint(10, 30 * 24 * 60))
        data = ReportCreate(
            category=category.code,
            lat=round(float(lat), 6),
            lon=round(float(lon), 6),
            description=DESCRIPTIONS.get(category.code, "Mohon segera ditindaklanjuti."),
            attributes=_answers(category, received, rng, network),
        )
        result = service.submit(
            session, state, data=data, channel="web", received_at=received, network=network
        )
        if before_photos and number % 2 == 0:
            photos.attach(
                session, report_id=result.report["id"], event_id=result.events[0]["id"],
                stored=before_photos, kind="before",
            )  # fmt: skip
        outcome = rng.choices([o for o, _ in OUTCOMES], weights=[w for _, w in OUTCOMES])[0]
        _advance(session, state, result.report, outcome, rng, after_photos)
    return count


def busy_kelurahan(state: RegionState, accounts: Sequence[Mapping[str, Any]]) -> list[str]:
    """The kelurahan whose offices have a demo field officer (see :func:`seed_reports`)."""
    found = []
    for spec in accounts:
        unit = state.units_by_code.get(spec.get("unit") or "")
        area = state.areas.get(unit.area_code or "") if unit is not None else None
        if spec["role"] in machine.ASSIGNABLE and area is not None and area.level == "kelurahan":
            found.append(area.code)
    return found


def seed_assignments(
    session: Session, state: RegionState, accounts: Sequence[Mapping[str, Any]]
) -> int:
    """Give each demo field officer the two most urgent active reports of their unit (by the
    unit's head, through the workflow), leaving the rest for a visitor to assign."""
    assigned = 0
    for spec in accounts:
        if spec["role"] not in machine.ASSIGNABLE:
            continue
        officer = session.scalars(
            select(models.Account).where(models.Account.email == spec["email"])
        ).one()
        if officer.unit_id is None:
            continue
        reports = session.execute(
            select(models.Report.id, models.Report.updated_at)
            .where(
                models.Report.unit_id == officer.unit_id,
                models.Report.status.in_(OPEN_IN_INDEX_ORDER),
                models.Report.assignee_id.is_(None),
            )
            .order_by(models.Report.due_at, models.Report.id)
            .limit(2)
        ).all()
        for report_id, updated_at in reports:
            # Dated soon after the report's last change, never in the future.
            at = min(updated_at + timedelta(minutes=10), utcnow() - timedelta(minutes=1))
            assign.assign(
                session, state, _official_of(state, officer.unit_id), report_id,
                officer_id=officer.id, note="Mohon dicek (demo).", options=actions.Options(now=at),
            )  # fmt: skip
            assigned += 1
    return assigned


def _needs_network(category: CategoryInfo) -> bool:
    return any(q.required and q.datatype in TRANSIT_DATATYPES for q in category.questions)


def _answers(
    category: CategoryInfo, received: datetime, rng: random.Random, network: Network | None
) -> dict[str, Any] | None:
    """What a citizen might answer: every required question, about half of the others; a
    route of ``network`` and a stop it calls at (never a route or stop without a network)."""
    found: dict[str, Any] = {}
    route: str | None = None
    for question in category.questions:
        if question.datatype in TRANSIT_DATATYPES:
            if network is None or (not question.required and rng.random() < 0.5):
                continue
            if question.datatype == "transit_route":
                route = rng.choice(sorted(network.sequences))
                found[question.code] = route
            elif route is not None:  # the route question comes first in the pack
                found[question.code] = rng.choice(network.sequences[route][0].stops)
            continue
        if not question.required and rng.random() < 0.5:
            continue
        keys = [choice.key for choice in question.choices]
        if question.datatype == "multivaluelist":
            found[question.code] = rng.sample(keys, rng.randint(1, min(2, len(keys))))
        elif question.datatype == "singlevaluelist":
            found[question.code] = rng.choice(keys)
        elif question.datatype == "number":
            found[question.code] = rng.randint(5, 80)
        elif question.datatype == "datetime":
            found[question.code] = (received - timedelta(hours=rng.randint(1, 12))).isoformat()
        else:
            found[question.code] = ANSWERS.get(question.code, "Keterangan contoh (demo).")
    return found or None


def _advance(
    session: Session,
    state: RegionState,
    report: ReportRow,
    outcome: str,
    rng: random.Random,
    after_photos: Sequence[StoredPhoto],
) -> None:
    """Move a demo report towards ``outcome``, stopping at the present: no event is dated in
    the future, so recent reports stay open or in progress as they would be."""
    now = utcnow()
    report_id = report["id"]
    official = _official_of(state, report["unit_id"])
    at = report["created_at"] + timedelta(hours=rng.uniform(0.5, 30))
    if outcome == ReportStatus.open or at > now:
        return
    if outcome == ReportStatus.rejected:
        answer.reject(
            session, state, official, report_id, reason="not_city_problem",
            note="Bukan kewenangan pemerintah kota (demo).", options=actions.Options(now=at),
        )  # fmt: skip
        return
    answer.acknowledge(
        session, state, official, report_id, note="Sedang ditangani.",
        options=actions.Options(now=at),
    )  # fmt: skip
    at += timedelta(hours=rng.uniform(2, 120))
    if outcome not in (ReportStatus.resolved, ReportStatus.closed) or at > now or not after_photos:
        return
    options = actions.Options(now=at, photos=[{"display_key": p.display_key} for p in after_photos])
    event = resolve.resolve(
        session, state, official, report_id, note="Sudah diperbaiki (demo).", options=options
    )
    photos.attach(
        session, report_id=report_id, event_id=event.id, stored=after_photos, kind="after"
    )
    at += timedelta(days=rng.uniform(1, 3))
    if outcome == ReportStatus.closed and at <= now:
        rating.rate(
            session, state, report_id, stars=rng.randint(3, 5), comment=None, reason=None,
            options=actions.Options(now=at),
        )  # fmt: skip


def _official_of(state: RegionState, unit_id: int) -> actions.Actor:
    """The unit acting with no person behind it (account 0: the events record no account), as
    the demo's history is made up, not done by anyone."""
    subject = Subject(
        account_id=0, name="demo", email="demo@sigap.invalid", role="unit_head",
        unit_id=unit_id, language="id", scope=frozenset({unit_id}), session_hash="",
    )  # fmt: skip
    return actions.Actor.official(subject)


def before_photo_jpeg() -> bytes:
    """A plain picture standing for rubbish by a street, for the demo's report photos."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (150, 175, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 600), fill=(90, 90, 95))
    for box, colour in (((220, 300, 420, 430), (70, 60, 50)), ((380, 330, 560, 440), (40, 40, 40))):
        draw.ellipse(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def after_photo_jpeg() -> bytes:
    """A plain picture standing for a repaired street, for the demo's resolved reports."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 600), (120, 160, 120))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 600), fill=(90, 90, 95))
    draw.rectangle((360, 470, 440, 490), fill=(240, 240, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


TRANSIT_FEEDS = Path(__file__).parent / "data" / "transit"


def seed_transit(session: Session, slug: str) -> list[str]:
    """Import the transit feeds bundled for the region ``slug`` (Jakarta: MRT and KRL, whose
    licences allow it; data/transit/<slug>/README.md), with their credits, into a database
    that has no feed yet; returns the feeds imported."""
    folder = TRANSIT_FEEDS / slug
    if not folder.is_dir() or session.scalar(select(func.count(models.TransitFeed.name))):
        return []
    credits: dict[str, str] = json.loads((folder / "credits.json").read_text(encoding="utf-8"))
    feeds = [transit_store.load(path, path.stem) for path in sorted(folder.glob("*.zip"))]
    transit_store.store(session, feeds, utcnow(), credits)
    return [feed.name for feed in feeds]


DEMO_CARD = "6032 0000 0000 0001"  # a made-up number: no real card has it


def seed_cards(session: Session, slug: str, network: Network | None) -> str | None:
    """The fare card's demo (Jakarta, whose pack has fare rules): a card of the first demo
    citizen with a paid demo top-up, a Transjakarta and an MRT validator, and yesterday
    morning's taps (a Transjakarta bus, then the MRT), priced by THE fare engine. Once only;
    returns the card's last four digits, or None."""
    fare_rules = planner.bundled(slug)
    holder = session.scalar(
        select(models.Account).where(models.Account.role == "citizen").order_by(models.Account.id)
    )
    if fare_rules is None or holder is None or session.scalar(select(models.Card.id).limit(1)):
        return None
    now = utcnow()
    hasher = cards.Hasher.load(session)
    card = cards.register(
        session, hasher, holder_id=holder.id, number=DEMO_CARD, name="Kartu demo", now=now
    )
    clearing = ledger.account_id(session, "clearing:demo", "clearing")
    entries = ((clearing, -50_000), (card.ledger_account_id, 50_000))
    ledger.post(session, ledger.Posting("topup:demo:seed", "topup", now, entries, "demo"))
    morning = datetime.combine(now.date() - timedelta(days=1), datetime.min.time(), UTC)
    rides = [  # 07:10 WIB a Transjakarta bus, 07:40 the MRT from Lebak Bulus to Fatmawati
        ("transjakarta", "tj:H00275P", "tj:1", [("in", 10)]),
        ("mrt", "mrt:SLBB", None, [("in", 40)]),
        ("mrt", "mrt:SFTM", None, [("out", 55)]),
    ]
    places = planner.places(network) if network is not None else None
    pricer = EnginePricer(fare_rules, places)
    for n, (name, stop, route, taps) in enumerate(rides):
        _, key = validators.create(
            session, name=f"Demo {name} {n + 1}", network=name, stop_id=stop, route_id=route,
            now=now,
        )  # fmt: skip
        batch = [
            card_taps.TapIn(f"demo-{n}-{kind}", DEMO_CARD, kind, morning + timedelta(minutes=m))
            for kind, m in taps
        ]
        card_taps.ingest(
            session, validators.authenticate(session, key), batch, hasher=hasher,
            pricer=pricer, floor=0, zone=fare_rules.zone, now=now,
        )  # fmt: skip
    return card.last4
