"""Load N synthetic Jakarta reports into a Sigap database, fast (bulk inserts, no HTTP).

Points are drawn inside the real kelurahan polygons (kelurahan weighted unevenly, as real
activity is), routed by the same geo index and routing rules as the API, with a realistic mix
of categories, times over the last year (ids increase with time) and statuses that depend on
age. Only report rows are written (no timeline events or outbox rows): this generator feeds the
list/map benchmarks, not the workflow.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select

from sigap import models
from sigap.db import Database
from sigap.geo.sample import points_inside
from sigap.kit import sha256_hex, utcnow
from sigap.migrations import upgrade
from sigap.portal.fold import fold_now
from sigap.regions import pack as packs
from sigap.regions.service import import_pack
from sigap.regions.state import RegionState, kelurahan_polygons, load_state
from sigap.workflow.routing import responsible_unit

CATEGORY_WEIGHTS = {
    "sampah": 18, "banjir": 12, "jalan_rusak": 12, "kemacetan": 10, "parkir_liar": 8,
    "lampu_jalan": 6, "saluran_air": 6, "pkl_liar": 6, "fasilitas_umum": 5, "pohon_tumbang": 3,
    "pengemis": 3, "tindak_kriminal": 2, "pelanggaran_bangunan": 2, "iklan_liar": 2,
    "transjakarta": 1, "layanan_rumah_sakit": 1, "makanan_tidak_higienis": 1,
    "kawasan_dilarang_merokok": 1, "kebakaran": 0.5, "lainnya": 0.5,
}  # fmt: skip
CHUNK = 20_000


def prepare(url: str) -> tuple[Database, RegionState]:
    upgrade(url)
    database = Database(url)
    with database.transaction() as session:
        if session.scalar(select(func.count()).select_from(models.Region)) == 0:
            import_pack(session, packs.read(packs.resolve("jakarta")))
    with database.reading() as session:
        state = load_state(session)
    return database, state


def sample_points(
    database: Database, state: RegionState, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    with database.reading() as session:
        polygons = kelurahan_polygons(session, state.boundary_version_id, state.areas)
    codes = sorted(polygons)
    weights = rng.lognormal(0, 0.7, len(codes))
    per_kelurahan = rng.multinomial(count, weights / weights.sum())
    points = [
        points_inside(polygons[c], int(n), rng)
        for c, n in zip(codes, per_kelurahan, strict=True)
        if n
    ]
    xy = np.concatenate(points)
    rng.shuffle(xy)
    return xy[:, 0], xy[:, 1]


def generate(url: str, count: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    database, state = prepare(url)
    started = time.perf_counter()
    lon, lat = sample_points(database, state, count, rng)
    located = state.index.locate_many(lon, lat)
    keep = located >= 0
    lon, lat, located = lon[keep], lat[keep], located[keep]
    categories = list(CATEGORY_WEIGHTS)
    weights = np.array([CATEGORY_WEIGHTS[c] for c in categories])
    category_ix = rng.choice(len(categories), len(lon), p=weights / weights.sum())
    now = utcnow()
    ages = np.sort(rng.uniform(0, 365 * 24 * 3600, len(lon)))[::-1]
    status_roll = rng.uniform(0, 1, len(lon))
    units: dict[tuple[str, str], int] = {}
    lineage = {code: {a.level: a.code for a in state.lineage(code)} for code in state.index.codes}
    inserted = 0
    batch: list[dict[str, Any]] = []
    for i in range(len(lon)):
        kel = state.index.codes[located[i]]
        category = categories[category_ix[i]]
        unit = units.get((category, kel))
        if unit is None:
            unit = units[(category, kel)] = responsible_unit(state, category, kel)
        info = state.categories[category]
        created = now - timedelta(seconds=float(ages[i]))
        batch.append(
            _row(i, seed, kel, lineage[kel], unit, category, info.response_hours,
                 info.resolution_hours, float(lon[i]), float(lat[i]), created,
                 float(ages[i]), float(status_roll[i]), state.boundary_version_id)
        )  # fmt: skip
        if len(batch) == CHUNK or i == len(lon) - 1:
            with database.write_engine.begin() as connection:  # one commit per chunk
                connection.execute(insert(models.Report), batch)
            fold_now(database)  # PostgreSQL's queued counts, as the worker would
            inserted += len(batch)
            batch = []
    elapsed = time.perf_counter() - started
    database.dispose()
    return {
        "inserted": inserted,
        "seconds": round(elapsed, 1),
        "rows_per_s": round(inserted / elapsed),
    }


def _row(i: int, seed: int, kel: str, lineage: dict[str, str], unit: int, category: str,
         response_h: int, resolution_h: int, lon: float, lat: float, created: Any,
         age_s: float, roll: float, version: int) -> dict[str, Any]:  # fmt: skip
    days = age_s / 86400
    if days < 1:
        status = "open" if roll < 0.6 else "in_progress"
    elif days < 14:
        status = ("open", "in_progress", "resolved", "closed")[min(3, int(roll * 4))]
    else:
        status = "closed" if roll < 0.8 else ("resolved" if roll < 0.9 else "rejected")
    responded = created + timedelta(hours=2 + 40 * roll) if status != "open" else None
    resolved = created + timedelta(days=1 + 5 * roll) if status in ("resolved", "closed") else None
    due = {
        "open": created + timedelta(hours=response_h),
        "in_progress": created + timedelta(hours=resolution_h),
    }.get(status)
    return {
        "category_code": category, "status": status, "description": "Laporan sintetis (bench).",
        "address": None, "lon": round(lon, 6), "lat": round(lat, 6), "channel": "api",
        "kelurahan_code": kel, "kecamatan_code": lineage["kecamatan"],
        "kabkota_code": lineage["kabkota"], "unit_id": unit, "boundary_version_id": version,
        "routing_method": "inside", "routing_distance_m": 0.0, "created_at": created,
        "updated_at": resolved or responded or created,
        "response_due_at": created + timedelta(hours=response_h),
        "resolution_due_at": created + timedelta(hours=resolution_h),
        "first_response_at": responded, "resolved_at": resolved,
        "closed_at": resolved + timedelta(days=2) if status == "closed" and resolved else None,
        "support_count": 0, "reopen_count": 0,
        "tracking_token_hash": sha256_hex(f"bench-{seed}-{i}"),
        "received_at": created, "due_at": due,
        "next_check_at": due or (resolved if status == "resolved" else None),
        "sla_warned": status == "open",
    }  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench generate", description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.database_url, args.count, args.seed)))
